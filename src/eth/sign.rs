//! Signing 32-byte hashes with secp256k1 (RFC 6979 nonces, low s), as Ethereum does for
//! transactions, typed data and personal messages.

use alloy_primitives::{Address, Signature, B256, U256};
use bitcoin::secp256k1::ecdsa::{RecoverableSignature, RecoveryId};
use bitcoin::secp256k1::{Message, Secp256k1, Signing};

use super::request::Source;
use super::tx::UnsignedTx;
use super::{EthPayload, EthRequest};
use crate::keys::secret::PrivateKey;
use crate::transport::registry::EthSignature;

/// Signs `hash` with `key`.
pub fn sign_hash<C: Signing>(secp: &Secp256k1<C>, key: &PrivateKey, hash: B256) -> Signature {
    let message = Message::from_digest(hash.0);
    let (recovery, compact) = secp
        .sign_ecdsa_recoverable(&message, key.expose_secret())
        .serialize_compact();
    Signature::new(
        U256::from_be_slice(&compact[..32]),
        U256::from_be_slice(&compact[32..]),
        recovery.to_i32() == 1,
    )
}

/// The address whose key made `signature` over `hash`, if any.
pub fn recover(hash: B256, signature: &Signature) -> Option<Address> {
    let secp = Secp256k1::verification_only();
    let id = RecoveryId::from_i32(i32::from(signature.v())).ok()?;
    let mut compact = [0u8; 64];
    compact[..32].copy_from_slice(&signature.r().to_be_bytes::<32>());
    compact[32..].copy_from_slice(&signature.s().to_be_bytes::<32>());
    let sig = RecoverableSignature::from_compact(&compact, id).ok()?;
    let key = secp
        .recover_ecdsa(&Message::from_digest(hash.0), &sig)
        .ok()?;
    Some(crate::keys::ethereum::address_of(&key))
}

/// Reads a 65-byte r ‖ s ‖ v signature; v may be 0/1 (y-parity) or 27/28.
pub fn from_rsv(bytes: &[u8]) -> Result<Signature, String> {
    if bytes.len() != 65 {
        return Err(format!("a signature is 65 bytes, not {}", bytes.len()));
    }
    let parity = match bytes[64] {
        0 | 27 => false,
        1 | 28 => true,
        v => return Err(format!("signature v = {v} is not 0, 1, 27 or 28")),
    };
    Ok(Signature::new(
        U256::from_be_slice(&bytes[..32]),
        U256::from_be_slice(&bytes[32..64]),
        parity,
    ))
}

/// The 65-byte r ‖ s ‖ v form with v = 27 or 28 (messages, typed data, Safe owners).
pub fn to_rsv(signature: &Signature) -> [u8; 65] {
    signature.as_bytes()
}

/// What goes back across the gap for a signed request.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The signed raw transaction, for transactions.
    pub raw_transaction: Option<Vec<u8>>,
    /// The EIP-4527 `eth-signature` (echoing the request's id).
    pub eth_signature: EthSignature,
    /// The signature r ‖ s ‖ v (v = 27/28).
    pub rsv: [u8; 65],
}

impl Answer {
    /// The answer to `request` signed with `signature`.
    pub fn new(request: &EthRequest, signature: &Signature) -> Self {
        let rsv = to_rsv(signature);
        let raw_transaction = match &request.payload {
            EthPayload::Transaction(tx) => Some(tx.clone().into_raw_signed(*signature)),
            _ => None,
        };
        // Typed transactions carry the y-parity as v; everything else 27/28.
        let mut ur_signature = rsv.to_vec();
        if matches!(&request.payload, EthPayload::Transaction(t) if !matches!(t, UnsignedTx::Legacy(_)))
        {
            ur_signature[64] -= 27;
        }
        let request_id = match &request.source {
            Source::SignRequest(r) => r.request_id,
            Source::Bare => None,
        };
        Answer {
            raw_transaction,
            eth_signature: EthSignature {
                request_id,
                signature: ur_signature,
                origin: Some("coldsign".into()),
            },
            rsv,
        }
    }

    /// The transaction hash, for transactions.
    pub fn transaction_hash(&self) -> Option<String> {
        self.raw_transaction
            .as_ref()
            .map(|r| alloy_primitives::keccak256(r).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_consensus::{SignableTransaction, TxLegacy};
    use alloy_primitives::{address, TxKind};

    /// EIP-155's example: key 0x4646…46 signs nonce 9, 20 gwei, 21000 gas, 1 ether on chain 1.
    #[test]
    fn reproduces_the_eip155_example_signature() {
        let secp = Secp256k1::new();
        let key = PrivateKey::from_slice(&[0x46; 32]).unwrap();
        assert_eq!(
            crate::keys::ethereum::address_of_private(&secp, &key),
            address!("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F")
        );
        let tx = TxLegacy {
            chain_id: Some(1),
            nonce: 9,
            gas_price: 20_000_000_000,
            gas_limit: 21_000,
            to: TxKind::Call(address!("0x3535353535353535353535353535353535353535")),
            value: U256::from(10u64).pow(U256::from(18u8)),
            input: Default::default(),
        };
        let sig = sign_hash(&secp, &key, tx.signature_hash());
        assert_eq!(
            sig.r().to_string(),
            "18515461264373351373200002665853028612451056578545711640558177340181847433846"
        );
        assert_eq!(
            sig.s().to_string(),
            "46948507304638947509940763649030358759909902576025900602547168820602576006531"
        );
        assert!(!sig.v()); // v = 37 = 1 * 2 + 35 + 0
        assert_eq!(to_rsv(&sig)[64], 27);
        assert_eq!(
            recover(tx.signature_hash(), &sig),
            Some(address!("0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"))
        );
        assert_eq!(from_rsv(&to_rsv(&sig)).unwrap(), sig);
    }
}
