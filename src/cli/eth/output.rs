//! Writing Ethereum requests and answers: EIP-4527 UR text (what crosses the gap), or bare
//! hex for tools like cast; optionally shown as an animated QR code.

use std::path::{Path, PathBuf};

use alloy_primitives::Address;
use bitcoin::bip32::{DerivationPath, Fingerprint};
use clap::{Args, ValueEnum};

use super::super::context::Context;
use super::super::qr::show_payload;
use crate::eth::request::{new_sign_request, request_text};
use crate::eth::KeyHint;
use crate::files::{self, Replace};
use crate::transport::registry::{EthDataType, EthSignRequest, Payload};
use crate::Result;

/// How a request is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RequestFormat {
    /// EIP-4527 `eth-sign-request` as UR text (read by coldsign, Keystone-style signers).
    Ur,
    /// The bare payload: unsigned transaction hex, or typed-data JSON / message hex.
    Raw,
}

/// Where and how to write a request.
#[derive(Debug, Args)]
pub struct RequestOutput {
    /// Output file (- for stdout).
    #[arg(short, long, default_value = "-")]
    pub output: PathBuf,
    /// Request format.
    #[arg(long, value_enum, default_value_t = RequestFormat::Ur)]
    pub format: RequestFormat,
    /// Also show the request as an animated QR code.
    #[arg(long)]
    pub qr: bool,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
}

/// Who signs: address, and where its key is.
#[derive(Debug, Args)]
pub struct Signer {
    /// The signing account's address.
    #[arg(long, value_name = "ADDRESS")]
    pub from: String,
    /// Its derivation path, when known [default: the signer finds the address among its
    /// first accounts].
    #[arg(long, value_name = "PATH")]
    pub path: Option<DerivationPath>,
    /// The master fingerprint of the signing wallet, when known.
    #[arg(long, value_name = "HEX")]
    pub fingerprint: Option<Fingerprint>,
}

impl Signer {
    /// The parsed address.
    pub fn address(&self) -> Result<Address> {
        crate::eth::parse_address(&self.from).map_err(crate::Error::bad_input)
    }
}

/// Builds an `eth-sign-request` with a fresh request id.
pub fn sign_request(
    signer: &Signer,
    data: Vec<u8>,
    data_type: EthDataType,
    chain_id: Option<u64>,
) -> Result<EthSignRequest> {
    let key = KeyHint {
        path: signer.path.clone(),
        fingerprint: signer.fingerprint,
    };
    Ok(new_sign_request(
        data,
        data_type,
        chain_id,
        signer.address()?,
        key,
    ))
}

/// Writes `request` as `out.format` says, then shows it as a QR code if asked.
pub fn write_request(ctx: &Context, request: EthSignRequest, out: &RequestOutput) -> Result<()> {
    let text = request_text(&request, out.format == RequestFormat::Raw)?;
    write_text(&out.output, &text, out.force)?;
    if out.qr {
        show_payload(ctx, &Payload::EthSignRequest(request))?;
    }
    Ok(())
}

/// Writes text to a file or stdout, never replacing a file unless `force`.
pub fn write_text(path: &Path, text: &str, force: bool) -> Result<()> {
    files::write_output(path, text.as_bytes(), Replace::allowed_if(force))
}
