//! A Safe as its contract on chain sees it: its nonce, its own safeTxHash (checked against
//! ours), its owners and threshold; owner signatures checked against them and packed for
//! `execTransaction`.

use std::path::{Path, PathBuf};

use alloy_dyn_abi::TypedData;
use alloy_primitives::{hex, Address, Signature, B256, U256};
use alloy_sol_types::{sol, SolCall, SolValue};

use super::build::rpc_error;
use super::rpc::Rpc;
use super::safe::{self, SafeTx};
use super::sign::{from_rsv, recover};
use super::{EthPayload, EthRequest};
use crate::transport::collect::{receive, Received};
use crate::transport::registry::Payload;
use crate::{Error, Result};

sol! {
    function nonce() returns (uint256);
    function getOwners() returns (address[]);
    function getThreshold() returns (uint256);
    function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 _nonce) returns (bytes32);
}

fn read_safe<C: SolCall>(rpc: &Rpc, safe: Address, call: C) -> Result<C::Return> {
    read_safe_encoded::<C>(rpc, safe, &call.abi_encode())
}

/// Calls `safe` with `calldata` (a call of `C`) and decodes what it returns.
fn read_safe_encoded<C: SolCall>(rpc: &Rpc, safe: Address, calldata: &[u8]) -> Result<C::Return> {
    let answer = rpc.read(safe, calldata).map_err(rpc_error)?;
    C::abi_decode_returns(&answer).map_err(|_| {
        Error::usage(
            format!("{safe} does not answer {}: not a Safe", C::SIGNATURE),
            "check --safe and --rpc",
        )
    })
}

/// The Safe's current nonce.
pub fn current_nonce(rpc: &Rpc, safe: Address) -> Result<U256> {
    read_safe(rpc, safe, nonceCall {})
}

/// The safeTxHash of `tx`, refused unless the Safe contract computes the same.
pub fn agreed_hash(rpc: &Rpc, safe_address: Address, chain_id: u64, tx: &SafeTx) -> Result<B256> {
    let ours = safe::hashes(tx, safe_address, chain_id).safe_tx_hash;
    // getTransactionHash takes the SafeTx fields in order, as parameters.
    let calldata = [
        &getTransactionHashCall::SELECTOR[..],
        &tx.abi_encode_params(),
    ]
    .concat();
    let theirs = read_safe_encoded::<getTransactionHashCall>(rpc, safe_address, &calldata)?;
    if theirs != ours {
        return Err(Error::Verification(format!(
            "the Safe computes safeTxHash {theirs}, coldsign {ours}: not a Safe 1.3.0 or later"
        )));
    }
    Ok(ours)
}

/// An `execTransaction` ready to send, and what it rests on.
pub struct Execution {
    /// The calldata.
    pub calldata: Vec<u8>,
    /// The owners whose signatures it carries, in the order the Safe checks them.
    pub signers: Vec<Address>,
    /// The Safe's threshold.
    pub threshold: U256,
}

/// A SafeTx the owners signed, from its request.
pub struct SignedSafeTx {
    /// The Safe.
    pub safe: Address,
    /// The transaction.
    pub tx: SafeTx,
    /// The EIP-712 hash the owners signed.
    pub hash: B256,
}

impl SignedSafeTx {
    /// Decodes the SafeTx request in `data` (read from `file`).
    pub fn decode(data: &[u8], file: &Path) -> Result<Self> {
        let request = EthRequest::decode(data).map_err(Error::bad_input)?;
        let not_safe_tx =
            || Error::bad_input(format!("{} is not a SafeTx request", file.display()));
        let EthPayload::TypedData(typed) = &request.payload else {
            return Err(not_safe_tx());
        };
        let (Some(safe), Some(tx), "SafeTx") = (
            typed.domain.verifying_contract,
            safe::from_message(&typed.message),
            typed.primary_type.as_str(),
        ) else {
            return Err(not_safe_tx());
        };
        Ok(SignedSafeTx {
            safe,
            tx,
            hash: signing_hash(typed)?,
        })
    }

    /// The `execTransaction` calldata with the owners' signatures (read from `files`),
    /// refused unless each recovers to a distinct owner and they reach the
    /// threshold (both checks skipped with `skip_owner_check`, duplicates still refused).
    pub fn exec_calldata(
        &self,
        rpc: &Rpc,
        files: &[PathBuf],
        skip_owner_check: bool,
    ) -> Result<Execution> {
        let owners = read_safe(rpc, self.safe, getOwnersCall {})?;
        let threshold = read_safe(rpc, self.safe, getThresholdCall {})?;
        let mut signed = Vec::new();
        for path in files {
            let signature = parse_owner_signature(&crate::files::read_input(path)?, path)?;
            let owner = recover(self.hash, &signature).ok_or_else(|| {
                Error::Verification(format!("{}: the signature does not verify", path.display()))
            })?;
            if !owners.contains(&owner) && !skip_owner_check {
                return Err(Error::Verification(format!(
                    "{}: signed by {owner}, who is not an owner of the Safe",
                    path.display()
                )));
            }
            if signed.iter().any(|(o, _)| *o == owner) {
                return Err(Error::bad_input(format!(
                    "{}: a second signature by {owner}",
                    path.display()
                )));
            }
            let mut rsv = signature.as_bytes();
            rsv[64] = 27 + u8::from(signature.v());
            signed.push((owner, rsv));
        }
        if U256::from(signed.len()) < threshold && !skip_owner_check {
            return Err(Error::usage(
                format!(
                    "{} owner signature(s), the Safe needs {threshold}",
                    signed.len()
                ),
                "collect more owner signatures",
            ));
        }
        let mut signers: Vec<Address> = signed.iter().map(|(owner, _)| *owner).collect();
        signers.sort();
        Ok(Execution {
            calldata: safe::exec_calldata(&self.tx, safe::signature_blob(signed)),
            signers,
            threshold,
        })
    }
}

fn signing_hash(typed: &TypedData) -> Result<B256> {
    typed
        .eip712_signing_hash()
        .map_err(|e| Error::bad_input(e.to_string()))
}

/// An owner's signature in `data` (read from `path`): 65-byte hex, or an eth-signature UR.
fn parse_owner_signature(data: &[u8], path: &Path) -> Result<Signature> {
    let bytes = match receive(data).map_err(Error::bad_input)? {
        Some(Received::Ur { ur_type, cbor }) => match Payload::from_ur(&ur_type, &cbor) {
            Ok(Payload::EthSignature(s)) => s.signature,
            _ => {
                return Err(Error::bad_input(format!(
                    "{} is not an eth-signature",
                    path.display()
                )))
            }
        },
        _ => hex::decode(String::from_utf8_lossy(data).trim()).map_err(|_| {
            Error::bad_input(format!(
                "{} is not a signature (hex or eth-signature UR)",
                path.display()
            ))
        })?,
    };
    from_rsv(&bytes).map_err(|e| Error::bad_input(format!("{}: {e}", path.display())))
}
