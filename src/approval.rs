//! Approvals (four eyes): before the signer signs, a quorum of approvers named in the policy
//! must each have reviewed the same request on their own machine and signed an approval.
//!
//! An approver's key is derived from the approver's own keystore at [`APPROVER_PATH`] (never
//! from the signing seed's role: a keystore holder's own approver key counts only if the
//! policy lists it). An approval is a BIP340 signature over the intent digest, the request's
//! SHA-256, the approver's key and an expiry, carried as CBOR (docs/approvals.md):
//!
//! ```text
//! { 1: 1 (version), 2: intent digest (text), 3: request SHA-256 (32 bytes),
//!   4: approver x-only key (32 bytes), 5: expiry (Unix seconds), 6: signature (64 bytes) }
//! ```
//!
//! The signature commits to the canonical encoding of entries 1–5 under the BIP340 tagged
//! hash `coldsign/approval`.

use std::str::FromStr;
use std::time::{SystemTime, UNIX_EPOCH};

use bitcoin::bip32::DerivationPath;
use bitcoin::hashes::{sha256, Hash, HashEngine};
use bitcoin::secp256k1::{schnorr, Keypair, Message, Secp256k1, XOnlyPublicKey};
use minicbor::{Decoder, Encoder};
use serde::{Deserialize, Serialize};

use crate::keys::material::HdKeys;
use crate::keys::random_bytes;
use crate::keys::secret::PrivateKey;

/// The derivation path of an approver key: purpose 0x636f6c64 ("cold"), index 1 (the audit key
/// is index 0).
pub const APPROVER_PATH: &str = "m/1668246628'/1'";
const TAG: &[u8] = b"coldsign/approval";
const VERSION: u64 = 1;
/// The most bytes an approval may have.
pub const MAX_APPROVAL: usize = 1024;

/// Why an approval is unreadable or does not count.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApprovalError {
    /// Not a well-formed approval.
    #[error("malformed approval: {0}")]
    Malformed(String),
    /// The signature does not verify.
    #[error("the approval by {0} has an invalid signature")]
    BadSignature(String),
    /// It approves another request.
    #[error("the approval by {who} is for another request (intent digest {digest})")]
    OtherRequest {
        /// The approver.
        who: String,
        /// The digest it approves.
        digest: String,
    },
    /// It has expired.
    #[error("the approval by {0} has expired")]
    Expired(String),
    /// Its key is not in the policy.
    #[error("the approval by key {0} is from no approver the policy names")]
    Unlisted(String),
    /// The same approver approved twice.
    #[error("{0} approved twice; each approver counts once")]
    Duplicate(String),
    /// Too few approvals.
    #[error(
        "{have} of {need} required approvals (approved: {approved}; missing one of: {missing})"
    )]
    Missing {
        /// Valid approvals.
        have: usize,
        /// Required.
        need: usize,
        /// Who approved.
        approved: String,
        /// Who could still approve.
        missing: String,
    },
}

/// An approver's signing key (from the approver's own keystore).
pub struct ApproverKey {
    secret: PrivateKey,
}

impl ApproverKey {
    /// The approver key of a key tree, at [`APPROVER_PATH`].
    pub fn from_hd(hd: &HdKeys) -> Self {
        let path = DerivationPath::from_str(APPROVER_PATH).expect("constant path");
        ApproverKey {
            secret: hd.private_key(&path),
        }
    }

    /// The x-only public key the policy lists.
    pub fn public(&self) -> XOnlyPublicKey {
        let secp = Secp256k1::signing_only();
        XOnlyPublicKey::from(self.secret.expose_secret().public_key(&secp))
    }

    /// Approves the request with `request_sha256` and `intent_digest` until `expires` (Unix
    /// seconds).
    pub fn approve(&self, intent_digest: &str, request_sha256: [u8; 32], expires: u64) -> Approval {
        let mut approval = Approval {
            intent_digest: intent_digest.to_string(),
            request_sha256,
            approver: self.public(),
            expires,
            signature: [0; 64],
        };
        let secp = Secp256k1::signing_only();
        let keypair = Keypair::from_secret_key(&secp, self.secret.expose_secret());
        let signature =
            secp.sign_schnorr_with_aux_rand(&approval.message(), &keypair, &random_bytes::<32>());
        approval.signature = *signature.as_ref();
        approval
    }
}

/// One approver's signed approval of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// The intent digest the approver saw.
    pub intent_digest: String,
    /// SHA-256 of the request bytes.
    pub request_sha256: [u8; 32],
    /// The approver's key.
    pub approver: XOnlyPublicKey,
    /// Unix seconds after which it no longer counts.
    pub expires: u64,
    /// BIP340 signature.
    pub signature: [u8; 64],
}

impl Approval {
    fn signed_part(&self, e: &mut Encoder<Vec<u8>>, entries: u64) {
        let write = |e: &mut Encoder<Vec<u8>>| -> Result<(), minicbor::encode::Error<std::convert::Infallible>> {
            e.map(entries)?
                .u8(1)?
                .u64(VERSION)?
                .u8(2)?
                .str(&self.intent_digest)?
                .u8(3)?
                .bytes(&self.request_sha256)?
                .u8(4)?
                .bytes(&self.approver.serialize())?
                .u8(5)?
                .u64(self.expires)?;
            Ok(())
        };
        write(e).expect("writing cbor into memory cannot fail");
    }

    /// What the signature commits to.
    fn message(&self) -> Message {
        let mut e = Encoder::new(Vec::new());
        self.signed_part(&mut e, 5);
        let tag = sha256::Hash::hash(TAG);
        let mut engine = sha256::Hash::engine();
        engine.input(tag.as_ref());
        engine.input(tag.as_ref());
        engine.input(e.writer());
        Message::from_digest(sha256::Hash::from_engine(engine).to_byte_array())
    }

    /// The CBOR form.
    pub fn to_cbor(&self) -> Vec<u8> {
        let mut e = Encoder::new(Vec::new());
        self.signed_part(&mut e, 6);
        e.u8(6)
            .and_then(|e| e.bytes(&self.signature))
            .expect("writing cbor into memory cannot fail");
        e.into_writer()
    }

    /// Reads the CBOR form: exactly the six entries in order, definite lengths, nothing after.
    pub fn from_cbor(cbor: &[u8]) -> Result<Self, ApprovalError> {
        if cbor.len() > MAX_APPROVAL {
            return Err(ApprovalError::Malformed(format!(
                "{} bytes (at most {MAX_APPROVAL})",
                cbor.len()
            )));
        }
        let bad = |e: minicbor::decode::Error| ApprovalError::Malformed(e.to_string());
        let mut d = Decoder::new(cbor);
        if d.map().map_err(bad)? != Some(6) {
            return Err(ApprovalError::Malformed("not a map of six entries".into()));
        }
        let key = |d: &mut Decoder<'_>, want: u8| -> Result<(), ApprovalError> {
            match d.u8().map_err(bad)? {
                k if k == want => Ok(()),
                k => Err(ApprovalError::Malformed(format!(
                    "entry {k} where entry {want} belongs"
                ))),
            }
        };
        key(&mut d, 1)?;
        if d.u64().map_err(bad)? != VERSION {
            return Err(ApprovalError::Malformed("unknown version".into()));
        }
        key(&mut d, 2)?;
        let intent_digest = d.str().map_err(bad)?.to_string();
        key(&mut d, 3)?;
        let request_sha256: [u8; 32] = d
            .bytes()
            .map_err(bad)?
            .try_into()
            .map_err(|_| ApprovalError::Malformed("the request hash is not 32 bytes".into()))?;
        key(&mut d, 4)?;
        let approver = XOnlyPublicKey::from_slice(d.bytes().map_err(bad)?)
            .map_err(|_| ApprovalError::Malformed("the approver key is invalid".into()))?;
        key(&mut d, 5)?;
        let expires = d.u64().map_err(bad)?;
        key(&mut d, 6)?;
        let signature: [u8; 64] = d
            .bytes()
            .map_err(bad)?
            .try_into()
            .map_err(|_| ApprovalError::Malformed("the signature is not 64 bytes".into()))?;
        if d.position() != cbor.len() {
            return Err(ApprovalError::Malformed(format!(
                "{} bytes after the end",
                cbor.len() - d.position()
            )));
        }
        let approval = Approval {
            intent_digest,
            request_sha256,
            approver,
            expires,
            signature,
        };
        if approval.to_cbor() != cbor {
            return Err(ApprovalError::Malformed("not in canonical form".into()));
        }
        Ok(approval)
    }

    fn verify_signature(&self, who: &str) -> Result<(), ApprovalError> {
        let secp = Secp256k1::verification_only();
        let signature = schnorr::Signature::from_slice(&self.signature)
            .map_err(|_| ApprovalError::BadSignature(who.to_string()))?;
        secp.verify_schnorr(&signature, &self.message(), &self.approver)
            .map_err(|_| ApprovalError::BadSignature(who.to_string()))
    }
}

/// Reads an approval as it crossed the gap: `ur:bytes` text (or a QR image of it), or the raw
/// CBOR.
pub fn read(data: &[u8]) -> Result<Approval, ApprovalError> {
    use crate::transport::collect::{self, Received};
    use crate::transport::registry::Payload;
    let malformed = |e: &dyn std::fmt::Display| ApprovalError::Malformed(e.to_string());
    match collect::receive(data).map_err(|e| malformed(&e))? {
        Some(Received::Ur { ur_type, cbor }) if ur_type == "bytes" => {
            match Payload::from_ur(&ur_type, &cbor).map_err(|e| malformed(&e))? {
                Payload::Bytes(bytes) => Approval::from_cbor(&bytes),
                _ => Err(malformed(&"unreadable ur:bytes")),
            }
        }
        Some(other) => Err(malformed(&format!(
            "the QR transfer holds {}, not an approval",
            other.kind()
        ))),
        None => Approval::from_cbor(data),
    }
}

/// An approval as `ur:bytes` text (one line), what crosses the gap by file or QR.
pub fn to_ur(approval: &Approval) -> String {
    crate::transport::ur::encode_single(
        crate::transport::registry::BYTES,
        &crate::transport::registry::bytes_to_cbor(&approval.to_cbor()),
    )
}

/// One approver the policy names.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Approver {
    /// Who it is.
    pub name: String,
    /// The x-only public key (hex), as `coldsign approver show` prints it.
    pub key: String,
}

/// The `[approvals]` section of the policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalRules {
    /// How many distinct approvers must approve each signature.
    #[serde(default)]
    pub required: usize,
    /// Who may approve.
    #[serde(default)]
    pub approvers: Vec<Approver>,
}

impl ApprovalRules {
    /// Checks the section: valid distinct keys, a reachable quorum.
    pub fn validate(&self) -> Result<(), String> {
        let mut seen = Vec::new();
        for a in &self.approvers {
            let key = parse_key(&a.key).map_err(|e| format!("approver {:?}: {e}", a.name))?;
            if seen.contains(&key) {
                return Err(format!("approver {:?} is listed twice", a.name));
            }
            seen.push(key);
        }
        if self.required > self.approvers.len() {
            return Err(format!(
                "{} approvals are required but only {} approvers are named",
                self.required,
                self.approvers.len()
            ));
        }
        Ok(())
    }

    fn name_of(&self, key: &XOnlyPublicKey) -> Option<&str> {
        self.approvers
            .iter()
            .find(|a| parse_key(&a.key).ok().as_ref() == Some(key))
            .map(|a| a.name.as_str())
    }

    /// Verifies `approvals` of the request with `request_sha256` and `intent_digest` at time
    /// `now` (Unix seconds): every approval must be valid, for this request, unexpired, by a
    /// listed approver, each approver once; at least `required` of them. Returns the approvers'
    /// names.
    pub fn check(
        &self,
        approvals: &[Approval],
        intent_digest: &str,
        request_sha256: [u8; 32],
        now: u64,
    ) -> Result<Vec<String>, ApprovalError> {
        let mut names: Vec<String> = Vec::new();
        for a in approvals {
            let key_hex = hex(&a.approver.serialize());
            let who = self.name_of(&a.approver).map(str::to_string);
            let shown = who.clone().unwrap_or_else(|| key_hex.clone());
            a.verify_signature(&shown)?;
            if a.request_sha256 != request_sha256 || a.intent_digest != intent_digest {
                return Err(ApprovalError::OtherRequest {
                    who: shown,
                    digest: a.intent_digest.clone(),
                });
            }
            if a.expires <= now {
                return Err(ApprovalError::Expired(shown));
            }
            let Some(name) = who else {
                return Err(ApprovalError::Unlisted(key_hex));
            };
            if names.contains(&name) {
                return Err(ApprovalError::Duplicate(name));
            }
            names.push(name);
        }
        if names.len() < self.required {
            let missing: Vec<&str> = self
                .approvers
                .iter()
                .map(|a| a.name.as_str())
                .filter(|n| !names.iter().any(|have| have == n))
                .collect();
            return Err(ApprovalError::Missing {
                have: names.len(),
                need: self.required,
                approved: if names.is_empty() {
                    "nobody".into()
                } else {
                    names.join(", ")
                },
                missing: missing.join(", "),
            });
        }
        Ok(names)
    }
}

/// Now, in Unix seconds.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn parse_key(text: &str) -> Result<XOnlyPublicKey, String> {
    let bytes: Vec<u8> = bitcoin::hex::FromHex::from_hex(text.trim())
        .map_err(|_| "the key is not hex".to_string())?;
    XOnlyPublicKey::from_slice(&bytes).map_err(|_| "not a 32-byte x-only public key".to_string())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::material::HdKeys;
    use crate::keys::mnemonic::SecretMnemonic;

    fn key(words: &str) -> ApproverKey {
        let m = SecretMnemonic::parse(words).unwrap();
        let seed = m.to_seed(&secrecy::SecretString::from(String::new()));
        let hd = HdKeys::from_master(crate::keys::secret::MasterKey::from_seed(
            &seed,
            bitcoin::NetworkKind::Main,
        ));
        ApproverKey::from_hd(&hd)
    }

    const A: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    const B: &str = "legal winner thank year wave sausage worth useful legal winner thank yellow";

    #[test]
    fn approvals_round_trip_and_count_once_per_listed_approver() {
        let (a, b) = (key(A), key(B));
        let rules = ApprovalRules {
            required: 2,
            approvers: vec![
                Approver {
                    name: "alice".into(),
                    key: hex(&a.public().serialize()),
                },
                Approver {
                    name: "bob".into(),
                    key: hex(&b.public().serialize()),
                },
            ],
        };
        rules.validate().unwrap();
        let req = [7u8; 32];
        let ok_a = a.approve("aaaa-bbbb-cccc-dddd", req, 2_000);
        let ok_b = b.approve("aaaa-bbbb-cccc-dddd", req, 2_000);
        let back = Approval::from_cbor(&ok_a.to_cbor()).unwrap();
        assert_eq!(back, ok_a);
        assert_eq!(
            rules
                .check(
                    &[ok_a.clone(), ok_b.clone()],
                    "aaaa-bbbb-cccc-dddd",
                    req,
                    1_000
                )
                .unwrap(),
            vec!["alice", "bob"]
        );
        let err = |approvals: &[Approval]| {
            rules
                .check(approvals, "aaaa-bbbb-cccc-dddd", req, 1_000)
                .unwrap_err()
        };
        assert!(matches!(
            err(std::slice::from_ref(&ok_a)),
            ApprovalError::Missing {
                have: 1,
                need: 2,
                ..
            }
        ));
        assert!(matches!(
            err(&[ok_a.clone(), ok_a.clone()]),
            ApprovalError::Duplicate(_)
        ));
        let late = a.approve("aaaa-bbbb-cccc-dddd", req, 999);
        assert!(matches!(
            err(&[late, ok_b.clone()]),
            ApprovalError::Expired(_)
        ));
        let other = a.approve("aaaa-bbbb-cccc-dddd", [8; 32], 2_000);
        assert!(matches!(
            err(&[other, ok_b.clone()]),
            ApprovalError::OtherRequest { .. }
        ));
        let stranger =
            key("letter advice cage absurd amount doctor acoustic avoid letter advice cage above")
                .approve("aaaa-bbbb-cccc-dddd", req, 2_000);
        assert!(matches!(
            err(&[stranger, ok_b.clone()]),
            ApprovalError::Unlisted(_)
        ));
        let mut forged = ok_a.clone();
        forged.expires = 3_000;
        assert!(matches!(
            err(&[forged, ok_b]),
            ApprovalError::BadSignature(_)
        ));
        // Trailing bytes and a truncated body are malformed.
        let mut long = ok_a.to_cbor();
        long.push(0);
        assert!(matches!(
            Approval::from_cbor(&long),
            Err(ApprovalError::Malformed(_))
        ));
        let short = &ok_a.to_cbor()[..50];
        assert!(matches!(
            Approval::from_cbor(short),
            Err(ApprovalError::Malformed(_))
        ));
    }
}
