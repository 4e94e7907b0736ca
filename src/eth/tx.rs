//! Unsigned Ethereum transactions as they cross the gap: legacy EIP-155 RLP and EIP-2718 typed
//! envelopes (EIP-2930, EIP-1559, EIP-7702). Only canonical encodings are accepted, so the
//! bytes reviewed are exactly the bytes hashed for the signature.

use alloy_consensus::transaction::RlpEcdsaDecodableTx;
use alloy_consensus::{SignableTransaction, TxEip1559, TxEip2930, TxEip7702, TxEnvelope, TxLegacy};
use alloy_eips::eip2718::Encodable2718;
use alloy_eips::eip7702::SignedAuthorization;
use alloy_primitives::{Address, Bytes, Signature, TxKind, B256, U256};
use alloy_rlp::{Decodable, Header};

/// Why bytes are not an acceptable unsigned transaction.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TxError {
    /// Empty input.
    #[error("the transaction is empty")]
    Empty,
    /// Malformed RLP.
    #[error("invalid transaction rlp: {0}")]
    Rlp(String),
    /// A type this signer does not handle.
    #[error("transaction type {0:#04x} is not supported (legacy, 0x01, 0x02 and 0x04 are)")]
    UnsupportedType(u8),
    /// A legacy transaction without EIP-155 replay protection.
    #[error(
        "the legacy transaction has no chain id (pre-EIP-155): it could be replayed on every chain"
    )]
    NoChainId,
    /// Trailing or non-canonical bytes.
    #[error("the transaction encoding is not canonical (re-encoding differs): refusing to sign bytes that may be read two ways")]
    NotCanonical,
    /// A signed transaction was given where an unsigned one is expected.
    #[error("the transaction is already signed")]
    AlreadySigned,
}

/// An unsigned transaction of one of the supported types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnsignedTx {
    /// Legacy with EIP-155 chain id.
    Legacy(TxLegacy),
    /// EIP-2930 (type 1, access list).
    Eip2930(TxEip2930),
    /// EIP-1559 (type 2, dynamic fee).
    Eip1559(TxEip1559),
    /// EIP-7702 (type 4, set-code authorizations).
    Eip7702(TxEip7702),
}

fn rlp_error(e: alloy_rlp::Error) -> TxError {
    TxError::Rlp(e.to_string())
}

/// Decodes one RLP list whose fields `decode` reads, requiring that nothing is left over.
fn decode_list<T>(
    bytes: &[u8],
    decode: impl FnOnce(&mut &[u8]) -> alloy_rlp::Result<T>,
) -> Result<(T, usize), TxError> {
    let mut buf = bytes;
    let header = Header::decode(&mut buf).map_err(rlp_error)?;
    if !header.list {
        return Err(TxError::Rlp("expected a list".into()));
    }
    if buf.len() < header.payload_length {
        return Err(TxError::Rlp(
            "the list is shorter than its header says".into(),
        ));
    }
    if buf.len() > header.payload_length {
        return Err(TxError::NotCanonical);
    }
    let mut fields = &buf[..header.payload_length];
    let value = decode(&mut fields).map_err(rlp_error)?;
    Ok((value, fields.len()))
}

fn typed<T: RlpEcdsaDecodableTx>(body: &[u8]) -> Result<T, TxError> {
    let (tx, left) = decode_list(body, T::rlp_decode_fields)?;
    if left != 0 {
        return Err(TxError::AlreadySigned);
    }
    Ok(tx)
}

fn legacy(bytes: &[u8]) -> Result<TxLegacy, TxError> {
    let ((mut tx, eip155), left) = decode_list(bytes, |buf| {
        let tx = TxLegacy::rlp_decode_fields(buf)?;
        if buf.is_empty() {
            return Ok((tx, None));
        }
        let chain_id = u64::decode(buf)?;
        let (r, s) = (U256::decode(buf)?, U256::decode(buf)?);
        Ok((tx, Some((chain_id, r.is_zero() && s.is_zero()))))
    })?;
    match eip155 {
        None => Err(TxError::NoChainId),
        Some((_, false)) => Err(TxError::AlreadySigned),
        Some(_) if left != 0 => Err(TxError::NotCanonical),
        Some((chain_id, true)) => {
            tx.chain_id = Some(chain_id);
            Ok(tx)
        }
    }
}

impl UnsignedTx {
    /// Parses the signing payload: `0x01|0x02|0x04 ‖ rlp(fields)` or an EIP-155 legacy list.
    pub fn decode(bytes: &[u8]) -> Result<Self, TxError> {
        let tx = match bytes.first() {
            None => return Err(TxError::Empty),
            Some(0x01) => UnsignedTx::Eip2930(typed(&bytes[1..])?),
            Some(0x02) => UnsignedTx::Eip1559(typed(&bytes[1..])?),
            Some(0x04) => UnsignedTx::Eip7702(typed(&bytes[1..])?),
            Some(&b) if b >= 0xc0 => UnsignedTx::Legacy(legacy(bytes)?),
            Some(&b) => return Err(TxError::UnsupportedType(b)),
        };
        if tx.encoded_for_signing() != bytes {
            return Err(TxError::NotCanonical);
        }
        Ok(tx)
    }

    /// The bytes whose keccak256 is signed.
    pub fn encoded_for_signing(&self) -> Vec<u8> {
        match self {
            UnsignedTx::Legacy(t) => t.encoded_for_signing(),
            UnsignedTx::Eip2930(t) => t.encoded_for_signing(),
            UnsignedTx::Eip1559(t) => t.encoded_for_signing(),
            UnsignedTx::Eip7702(t) => t.encoded_for_signing(),
        }
    }

    /// keccak256 of the signing payload.
    pub fn signature_hash(&self) -> B256 {
        match self {
            UnsignedTx::Legacy(t) => t.signature_hash(),
            UnsignedTx::Eip2930(t) => t.signature_hash(),
            UnsignedTx::Eip1559(t) => t.signature_hash(),
            UnsignedTx::Eip7702(t) => t.signature_hash(),
        }
    }

    /// The signed network encoding (what `eth_sendRawTransaction` takes).
    pub fn into_raw_signed(self, signature: Signature) -> Vec<u8> {
        let envelope: TxEnvelope = match self {
            UnsignedTx::Legacy(t) => t.into_signed(signature).into(),
            UnsignedTx::Eip2930(t) => t.into_signed(signature).into(),
            UnsignedTx::Eip1559(t) => t.into_signed(signature).into(),
            UnsignedTx::Eip7702(t) => t.into_signed(signature).into(),
        };
        envelope.encoded_2718()
    }

    /// A short name of the type.
    pub fn kind(&self) -> &'static str {
        match self {
            UnsignedTx::Legacy(_) => "legacy (EIP-155)",
            UnsignedTx::Eip2930(_) => "EIP-2930",
            UnsignedTx::Eip1559(_) => "EIP-1559",
            UnsignedTx::Eip7702(_) => "EIP-7702",
        }
    }

    /// The EIP-155 chain id.
    pub fn chain_id(&self) -> u64 {
        match self {
            UnsignedTx::Legacy(t) => t.chain_id.expect("decode requires a chain id"),
            UnsignedTx::Eip2930(t) => t.chain_id,
            UnsignedTx::Eip1559(t) => t.chain_id,
            UnsignedTx::Eip7702(t) => t.chain_id,
        }
    }

    /// The account nonce.
    pub fn nonce(&self) -> u64 {
        match self {
            UnsignedTx::Legacy(t) => t.nonce,
            UnsignedTx::Eip2930(t) => t.nonce,
            UnsignedTx::Eip1559(t) => t.nonce,
            UnsignedTx::Eip7702(t) => t.nonce,
        }
    }

    /// The destination, or `None` for contract creation.
    pub fn to(&self) -> Option<Address> {
        let kind = match self {
            UnsignedTx::Legacy(t) => t.to,
            UnsignedTx::Eip2930(t) => t.to,
            UnsignedTx::Eip1559(t) => t.to,
            UnsignedTx::Eip7702(t) => TxKind::Call(t.to),
        };
        kind.to().copied()
    }

    /// Value sent, in wei.
    pub fn value(&self) -> U256 {
        match self {
            UnsignedTx::Legacy(t) => t.value,
            UnsignedTx::Eip2930(t) => t.value,
            UnsignedTx::Eip1559(t) => t.value,
            UnsignedTx::Eip7702(t) => t.value,
        }
    }

    /// The calldata.
    pub fn input(&self) -> &Bytes {
        match self {
            UnsignedTx::Legacy(t) => &t.input,
            UnsignedTx::Eip2930(t) => &t.input,
            UnsignedTx::Eip1559(t) => &t.input,
            UnsignedTx::Eip7702(t) => &t.input,
        }
    }

    /// Gas limit.
    pub fn gas_limit(&self) -> u64 {
        match self {
            UnsignedTx::Legacy(t) => t.gas_limit,
            UnsignedTx::Eip2930(t) => t.gas_limit,
            UnsignedTx::Eip1559(t) => t.gas_limit,
            UnsignedTx::Eip7702(t) => t.gas_limit,
        }
    }

    /// The most the sender pays per gas (gas price, or max fee per gas).
    pub fn max_fee_per_gas(&self) -> u128 {
        match self {
            UnsignedTx::Legacy(t) => t.gas_price,
            UnsignedTx::Eip2930(t) => t.gas_price,
            UnsignedTx::Eip1559(t) => t.max_fee_per_gas,
            UnsignedTx::Eip7702(t) => t.max_fee_per_gas,
        }
    }

    /// The priority fee cap, for dynamic-fee types.
    pub fn max_priority_fee_per_gas(&self) -> Option<u128> {
        match self {
            UnsignedTx::Eip1559(t) => Some(t.max_priority_fee_per_gas),
            UnsignedTx::Eip7702(t) => Some(t.max_priority_fee_per_gas),
            _ => None,
        }
    }

    /// Number of access-list entries.
    pub fn access_list_len(&self) -> usize {
        match self {
            UnsignedTx::Legacy(_) => 0,
            UnsignedTx::Eip2930(t) => t.access_list.len(),
            UnsignedTx::Eip1559(t) => t.access_list.len(),
            UnsignedTx::Eip7702(t) => t.access_list.len(),
        }
    }

    /// EIP-7702 authorizations (empty for other types).
    pub fn authorizations(&self) -> &[SignedAuthorization] {
        match self {
            UnsignedTx::Eip7702(t) => &t.authorization_list,
            _ => &[],
        }
    }

    /// The most this transaction can cost: gas limit × max fee + value.
    pub fn max_total_cost(&self) -> U256 {
        U256::from(self.gas_limit()) * U256::from(self.max_fee_per_gas()) + self.value()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::hex;

    // EIP-155's example: nonce 9, gas price 20 gwei, gas 21000, to 0x3535…35, 1 ether, chain 1.
    const EIP155_SIGNING_DATA: &str = "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080";

    #[test]
    fn eip155_example_round_trips_and_hashes() {
        let bytes = hex::decode(EIP155_SIGNING_DATA).unwrap();
        let tx = UnsignedTx::decode(&bytes).unwrap();
        assert_eq!(tx.chain_id(), 1);
        assert_eq!(tx.nonce(), 9);
        assert_eq!(
            tx.signature_hash(),
            B256::from(hex!(
                "daf5a779ae972f972197303d7b574746c7ef83eadac0f2791ad23db92e4c8e53"
            ))
        );
    }

    #[test]
    fn refuses_pre_eip155_and_unknown_types() {
        let no_chain = hex::decode(
            "e9098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080",
        )
        .unwrap();
        assert_eq!(UnsignedTx::decode(&no_chain), Err(TxError::NoChainId));
        assert_eq!(
            UnsignedTx::decode(&[0x03, 0xc0]),
            Err(TxError::UnsupportedType(3))
        );
        assert_eq!(UnsignedTx::decode(&[]), Err(TxError::Empty));
    }

    #[test]
    fn refuses_trailing_bytes() {
        let mut bytes = hex::decode(EIP155_SIGNING_DATA).unwrap();
        bytes.push(0);
        assert_eq!(UnsignedTx::decode(&bytes), Err(TxError::NotCanonical));
    }
}
