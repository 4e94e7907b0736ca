//! Safe (Gnosis Safe) transactions: the SafeTx EIP-712 struct, its hashes under the current
//! and the legacy domain, owner signatures and the `execTransaction` call that spends them.

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_sol_types::{sol, Eip712Domain, SolCall, SolStruct, SolValue};
use serde::Serialize;

use super::typed_data::{address_field, uint_field};

sol! {
    /// The struct a Safe owner signs (Safe 1.0 and later).
    #[derive(Debug, PartialEq, Eq)]
    struct SafeTx {
        address to;
        uint256 value;
        bytes data;
        uint8 operation;
        uint256 safeTxGas;
        uint256 baseGas;
        uint256 gasPrice;
        address gasToken;
        address refundReceiver;
        uint256 nonce;
    }

    /// The Safe's execute entry point.
    function execTransaction(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, bytes signatures) returns (bool success);
}

/// keccak256("EIP712Domain(address verifyingContract)"): the domain of Safe before 1.3.0.
fn legacy_domain_separator(safe: Address) -> B256 {
    let typehash = keccak256("EIP712Domain(address verifyingContract)");
    keccak256((typehash, safe).abi_encode())
}

/// The domain of Safe 1.3.0 and later: chain id and the Safe's address.
pub fn domain(safe: Address, chain_id: u64) -> Eip712Domain {
    Eip712Domain {
        chain_id: Some(U256::from(chain_id)),
        verifying_contract: Some(safe),
        ..Default::default()
    }
}

fn signing_hash(domain_separator: B256, message_hash: B256) -> B256 {
    let mut buf = [0u8; 66];
    buf[..2].copy_from_slice(&[0x19, 0x01]);
    buf[2..34].copy_from_slice(domain_separator.as_slice());
    buf[34..].copy_from_slice(message_hash.as_slice());
    keccak256(buf)
}

/// The hashes a Safe owner compares with the Safe web page and the hardware wallet screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SafeHashes {
    /// Domain separator (chain id + Safe address; Safe ≥ 1.3.0).
    pub domain_separator: B256,
    /// hashStruct(SafeTx): the "message hash" hardware wallets show.
    pub message_hash: B256,
    /// The safeTxHash signed by owners.
    pub safe_tx_hash: B256,
    /// Domain separator of Safe < 1.3.0 (address only).
    pub legacy_domain_separator: B256,
    /// The safeTxHash a Safe < 1.3.0 would use.
    pub legacy_safe_tx_hash: B256,
}

/// Recomputes every hash of `tx` for the Safe at `safe` on `chain_id`.
pub fn hashes(tx: &SafeTx, safe: Address, chain_id: u64) -> SafeHashes {
    let message_hash = tx.eip712_hash_struct();
    let domain_separator = domain(safe, chain_id).separator();
    let legacy_domain_separator = legacy_domain_separator(safe);
    SafeHashes {
        domain_separator,
        message_hash,
        safe_tx_hash: signing_hash(domain_separator, message_hash),
        legacy_domain_separator,
        legacy_safe_tx_hash: signing_hash(legacy_domain_separator, message_hash),
    }
}

/// The SafeTx as `eth_signTypedData_v4` JSON, in the current domain.
pub fn typed_data_json(tx: &SafeTx, safe: Address, chain_id: u64) -> serde_json::Value {
    serde_json::json!({
        "types": {
            "EIP712Domain": [
                {"name": "chainId", "type": "uint256"},
                {"name": "verifyingContract", "type": "address"}
            ],
            "SafeTx": [
                {"name": "to", "type": "address"},
                {"name": "value", "type": "uint256"},
                {"name": "data", "type": "bytes"},
                {"name": "operation", "type": "uint8"},
                {"name": "safeTxGas", "type": "uint256"},
                {"name": "baseGas", "type": "uint256"},
                {"name": "gasPrice", "type": "uint256"},
                {"name": "gasToken", "type": "address"},
                {"name": "refundReceiver", "type": "address"},
                {"name": "nonce", "type": "uint256"}
            ]
        },
        "primaryType": "SafeTx",
        "domain": {"chainId": chain_id, "verifyingContract": safe.to_checksum(None)},
        "message": {
            "to": tx.to.to_checksum(None),
            "value": tx.value.to_string(),
            "data": tx.data.to_string(),
            "operation": tx.operation,
            "safeTxGas": tx.safeTxGas.to_string(),
            "baseGas": tx.baseGas.to_string(),
            "gasPrice": tx.gasPrice.to_string(),
            "gasToken": tx.gasToken.to_checksum(None),
            "refundReceiver": tx.refundReceiver.to_checksum(None),
            "nonce": tx.nonce.to_string()
        }
    })
}

/// Reads a SafeTx back from typed data's message (as coerced by the EIP-712 resolver).
pub fn from_message(message: &serde_json::Value) -> Option<SafeTx> {
    let uint = |name: &str| uint_field(message, &format!("/{name}"));
    let address = |name: &str| address_field(message, &format!("/{name}"));
    let data = message.get("data")?.as_str()?;
    Some(SafeTx {
        to: address("to")?,
        value: uint("value")?,
        data: data.parse::<Bytes>().ok()?,
        operation: u8::try_from(uint("operation")?).ok()?,
        safeTxGas: uint("safeTxGas")?,
        baseGas: uint("baseGas")?,
        gasPrice: uint("gasPrice")?,
        gasToken: address("gasToken")?,
        refundReceiver: address("refundReceiver")?,
        nonce: uint("nonce")?,
    })
}

/// Concatenates owner signatures in ascending owner order, as `checkSignatures` requires.
pub fn signature_blob(mut signatures: Vec<(Address, [u8; 65])>) -> Bytes {
    signatures.sort_by_key(|(owner, _)| *owner);
    signatures
        .iter()
        .flat_map(|(_, sig)| sig.iter().copied())
        .collect::<Vec<u8>>()
        .into()
}

/// Calldata of `execTransaction(tx…, signatures)`.
pub fn exec_calldata(tx: &SafeTx, signatures: Bytes) -> Vec<u8> {
    execTransactionCall {
        to: tx.to,
        value: tx.value,
        data: tx.data.clone(),
        operation: tx.operation,
        safeTxGas: tx.safeTxGas,
        baseGas: tx.baseGas,
        gasPrice: tx.gasPrice,
        gasToken: tx.gasToken,
        refundReceiver: tx.refundReceiver,
        signatures,
    }
    .abi_encode()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_dyn_abi::TypedData;
    use alloy_primitives::address;

    fn sample() -> SafeTx {
        SafeTx {
            to: address!("0x2222222222222222222222222222222222222222"),
            value: U256::from(10u64).pow(U256::from(17u8)),
            data: Bytes::new(),
            operation: 0,
            safeTxGas: U256::ZERO,
            baseGas: U256::ZERO,
            gasPrice: U256::ZERO,
            gasToken: Address::ZERO,
            refundReceiver: Address::ZERO,
            nonce: U256::from(3u8),
        }
    }

    #[test]
    fn static_and_dynamic_eip712_agree() {
        let safe = address!("0x3333333333333333333333333333333333333333");
        let tx = sample();
        let json = typed_data_json(&tx, safe, 31337);
        let typed: TypedData = serde_json::from_value(json).unwrap();
        let h = hashes(&tx, safe, 31337);
        assert_eq!(typed.eip712_signing_hash().unwrap(), h.safe_tx_hash);
        assert_eq!(typed.hash_struct().unwrap(), h.message_hash);
        assert_eq!(from_message(&typed.message), Some(tx));
        assert_ne!(h.safe_tx_hash, h.legacy_safe_tx_hash);
    }

    #[test]
    fn signatures_are_sorted_by_owner() {
        let low = address!("0x0000000000000000000000000000000000000001");
        let high = address!("0xf000000000000000000000000000000000000000");
        let blob = signature_blob(vec![(high, [2u8; 65]), (low, [1u8; 65])]);
        assert_eq!(blob[0], 1);
        assert_eq!(blob[65], 2);
    }
}
