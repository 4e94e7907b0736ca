//! A Safe as its contract on chain sees it: its nonce, its own safeTxHash (checked against
//! ours), its owners and threshold; owner signatures checked against them and packed for
//! `execTransaction`.

use std::path::{Path, PathBuf};

use alloy_dyn_abi::TypedData;
use alloy_primitives::{hex, Address, Signature, B256, U256};
use alloy_sol_types::{sol, SolCall, SolValue};

use super::build::{assemble, chain_of, ether, hex_data, named_address, rpc_error, Overrides};
use super::calldata::Operation;
use super::rpc::Rpc;
use super::safe::{self, SafeTx};
use super::sign::{from_rsv, recover};
use super::tx::UnsignedTx;
use super::{EthPayload, EthRequest};
use crate::i18n::Text;
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
        return Err(Error::unverified(
            Text::new("error-safe-hash-differs")
                .arg("theirs", theirs)
                .arg("ours", ours),
        ));
    }
    Ok(ours)
}

/// A SafeTx as typed for `eth safe-tx`: addresses, ether and calldata still text.
pub struct SafeTxSpec<'a> {
    /// The Safe.
    pub safe: &'a str,
    /// The call's target.
    pub to: &'a str,
    /// Ether the Safe sends.
    pub value: Option<&'a str>,
    /// Calldata (hex).
    pub data: Option<&'a str>,
    /// CALL or DELEGATECALL.
    pub operation: Operation,
    /// The Safe nonce [default: the Safe's current nonce()].
    pub nonce: Option<u64>,
    /// safeTxGas.
    pub safe_tx_gas: u64,
    /// baseGas.
    pub base_gas: u64,
    /// gasPrice for the refund.
    pub refund_gas_price: u64,
    /// Token of the refund (none: native).
    pub gas_token: Option<&'a str>,
    /// Who gets the refund (none: the executor).
    pub refund_receiver: Option<&'a str>,
    /// The chain id the node must have.
    pub chain_id: Option<u64>,
}

/// A SafeTx ready for the owners to sign: its EIP-712 typed data and the hash the Safe
/// contract agrees on.
pub struct PreparedSafeTx {
    /// The node's chain id.
    pub chain_id: u64,
    /// The safeTxHash, checked against the Safe's own.
    pub hash: B256,
    /// The typed-data JSON the owners sign.
    pub typed_data: Vec<u8>,
}

/// Builds the SafeTx of `spec`, asking the node for the chain id (and the nonce when not
/// given) and the Safe for its own hash of it.
pub fn prepare(rpc: &Rpc, spec: &SafeTxSpec) -> Result<PreparedSafeTx> {
    let chain_id = chain_of(rpc, spec.chain_id)?;
    let safe_address = named_address(spec.safe, "--safe")?;
    let zero_or = |a: Option<&str>, what| a.map_or(Ok(Address::ZERO), |t| named_address(t, what));
    let nonce = match spec.nonce {
        Some(n) => U256::from(n),
        None => current_nonce(rpc, safe_address)?,
    };
    let tx = SafeTx {
        to: named_address(spec.to, "--to")?,
        value: ether(spec.value)?,
        data: hex_data(spec.data)?,
        operation: spec.operation as u8,
        safeTxGas: U256::from(spec.safe_tx_gas),
        baseGas: U256::from(spec.base_gas),
        gasPrice: U256::from(spec.refund_gas_price),
        gasToken: zero_or(spec.gas_token, "--gas-token")?,
        refundReceiver: zero_or(spec.refund_receiver, "--refund-receiver")?,
        nonce,
    };
    let hash = agreed_hash(rpc, safe_address, chain_id, &tx)?;
    let typed_data = serde_json::to_vec(&safe::typed_data_json(&tx, safe_address, chain_id))
        .map_err(|e| Error::Internal(e.to_string()))?;
    Ok(PreparedSafeTx {
        chain_id,
        hash,
        typed_data,
    })
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

impl Execution {
    /// What the execution of the SafeTx `hash` carries: its owner signatures against the
    /// Safe's threshold.
    pub fn summary(&self, hash: B256) -> String {
        format!(
            "safeTxHash {hash} carries {} owner signature(s), the Safe's threshold is {}: {}",
            self.signers.len(),
            self.threshold,
            self.signers
                .iter()
                .map(|o| o.to_checksum(None))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
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

    /// Reads the SafeTx request in `file` (- for stdin).
    pub fn read(file: &Path) -> Result<Self> {
        Self::decode(&crate::files::read_input(file)?, file)
    }

    /// The transaction from `from` (asked once the signatures are checked) that executes
    /// this SafeTx with the owners' signatures read from `files` ([`SignedSafeTx::exec_calldata`]),
    /// assembled from what the node says, and the summary of what it carries.
    pub fn execution_tx(
        &self,
        rpc: &Rpc,
        files: &[PathBuf],
        skip_owner_check: bool,
        from: impl FnOnce() -> Result<Address>,
        overrides: &Overrides,
    ) -> Result<(UnsignedTx, String)> {
        let execution = self.exec_calldata(rpc, files, skip_owner_check)?;
        let tx = assemble(
            rpc,
            from()?,
            Some(self.safe),
            U256::ZERO,
            execution.calldata.clone().into(),
            overrides,
        )?;
        Ok((tx, execution.summary(self.hash)))
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
                Error::unverified(
                    Text::new("error-signature-file-invalid").arg("path", path.display()),
                )
            })?;
            if !owners.contains(&owner) && !skip_owner_check {
                return Err(Error::unverified(
                    Text::new("error-signature-not-owner")
                        .arg("path", path.display())
                        .arg("owner", owner),
                ));
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
