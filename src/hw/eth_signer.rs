//! Ethereum signing on a device, for a request coldsign has already reviewed: the device call
//! for the payload, the device's answer as an alloy [`Signature`], and the check that it
//! recovers to the reviewed address over the reviewed signing hash. Nothing a device returns
//! is written before that check passes.

use alloy_primitives::{Signature, B256, U256};
use bitcoin::bip32::DerivationPath;

use super::ledger_eth::LedgerEth;
use super::trezor::{EthTxFields, TrezorDevice};
use super::{DeviceError, EthSig, Step, LEDGER, TREZOR};
use crate::eth::tx::UnsignedTx;
use crate::eth::EthPayload;
use crate::i18n::Text;
use crate::{Error, Result};

/// The y-parity of the Ledger Ethereum app's one-byte `v` for a legacy transaction, as
/// hw-app-eth's `getParity` computes it: the app takes the first four bytes of the chain id's
/// big-endian encoding, applies EIP-155 (`id * 2 + 35 + parity`) and keeps the low byte.
pub fn ledger_legacy_parity(v: u64, chain_id: u64) -> Result<bool, DeviceError> {
    let bytes: Vec<u8> = chain_id
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let truncated = bytes
        .iter()
        .take(4)
        .fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    let base = (truncated * 2 + 35) % 256;
    if v == base {
        Ok(false)
    } else if v == (base + 1) % 256 {
        Ok(true)
    } else {
        Err(DeviceError::Protocol(format!(
            "the Ledger returned v = {v}, which is no parity for chain {chain_id}"
        )))
    }
}

/// The parity of a `v` that is 0/1 (typed transactions) or 27/28 (messages).
fn parity(v: u64) -> Result<bool, DeviceError> {
    match v {
        0 | 27 => Ok(false),
        1 | 28 => Ok(true),
        other => Err(DeviceError::Protocol(format!(
            "the device returned v = {other}"
        ))),
    }
}

fn signature(sig: &EthSig, y_parity: bool) -> Signature {
    Signature::new(
        U256::from_be_bytes(sig.r),
        U256::from_be_bytes(sig.s),
        y_parity,
    )
}

/// Signs `payload` at `path` on a Ledger running the Ethereum app: a transaction from its
/// unsigned bytes, a personal message, or typed data in the app's full mode (`full_typed`:
/// the device shows the fields) or else in hashed mode (BLIND: the device shows only the
/// domain and message hashes, so callers must flag it and show both).
pub fn ledger_sign(
    eth: &mut LedgerEth,
    path: &DerivationPath,
    payload: &EthPayload,
    full_typed: bool,
) -> Result<Signature> {
    let at = |e: DeviceError| e.during(LEDGER, Step::EthSign);
    Ok(match payload {
        EthPayload::Transaction(tx) => {
            let sig = eth
                .eth_sign_transaction(path, &tx.encoded_for_signing())
                .map_err(at)?;
            let y = match tx {
                UnsignedTx::Legacy(_) => ledger_legacy_parity(sig.v, tx.chain_id())?,
                _ => parity(sig.v)?,
            };
            signature(&sig, y)
        }
        EthPayload::PersonalMessage(message) => {
            let sig = eth.eth_sign_personal(path, message).map_err(at)?;
            signature(&sig, parity(sig.v)?)
        }
        EthPayload::TypedData(typed) if full_typed => {
            let sig = eth.eth_sign_typed_full(path, typed).map_err(at)?;
            signature(&sig, parity(sig.v)?)
        }
        EthPayload::TypedData(typed) => {
            let (domain, message) = typed_hashes(typed)?;
            let sig = eth
                .eth_sign_typed_hashed(path, domain.0, message.0)
                .map_err(at)?;
            signature(&sig, parity(sig.v)?)
        }
    })
}

/// The domain separator and message hash of typed data (what hashed mode sends).
pub fn typed_hashes(typed: &alloy_dyn_abi::TypedData) -> Result<(B256, B256)> {
    let message = typed
        .hash_struct()
        .map_err(|e| Error::bad_input(format!("typed data does not hash: {e}")))?;
    Ok((typed.domain.separator(), message))
}

/// The fields of an EIP-1559 transaction without an access list, as a Trezor takes them;
/// any other transaction is refused as bad input (before the device is asked).
pub fn trezor_fields(tx: &UnsignedTx) -> Result<EthTxFields> {
    let refuse = |what: &str| {
        Error::said(
            Text::new("error-trezor-eip1559-only").arg("kind", what),
            Some(Text::new("hint-trezor-eip1559-only")),
        )
    };
    let tx = match tx {
        UnsignedTx::Eip1559(tx) => tx,
        other => return Err(refuse(other.kind())),
    };
    if !tx.access_list.is_empty() {
        return Err(refuse("transactions with an access list"));
    }
    Ok(EthTxFields {
        chain_id: tx.chain_id,
        nonce: tx.nonce,
        max_fee: tx.max_fee_per_gas,
        max_priority_fee: tx.max_priority_fee_per_gas,
        gas_limit: tx.gas_limit,
        to: tx.to.to().map(|a| a.0 .0),
        value: tx.value.to_be_bytes(),
        data: tx.input.to_vec(),
    })
}

/// Signs `payload` at `path` on a Trezor: an EIP-1559 transaction (see [`trezor_fields`]),
/// a personal message, or typed data in hashed mode (BLIND on the Trezor One, which shows
/// only the two hashes: callers flag it).
pub fn trezor_sign(
    dev: &mut TrezorDevice,
    path: &DerivationPath,
    payload: &EthPayload,
) -> Result<Signature> {
    let at = |e: DeviceError| e.during(TREZOR, Step::EthSign);
    let sig = match payload {
        EthPayload::Transaction(tx) => {
            let fields = trezor_fields(tx)?;
            dev.eth_sign_eip1559(path, &fields).map_err(at)?
        }
        EthPayload::PersonalMessage(message) => dev.eth_sign_personal(path, message).map_err(at)?,
        EthPayload::TypedData(typed) => {
            let (domain, message) = typed_hashes(typed)?;
            dev.eth_sign_typed_hash(path, domain.0, message.0)
                .map_err(at)?
        }
    };
    Ok(signature(&sig, parity(sig.v)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_parity_follows_hw_app_eth() {
        // Chain 1: v = 37 / 38.
        assert!(!ledger_legacy_parity(37, 1).unwrap());
        assert!(ledger_legacy_parity(38, 1).unwrap());
        // Chain 137: 309 / 310 truncated to one byte.
        assert!(!ledger_legacy_parity(309 % 256, 137).unwrap());
        assert!(ledger_legacy_parity(310 % 256, 137).unwrap());
        // A five-byte chain id: its first four bytes count (0x02a15c30 * 2 + 35 = …83).
        assert!(ledger_legacy_parity(0x84, 0x0002_a15c_308d).unwrap());
        assert!(ledger_legacy_parity(0x85, 0x0002_a15c_308d).is_err());
    }
}
