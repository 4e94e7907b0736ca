//! `eth message`: a request to sign a personal message (EIP-191) or typed data (EIP-712).

use std::path::PathBuf;

use alloy_primitives::hex;
use clap::Args;

use super::super::context::Context;
use super::output::{sign_request, write_request, RequestOutput, Signer};
use crate::transport::registry::EthDataType;
use crate::{Error, Result};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("content").required(true).args(["text", "hex", "typed_data"])))]
pub struct MessageArgs {
    /// A text message (personal_sign).
    #[arg(long)]
    text: Option<String>,
    /// A binary message as hex (personal_sign).
    #[arg(long, value_name = "HEX")]
    hex: Option<String>,
    /// eth_signTypedData_v4 JSON file (- for stdin).
    #[arg(long, value_name = "FILE")]
    typed_data: Option<PathBuf>,
    /// Chain id stated in the request (typed data carries its own in the domain).
    #[arg(long)]
    chain_id: Option<u64>,
    #[command(flatten)]
    signer: Signer,
    #[command(flatten)]
    out: RequestOutput,
}

/// `coldsign eth message`.
pub fn run(ctx: &Context, args: MessageArgs) -> Result<()> {
    let (data, data_type) = match (&args.text, &args.hex, &args.typed_data) {
        (Some(text), _, _) => (text.as_bytes().to_vec(), EthDataType::PersonalMessage),
        (_, Some(h), _) => (
            hex::decode(h.trim()).map_err(|_| Error::bad_input(format!("{h:?} is not hex")))?,
            EthDataType::PersonalMessage,
        ),
        (_, _, Some(path)) => {
            let json = crate::files::read_input(path)?;
            let typed = crate::eth::typed_data::parse(&json)
                .map_err(|e| Error::bad_input(format!("{}: {e}", path.display())))?;
            let chain = typed.domain.chain_id.and_then(|c| u64::try_from(c).ok());
            if let (Some(a), Some(b)) = (chain, args.chain_id) {
                if a != b {
                    return Err(Error::bad_input(format!(
                        "the typed data is for chain {a}, not --chain-id {b}"
                    )));
                }
            }
            (json, EthDataType::TypedData)
        }
        _ => unreachable!("clap requires one of the content options"),
    };
    let request = sign_request(&args.signer, data, data_type, args.chain_id)?;
    write_request(ctx, request, &args.out)
}
