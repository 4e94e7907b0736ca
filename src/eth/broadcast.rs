//! Sending a signed transaction: the raw transaction from hex or from an `eth-signature`
//! joined to the request it answers (checked to recover to the requested account), sent to a
//! node, and its receipt awaited.

use std::path::Path;
use std::time::{Duration, Instant};

use alloy_primitives::{hex, B256};

use super::build::{rpc_error, unreachable_node};
use super::request::Source;
use super::rpc::{Receipt, Rpc, RpcError};
use super::sign::{from_rsv, recover};
use super::{EthPayload, EthRequest};
use crate::i18n::Text;
use crate::transport::collect::{receive, Received};
use crate::transport::registry::Payload;
use crate::{Error, Result};

/// The raw signed transaction in `data` (read from `file`): hex, or an eth-signature joined
/// to its request, read from `request`.
pub fn signed_raw(data: Vec<u8>, file: &Path, request: Option<&Path>) -> Result<Vec<u8>> {
    if let Some(Ok(Received::Ur { ur_type, cbor })) = receive(&data).transpose() {
        let Ok(Payload::EthSignature(sig)) = Payload::from_ur(&ur_type, &cbor) else {
            return Err(Error::bad_input(format!(
                "{} holds UR {ur_type}, not an eth-signature",
                file.display()
            )));
        };
        let path = request.ok_or_else(|| {
            Error::usage(
                "an eth-signature needs the request it answers",
                "pass --request REQUEST",
            )
        })?;
        let request =
            EthRequest::decode(&crate::files::read_input(path)?).map_err(Error::bad_input)?;
        if let Source::SignRequest(r) = &request.source {
            if r.request_id.is_some() && sig.request_id.is_some() && r.request_id != sig.request_id
            {
                return Err(Error::bad_input(
                    "the eth-signature answers a different request (request ids differ)",
                ));
            }
        }
        let EthPayload::Transaction(tx) = request.payload else {
            return Err(Error::bad_input("the request is not a transaction"));
        };
        let signature = from_rsv(&sig.signature).map_err(Error::bad_input)?;
        let signer = recover(tx.signature_hash(), &signature)
            .ok_or_else(|| Error::unverified(Text::new("error-signature-invalid")))?;
        if request.address.is_some_and(|a| a != signer) {
            return Err(Error::unverified(
                Text::new("error-signed-by-other").arg("signer", signer),
            ));
        }
        return Ok(tx.into_raw_signed(signature));
    }
    let text = String::from_utf8(data)
        .map_err(|_| Error::bad_input("the signed transaction is not hex text"))?;
    hex::decode(text.trim())
        .map_err(|_| Error::bad_input("the signed transaction is not hex (or an eth-signature UR)"))
}

/// Sends `raw` and returns its transaction hash.
pub fn send(rpc: &Rpc, raw: &[u8]) -> Result<B256> {
    rpc.send_raw(raw).map_err(|e| match e {
        RpcError::Unreachable { .. } => unreachable_node(e),
        other => Error::usage(
            other.to_string(),
            "the node refused the transaction (nonce, balance or signature)",
        ),
    })
}

/// Polls for the receipt of `hash` until it is mined or `timeout` has passed.
pub fn wait_for_receipt(rpc: &Rpc, hash: B256, timeout: Duration) -> Result<Receipt> {
    let start = Instant::now();
    loop {
        if let Some(r) = rpc.receipt(hash).map_err(rpc_error)? {
            return Ok(r);
        }
        if start.elapsed() > timeout {
            return Err(Error::usage(
                format!(
                    "{hash} was sent but not mined within {}",
                    humantime::format_duration(timeout)
                ),
                "check later with the transaction hash",
            ));
        }
        std::thread::sleep(Duration::from_millis(500));
    }
}
