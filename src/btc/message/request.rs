//! The message-signing request that crosses the air gap (a file, or the same bytes as
//! `ur:bytes` in a QR code) and its review. The request is JSON, one object:
//!
//! ```json
//! {"message": "I control this address", "address": "bc1q…"}
//! {"message_hex": "00ff…", "path": "m/84'/0'/0'/0/5"}
//! ```
//!
//! Exactly one of `message` (UTF-8 text, signed as its bytes) and `message_hex`; `address`,
//! `path` (a standard single-sig path) or both (then they must agree). Unknown or duplicate
//! fields and trailing data are malformed.

use std::str::FromStr;

use bitcoin::bip32::{ChildNumber, DerivationPath};
use bitcoin::{Address, Network};
use serde::{Deserialize, Serialize};

use super::MessageError;
use crate::btc::address_search::{self, Found, Limits, Policy};
use crate::i18n::Text;
use crate::keys::accounts::Standard;
use crate::keys::material::HdKeys;
use crate::review::text::suspicious_text;
use crate::review::{intent_digest, Severity, Warning};
use crate::{Error, Result};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    message: Option<String>,
    message_hex: Option<String>,
    address: Option<String>,
    path: Option<String>,
}

/// A message-signing request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRequest {
    /// The exact bytes to sign.
    pub message: Vec<u8>,
    /// The address to sign for, if named.
    pub address: Option<String>,
    /// The key path to sign with, if named.
    pub path: Option<DerivationPath>,
}

impl MessageRequest {
    /// Reads a request: the JSON object, a QR image of it (plain text, as `qrencode` makes),
    /// or `ur:bytes` carrying it (text lines or QR images).
    pub fn parse(data: &[u8]) -> Result<Self, MessageError> {
        if let Some(json) = plain_json_qr(data)? {
            return Self::parse(json.as_bytes());
        }
        let received = crate::transport::collect::receive(data).map_err(MessageError::Malformed)?;
        let json = match received {
            None => data.to_vec(),
            Some(crate::transport::collect::Received::Ur { ur_type, cbor })
                if ur_type == "bytes" =>
            {
                minicbor::decode::<&minicbor::bytes::ByteSlice>(&cbor)
                    .map_err(|e| {
                        MessageError::Malformed(format!(
                            "ur:bytes body is not a CBOR byte string: {e}"
                        ))
                    })?
                    .to_vec()
            }
            Some(other) => {
                return Err(MessageError::Malformed(format!(
                    "a message request is JSON or ur:bytes, not {}",
                    other.kind()
                )))
            }
        };
        let raw: RawRequest = serde_json::from_slice(&json)
            .map_err(|e| MessageError::Malformed(format!("invalid message request: {e}")))?;
        let message = match (raw.message, raw.message_hex) {
            (Some(text), None) => text.into_bytes(),
            (None, Some(hex)) => decode_message_hex(&hex)?,
            _ => {
                return Err(MessageError::Malformed(
                    "a message request needs exactly one of \"message\" and \"message_hex\"".into(),
                ))
            }
        };
        if raw.address.is_none() && raw.path.is_none() {
            return Err(MessageError::Malformed(
                "a message request needs an \"address\" or a \"path\"".into(),
            ));
        }
        let path = raw
            .path
            .map(|p| {
                DerivationPath::from_str(&p)
                    .map_err(|e| MessageError::Malformed(format!("invalid path {p:?}: {e}")))
            })
            .transpose()?;
        Ok(MessageRequest {
            message,
            address: raw.address,
            path,
        })
    }

    /// Finds the request's address (or path) among our policies. An address that is not ours
    /// is refused; a path must be a standard single-sig path m/purpose'/coin'/account'/branch/index.
    pub fn locate(
        &self,
        hd: &HdKeys,
        policies: &[Policy],
        network: Network,
        limits: Limits,
    ) -> Result<Found> {
        let by_path = self
            .path
            .as_ref()
            .map(|p| found_at_path(hd, p, network))
            .transpose()?;
        let Some(address) = &self.address else {
            return by_path.ok_or_else(|| Error::Internal("request without a target".into()));
        };
        let address = address_search::parse_address(address, network)?;
        let script = address.script_pubkey();
        if let Some(found) = by_path {
            let derived = found.descriptor()?.script_pubkey();
            if derived != script {
                let derived = Address::from_script(&derived, network)
                    .map_or_else(|_| derived.to_hex_string(), |a| a.to_string());
                return Err(Error::said(
                    Text::new("error-msg-path-derives-other")
                        .arg("derived", derived)
                        .arg("address", address),
                    None,
                ));
            }
            return Ok(found);
        }
        address_search::search(hd, policies, &script, limits).ok_or_else(|| {
            Error::said(
                Text::new("error-msg-address-not-ours")
                    .arg("address", address)
                    .arg("accounts", limits.accounts)
                    .arg("gap", limits.gap),
                Some(Text::new("hint-msg-address-not-ours")),
            )
        })
    }
}

/// The JSON text of a QR image holding exactly one plain-text code that is a JSON object.
fn plain_json_qr(data: &[u8]) -> Result<Option<String>, MessageError> {
    if !crate::transport::scan::is_image(data) {
        return Ok(None);
    }
    let texts = crate::transport::scan::scan_bytes(data, "the request image")
        .map_err(|e| MessageError::Malformed(e.to_string()))?;
    Ok(match texts.as_slice() {
        [one] if one.trim_start().starts_with('{') => Some(one.clone()),
        _ => None,
    })
}

/// The bytes of a hex message (`0x` prefix optional).
pub fn decode_message_hex(hex: &str) -> Result<Vec<u8>, MessageError> {
    let digits = hex.strip_prefix("0x").unwrap_or(hex);
    if digits.len() % 2 != 0 {
        return Err(MessageError::Malformed(
            "message_hex has an odd length".into(),
        ));
    }
    (0..digits.len())
        .step_by(2)
        .map(|i| {
            digits
                .get(i..i + 2)
                .and_then(|d| u8::from_str_radix(d, 16).ok())
                .ok_or_else(|| MessageError::Malformed("message_hex is not hex".into()))
        })
        .collect()
}

/// The standard account policy and position named by a full single-sig path.
fn found_at_path(hd: &HdKeys, path: &DerivationPath, network: Network) -> Result<Found> {
    let steps: Vec<ChildNumber> = path.into_iter().copied().collect();
    let bad = || {
        Error::said(
            Text::new("error-msg-path-not-standard").arg("path", path),
            Some(Text::new("hint-msg-path-not-standard")),
        )
    };
    let [ChildNumber::Hardened { index: purpose }, ChildNumber::Hardened { index: coin }, ChildNumber::Hardened { index: account }, ChildNumber::Normal { index: branch }, ChildNumber::Normal { index }] =
        steps[..]
    else {
        return Err(bad());
    };
    let standard = match purpose {
        44 => Standard::Bip44,
        49 => Standard::Bip49,
        84 => Standard::Bip84,
        86 => Standard::Bip86,
        _ => return Err(bad()),
    };
    if coin != u32::from(network != Network::Bitcoin) || branch > 1 {
        return Err(bad());
    }
    Ok(Found {
        policy: address_search::standard_policy(hd, standard, network, account)?,
        branch,
        index,
    })
}

/// What the signer shows before signing a message.
#[derive(Debug, Clone, Serialize)]
pub struct MessageReview {
    /// The address signed for.
    pub address: String,
    /// The policy it belongs to (`bip84/0`, or a registered wallet's name).
    pub wallet: String,
    /// 0 = receive, 1 = change.
    pub branch: u32,
    /// Address index.
    pub index: u32,
    /// The message as text, when it is UTF-8 (shown escaped when suspicious).
    pub text: Option<String>,
    /// The message bytes in hex.
    pub hex: String,
    /// Findings, most serious first.
    pub warnings: Vec<Warning>,
    /// The intent digest over network, address and message.
    pub intent_digest: String,
}

/// Reviews signing `message` for `found`: the text shown exactly, flagged when it holds
/// control, direction-changing, invisible or look-alike characters, when it is not text, or
/// when it is 32 bytes (a hash of something else).
pub fn review(found: &Found, message: &[u8], network: Network) -> Result<MessageReview> {
    let script = found.descriptor()?.script_pubkey();
    let address = Address::from_script(&script, network)
        .map_err(|e| Error::Internal(format!("our script has no address: {e}")))?
        .to_string();
    let hex: String = message.iter().map(|b| format!("{b:02x}")).collect();
    let mut warnings = Vec::new();
    let text = match std::str::from_utf8(message) {
        Ok(text) => Some(match suspicious_text(text) {
            Some((escaped, reasons)) => {
                warnings.push(Warning::said(
                    "msg.text.suspicious",
                    Severity::High,
                    Text::new("warning-msg-text-suspicious").text_arg(
                        "reasons",
                        Text::list(reasons).unwrap_or_else(|| Text::verbatim("")),
                    ),
                ));
                escaped
            }
            None => text.to_string(),
        }),
        Err(_) => {
            warnings.push(Warning::said(
                "msg.binary",
                Severity::High,
                Text::new("warning-msg-binary").arg("bytes", message.len()),
            ));
            None
        }
    };
    if message.len() == 32 {
        warnings.push(Warning::said(
            "msg.hash-like",
            Severity::High,
            Text::new("warning-msg-hash-like"),
        ));
    }
    if found.policy.standard.is_some() && found.branch == 1 {
        warnings.push(Warning::said(
            "msg.change-address",
            Severity::Warning,
            Text::new("warning-msg-change-address"),
        ));
    }
    warnings.sort_by_key(|w| std::cmp::Reverse(w.severity));
    let digest = intent_digest(&format!("bitcoin-message\n{network}\n{address}\n{hex}"));
    Ok(MessageReview {
        address,
        wallet: found.policy.name.clone(),
        branch: found.branch,
        index: found.index,
        text,
        hex,
        warnings,
        intent_digest: digest,
    })
}
