//! Recognising an Ethereum request: an EIP-4527 `eth-sign-request` (UR text, multipart UR
//! lines or QR images), unsigned transaction hex (`0x02f8…`, legacy EIP-155 RLP), or
//! `eth_signTypedData_v4` JSON.

use alloy_primitives::{hex, Address};

use super::tx::UnsignedTx;
use super::{typed_data, EthPayload, KeyHint};
use crate::transport::collect::{self, Received};
use crate::transport::registry::{EthDataType, EthSignRequest, Keypath, Payload};

/// How the request arrived; the answer goes back the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// An EIP-4527 request (its id is echoed in the `eth-signature`).
    SignRequest(Box<EthSignRequest>),
    /// Bare transaction hex, typed-data JSON.
    Bare,
}

/// A decoded Ethereum request.
#[derive(Debug, Clone)]
pub struct EthRequest {
    /// What is to be signed.
    pub payload: EthPayload,
    /// The chain the request states (EIP-4527 `chain-id`).
    pub chain_id: Option<u64>,
    /// The key the request names.
    pub key: KeyHint,
    /// The signing address the request states.
    pub address: Option<Address>,
    /// Where it came from.
    pub source: Source,
}

/// Most bytes of a request.
pub const MAX_REQUEST: usize = 4 << 20;

impl EthRequest {
    /// Recognises and decodes request bytes.
    pub fn decode(data: &[u8]) -> Result<Self, String> {
        if data.len() > MAX_REQUEST {
            return Err(format!(
                "the request is larger than {} MiB",
                MAX_REQUEST >> 20
            ));
        }
        if let Some(received) = collect::receive(data)? {
            return Self::from_received(received);
        }
        Self::decode_bare(data)
    }

    /// Decodes a bare request: unsigned transaction hex or typed-data JSON.
    pub fn decode_bare(data: &[u8]) -> Result<Self, String> {
        let text = std::str::from_utf8(data)
            .map_err(|_| "the input is not an Ethereum request (expected UR text, a QR image, transaction hex or typed-data JSON)".to_string())?
            .trim();
        if text.is_empty() {
            return Err("the input is empty".into());
        }
        let payload = if text.starts_with('{') {
            EthPayload::TypedData(Box::new(typed_data::parse(text.as_bytes())?))
        } else {
            let compact: String = text.split_whitespace().collect();
            let bytes = hex::decode(&compact)
                .map_err(|_| "the input is not an Ethereum request (expected UR text, a QR image, transaction hex or typed-data JSON)".to_string())?;
            EthPayload::Transaction(UnsignedTx::decode(&bytes).map_err(|e| e.to_string())?)
        };
        Ok(EthRequest {
            payload,
            chain_id: None,
            key: KeyHint::default(),
            address: None,
            source: Source::Bare,
        })
    }

    /// Decodes a request that arrived as a QR transfer.
    pub fn from_received(received: Received) -> Result<Self, String> {
        let Received::Ur { ur_type, cbor } = &received else {
            return Err(format!(
                "the QR transfer holds {}, not an Ethereum request",
                received.kind()
            ));
        };
        match Payload::from_ur(ur_type, cbor).map_err(|e| format!("bad {ur_type}: {e}"))? {
            Payload::EthSignRequest(r) => Self::from_sign_request(r),
            _ => Err(format!(
                "the QR transfer holds UR {ur_type}, not an eth-sign-request"
            )),
        }
    }

    /// Interprets an EIP-4527 request's data by its declared type.
    pub fn from_sign_request(r: EthSignRequest) -> Result<Self, String> {
        let payload = match r.data_type {
            EthDataType::Transaction | EthDataType::TypedTransaction => {
                let tx = UnsignedTx::decode(&r.sign_data).map_err(|e| e.to_string())?;
                let legacy = matches!(tx, UnsignedTx::Legacy(_));
                if legacy != (r.data_type == EthDataType::Transaction) {
                    return Err(format!(
                        "the request declares data type {} but holds a {} transaction",
                        r.data_type as u8,
                        tx.kind()
                    ));
                }
                EthPayload::Transaction(tx)
            }
            EthDataType::TypedData => {
                EthPayload::TypedData(Box::new(typed_data::parse(&r.sign_data)?))
            }
            EthDataType::PersonalMessage => EthPayload::PersonalMessage(r.sign_data.clone()),
        };
        Ok(EthRequest {
            payload,
            chain_id: r.chain_id,
            key: key_hint(&r.derivation_path)?,
            address: r.address.map(Address::from),
            source: Source::SignRequest(Box::new(r)),
        })
    }
}

/// A new `eth-sign-request` from coldsign for `address`, whose key is at `key.path`
/// (default: the first BIP44 account) under `key.fingerprint`, with a fresh random request id
/// (a UUID version 4).
pub fn new_sign_request(
    data: Vec<u8>,
    data_type: EthDataType,
    chain_id: Option<u64>,
    address: Address,
    key: KeyHint,
) -> EthSignRequest {
    let path = key
        .path
        .unwrap_or_else(|| crate::keys::ethereum::EthLayout::Bip44.path(0));
    let mut id: [u8; 16] = crate::keys::random_bytes();
    id[6] = (id[6] & 0x0f) | 0x40; // UUID version 4
    id[8] = (id[8] & 0x3f) | 0x80;
    EthSignRequest {
        request_id: Some(id),
        sign_data: data,
        data_type,
        chain_id,
        derivation_path: Keypath::from_path(&path, key.fingerprint),
        address: Some(address.into_array()),
        origin: Some("coldsign".into()),
    }
}

fn key_hint(keypath: &Keypath) -> Result<KeyHint, String> {
    Ok(KeyHint {
        path: Some(keypath.path().map_err(|e| e.to_string())?),
        fingerprint: keypath.source_fingerprint,
    })
}

/// `request` as written to a file: EIP-4527 UR text, or (`raw`) its bare payload, the
/// typed-data JSON as is and anything else as 0x-hex.
pub fn request_text(request: &EthSignRequest, raw: bool) -> crate::Result<String> {
    Ok(match raw {
        false => crate::transport::parts::ur_text(&Payload::EthSignRequest(request.clone()))?,
        true if request.data_type == EthDataType::TypedData => {
            String::from_utf8_lossy(&request.sign_data).into_owned() + "\n"
        }
        true => hex::encode_prefixed(&request.sign_data) + "\n",
    })
}
