//! The audit log: one JSON line per review and decision, each carrying the hash of the line
//! before it and a BIP340 signature by a key derived from the seed (so anyone holding the
//! watch-only export can verify it). A signed head file records the last line, so truncation
//! is detected too. Format: docs/audit.md.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::{Duration, SystemTime};

use bitcoin::bip32::DerivationPath;
use bitcoin::hashes::{sha256, Hash, HashEngine};
use bitcoin::hex::DisplayHex;
use bitcoin::secp256k1::{schnorr, Keypair, Message, Secp256k1, XOnlyPublicKey};
use serde::{Deserialize, Serialize};

use crate::files::{self, Replace};
use crate::i18n::Text;
use crate::keys::material::{HdKeys, KeyMaterial};
use crate::keys::random_bytes;
use crate::keys::secret::PrivateKey;
use crate::{Error, Result};

/// The derivation path of the audit key: purpose 0x636f6c64 ("cold"), index 0.
pub const AUDIT_PATH: &str = "m/1668246628'/0'";
const TAG: &[u8] = b"coldsign audit v1\n";
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The audit public key (x-only, hex) of a key tree.
pub fn audit_key(hd: &HdKeys) -> XOnlyPublicKey {
    AuditSigner::from_hd(hd).public()
}

/// The key that signs audit lines, and the name recorded as the signer.
pub struct AuditSigner {
    secret: PrivateKey,
    name: String,
}

impl AuditSigner {
    /// The audit key of a key tree (at [`AUDIT_PATH`]); the signer is its fingerprint.
    pub fn from_hd(hd: &HdKeys) -> Self {
        let path = DerivationPath::from_str(AUDIT_PATH).expect("constant path");
        AuditSigner {
            secret: hd.private_key(&path),
            name: hd.fingerprint().to_string(),
        }
    }

    /// The audit key of a single-key keystore: a tagged hash of the key (never the key itself);
    /// the signer is its Ethereum address.
    pub fn from_private_key(key: &PrivateKey) -> Self {
        let secp = Secp256k1::signing_only();
        let mut tagged = zeroize::Zeroizing::new(b"coldsign audit key v1\n".to_vec());
        tagged.extend_from_slice(&key.expose_secret().secret_bytes());
        let digest = sha256::Hash::hash(&tagged);
        AuditSigner {
            secret: PrivateKey::from_slice(digest.as_byte_array()).expect("a hash is a valid key"),
            name: crate::keys::ethereum::address_of_private(&secp, key).to_checksum(None),
        }
    }

    /// The audit key of whatever the keystore holds.
    pub fn from_material(material: &KeyMaterial) -> Self {
        match (material.hd(), material) {
            (Some(hd), _) => Self::from_hd(&hd),
            (None, KeyMaterial::PrivateKey(key)) => Self::from_private_key(key),
            (None, KeyMaterial::Bip39 { .. }) => unreachable!("mnemonic material has an HD tree"),
        }
    }

    /// The x-only public key that verifies its lines.
    pub fn public(&self) -> XOnlyPublicKey {
        let secp = Secp256k1::signing_only();
        XOnlyPublicKey::from(self.secret.expose_secret().public_key(&secp))
    }
}

/// What a line records about a request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// `bitcoin` (later `ethereum`).
    pub chain: String,
    /// Network name.
    pub network: String,
    /// Number of inputs.
    pub inputs: usize,
    /// Number of outputs.
    pub outputs: usize,
    /// Value leaving the signer's wallets, in the chain's base unit.
    pub external: u64,
    /// Fee, when known.
    pub fee: Option<u64>,
    /// External destinations.
    pub destinations: Vec<String>,
    /// Value leaving per asset, for chains with more than one asset (Ethereum: `native` or a
    /// token's checksummed address), in the asset's smallest unit or `unlimited`. Absent in
    /// older logs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assets: Vec<AssetAmount>,
    /// What the request consumes: Bitcoin outpoints (`txid:vout`), an Ethereum account's
    /// nonce (`address/nonce`). A later signature consuming any of them replaces this one in
    /// the 24-hour window (RBF). Absent in older logs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spends: Vec<String>,
}

/// One asset's outflow in a [`Summary`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetAmount {
    /// `native`, or a token's checksummed address.
    pub asset: String,
    /// Smallest units as a decimal integer, or `unlimited`.
    pub units: String,
}

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Position, from 0.
    pub seq: u64,
    /// RFC 3339 UTC.
    pub time: String,
    /// SHA-256 of the previous line (zeros for the first).
    pub prev: String,
    /// `review` or `decision`.
    pub event: String,
    /// The request's intent digest.
    pub intent_digest: String,
    /// SHA-256 of the request bytes as received.
    pub request_sha256: String,
    /// What the request does.
    pub summary: Summary,
    /// `reviewed`, `signed`, `declined`, `refused` or `denied`.
    pub verdict: String,
    /// Why (the rule, the warning codes, the per-input result).
    pub detail: String,
    /// The approvers whose approvals the signature rests on (absent when none).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvers: Vec<String>,
    /// Signer's master fingerprint.
    pub signer: String,
    /// BIP340 signature over the line with this field empty.
    pub sig: String,
}

/// The last line's position and hash, signed, kept beside the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Head {
    seq: u64,
    hash: String,
    sig: String,
}

/// What to append.
#[derive(Debug, Clone)]
pub struct Record {
    /// `review` or `decision`.
    pub event: &'static str,
    /// Intent digest.
    pub intent_digest: String,
    /// SHA-256 of the request bytes.
    pub request_sha256: String,
    /// Summary.
    pub summary: Summary,
    /// Verdict.
    pub verdict: String,
    /// Detail.
    pub detail: String,
    /// The approvers whose approvals were verified.
    pub approvers: Vec<String>,
}

/// Why a log failed verification.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("audit log line {line}: {reason}")]
pub struct Tampered {
    /// 1-based line number (0 for the head file).
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// A verified log.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Every entry, in order.
    pub entries: Vec<Entry>,
    /// SHA-256 of the last line: give it to auditors to detect a later rollback.
    pub head: String,
    /// Byte length of the complete lines, when a crash left a torn, unterminated line after
    /// them (dropped on the next append).
    pub torn_tail_at: Option<u64>,
    /// The signed head names the line before the last (a crash between appending a line and
    /// updating the head); re-signed before the next append.
    pub head_stale: bool,
}

/// What verifying the log's chain establishes, without its entries (see [`AuditLog::walk`]).
#[derive(Debug, Clone)]
pub struct Chain {
    /// The number of complete lines.
    pub count: u64,
    /// SHA-256 of the last line (the genesis hash for an empty log).
    pub head: String,
    /// Byte length of the complete lines, when a torn, unterminated line follows them.
    pub torn_tail_at: Option<u64>,
    /// The signed head names the line before the last.
    pub head_stale: bool,
}

/// The audit log beside a keystore.
#[derive(Debug, Clone)]
pub struct AuditLog {
    path: PathBuf,
}

impl AuditLog {
    /// The log belonging to the keystore at `keystore`.
    pub fn for_keystore(keystore: &Path) -> Self {
        AuditLog {
            path: keystore
                .parent()
                .unwrap_or(Path::new("."))
                .join("audit.log"),
        }
    }

    /// The log at `path`.
    pub fn at(path: PathBuf) -> Self {
        AuditLog { path }
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn head_path(&self) -> PathBuf {
        self.path.with_extension("head")
    }

    /// Verifies the whole log (chain, signatures with `key`, head) and appends the record
    /// `make` gives (made after the walk: a record and the log's last line each list every
    /// input of a large request, and need not be held together).
    pub fn append(&self, signer: &AuditSigner, make: impl FnOnce() -> Record) -> Result<Entry> {
        let key = signer.public();
        let chain = self
            .walk(&key, |_| {})
            .map_err(|e| Error::unverified(Text::new("error-nothing-signed").arg("failure", e)))?;
        let record = make();
        let secp = Secp256k1::signing_only();
        let keypair = Keypair::from_secret_key(&secp, signer.secret.expose_secret());
        let mut entry = Entry {
            seq: chain.count,
            time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            prev: chain.head.clone(),
            event: record.event.into(),
            intent_digest: record.intent_digest,
            request_sha256: record.request_sha256,
            summary: record.summary,
            verdict: record.verdict,
            detail: record.detail,
            approvers: record.approvers,
            signer: signer.name.clone(),
            sig: String::new(),
        };
        let signature =
            secp.sign_schnorr_with_aux_rand(&message(&mut entry), &keypair, &random_bytes::<32>());
        entry.sig = signature.as_ref().to_lower_hex_string();
        let mut line = serde_json::to_vec(&entry).map_err(|e| Error::Internal(e.to_string()))?;
        let line_hash = sha256::Hash::hash(&line);
        line.push(b'\n');
        files::ensure_parent_dir(&self.path)?;
        let write_err = |source| Error::File {
            action: "cannot append to",
            path: self.path.clone(),
            source,
        };
        if let Some(len) = chain.torn_tail_at {
            // A crash left a torn line after what the signed head vouches for: drop it.
            OpenOptions::new()
                .write(true)
                .open(&self.path)
                .and_then(|f| f.set_len(len))
                .map_err(write_err)?;
        }
        if chain.head_stale {
            // Catch the head up first, so the log is never more than one line ahead of it.
            self.write_head(&secp, &keypair, chain.count - 1, chain.head.clone())?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(&self.path)
            .map_err(write_err)?;
        file.write_all(&line)
            .and_then(|_| file.sync_all())
            .map_err(write_err)?;
        self.write_head(&secp, &keypair, entry.seq, line_hash.to_string())?;
        Ok(entry)
    }

    /// Signs and atomically writes the head file naming line `seq` with `hash`.
    fn write_head(
        &self,
        secp: &Secp256k1<bitcoin::secp256k1::SignOnly>,
        keypair: &Keypair,
        seq: u64,
        hash: String,
    ) -> Result<()> {
        let sig = secp.sign_schnorr_with_aux_rand(
            &head_message(seq, &hash),
            keypair,
            &random_bytes::<32>(),
        );
        let head = Head {
            seq,
            hash,
            sig: sig.as_ref().to_lower_hex_string(),
        };
        let json = serde_json::to_vec(&head).map_err(|e| Error::Internal(e.to_string()))?;
        files::write_atomic(&self.head_path(), &json, 0o600, Replace::Allowed)
    }

    /// Verifies the chain, every signature against `key`, and the head file.
    pub fn verify(&self, key: &XOnlyPublicKey) -> std::result::Result<Verified, Tampered> {
        self.verify_keeping(key, |_| true)
    }

    /// Verifies the whole log as [`AuditLog::verify`] does, keeping only the entries `keep`
    /// selects (the rest are verified, then dropped).
    pub fn verify_keeping(
        &self,
        key: &XOnlyPublicKey,
        keep: impl Fn(&Entry) -> bool,
    ) -> std::result::Result<Verified, Tampered> {
        let mut entries = Vec::new();
        let chain = self.walk(key, |entry| {
            if keep(&entry) {
                entries.push(entry)
            }
        })?;
        Ok(Verified {
            entries,
            head: chain.head,
            torn_tail_at: chain.torn_tail_at,
            head_stale: chain.head_stale,
        })
    }

    /// Verifies the log as [`AuditLog::verify`] does, one line at a time, handing each
    /// verified entry to `visit` instead of keeping it: memory does not grow with the log.
    pub fn walk(
        &self,
        key: &XOnlyPublicKey,
        mut visit: impl FnMut(Entry),
    ) -> std::result::Result<Chain, Tampered> {
        let cannot_read = |e: std::io::Error| Tampered {
            line: 0,
            reason: format!("cannot read: {e}"),
        };
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if self.head_path().exists() {
                    return Err(Tampered {
                        line: 0,
                        reason: "the log is missing but its head file exists (deleted)".into(),
                    });
                }
                return Ok(Chain {
                    count: 0,
                    head: GENESIS.into(),
                    torn_tail_at: None,
                    head_stale: false,
                });
            }
            Err(e) => return Err(cannot_read(e)),
        };
        let secp = Secp256k1::verification_only();
        let mut reader = BufReader::new(file);
        let mut bytes = Vec::new();
        // Hashes of the last two complete lines: the signed head may name either.
        let mut last_two: [Option<String>; 2] = [None, None];
        let mut count: u64 = 0;
        let mut complete: u64 = 0;
        let mut torn = false;
        loop {
            bytes.clear();
            let read = reader.read_until(b'\n', &mut bytes).map_err(cannot_read)?;
            if read == 0 {
                break;
            }
            if bytes.last() != Some(&b'\n') {
                torn = true;
                break;
            }
            let line = std::str::from_utf8(&bytes).map_err(|e| {
                cannot_read(std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            })?;
            let line = line.strip_suffix('\n').unwrap_or(line);
            let line = line.strip_suffix('\r').unwrap_or(line);
            let n = count as usize + 1;
            let fail = |reason: &str| Tampered {
                line: n,
                reason: reason.into(),
            };
            let mut entry: Entry =
                serde_json::from_str(line).map_err(|e| fail(&format!("not a log entry ({e})")))?;
            if entry.seq != count {
                return Err(fail(&format!(
                    "sequence {} where {} was expected (lines removed or reordered)",
                    entry.seq, count
                )));
            }
            let prev = last_two[1].as_deref().unwrap_or(GENESIS);
            if entry.prev != prev {
                return Err(fail("does not chain to the line before it (a line was edited, removed or reordered)"));
            }
            let signature = hex_signature(&entry.sig).ok_or_else(|| fail("malformed signature"))?;
            if secp
                .verify_schnorr(&signature, &message(&mut entry), key)
                .is_err()
            {
                // A first line by another key is most likely another keystore's log: two
                // keystores in one directory share one audit.log.
                return Err(fail(if n == 1 {
                    "signature does not verify: the line was edited, or this is another \
                     keystore's log (audit.log lives beside the keystore: give each keystore \
                     a directory of its own)"
                } else {
                    "signature does not verify (edited, or signed by another key)"
                }));
            }
            let hash = sha256::Hash::hash(line.as_bytes()).to_string();
            last_two = [last_two[1].take(), Some(hash)];
            count += 1;
            complete += read as u64;
            visit(entry);
        }
        let head_covers_all = self.check_head(&secp, key, count, &last_two)?;
        if torn && !head_covers_all {
            return Err(Tampered {
                line: count as usize + 1,
                reason: "the last line is incomplete".into(),
            });
        }
        Ok(Chain {
            count,
            head: last_two[1].take().unwrap_or_else(|| GENESIS.into()),
            torn_tail_at: torn.then_some(complete),
            head_stale: !head_covers_all && count > 0,
        })
    }

    /// Checks the signed head against the `count` complete lines, the last two of which hash
    /// to `last_two`. The log may be one fully signed line ahead of its head (a crash between
    /// appending and updating the head), never behind it. Returns whether the head names the
    /// last complete line.
    fn check_head(
        &self,
        secp: &Secp256k1<bitcoin::secp256k1::VerifyOnly>,
        key: &XOnlyPublicKey,
        count: u64,
        last_two: &[Option<String>; 2],
    ) -> std::result::Result<bool, Tampered> {
        let fail = |reason: String| Tampered { line: 0, reason };
        let Ok(bytes) = std::fs::read(self.head_path()) else {
            return match count {
                0 => Ok(true),
                1 => Ok(false),
                _ => Err(fail("the head file is missing".into())),
            };
        };
        let head: Head = serde_json::from_slice(&bytes)
            .map_err(|e| fail(format!("head file is damaged ({e})")))?;
        let sig = hex_signature(&head.sig)
            .ok_or_else(|| fail("head file signature is malformed".into()))?;
        if secp
            .verify_schnorr(&sig, &head_message(head.seq, &head.hash), key)
            .is_err()
        {
            return Err(fail("head file signature does not verify".into()));
        }
        let n = count;
        let named = match n.checked_sub(head.seq) {
            Some(1) => last_two[1].as_deref(),
            Some(2) => last_two[0].as_deref(),
            _ => None,
        };
        if head.seq >= n || named != Some(head.hash.as_str()) || n - 1 - head.seq > 1 {
            return Err(fail(format!(
                "the log ends at line {n} but its signed head says line {} (lines were removed from the end)",
                head.seq + 1
            )));
        }
        Ok(head.seq + 1 == n)
    }

    /// The `signed` decisions on `network` within `window` before now, without those a later
    /// one (or the request being evaluated, consuming `replacing`) replaces: a signature that
    /// consumes any of the same outpoints or nonces counts once, as its latest version.
    pub fn signed_within<'a>(
        verified: &'a Verified,
        network: &str,
        window: Duration,
        replacing: &[String],
    ) -> Vec<&'a Entry> {
        let since = SystemTime::now()
            .checked_sub(window)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let mut kept: Vec<&Entry> = Vec::new();
        for e in verified
            .entries
            .iter()
            .filter(|e| Self::is_decision(e) && e.summary.network == network)
        {
            kept.retain(|k| !overlaps(&k.summary.spends, &e.summary.spends));
            let recent = humantime::parse_rfc3339(&e.time)
                .map(|t| t >= since)
                .unwrap_or(true);
            if recent {
                kept.push(e);
            }
        }
        kept.retain(|k| !overlaps(&k.summary.spends, replacing));
        kept
    }

    /// Whether `entry` records a signature given (what the 24-hour limits count).
    pub fn is_decision(entry: &Entry) -> bool {
        entry.event == "decision" && entry.verdict == "signed"
    }

    /// External value (base unit) of the [`signed_within`](Self::signed_within) decisions.
    pub fn spent_within(
        verified: &Verified,
        network: &str,
        window: Duration,
        replacing: &[String],
    ) -> u64 {
        Self::signed_within(verified, network, window, replacing)
            .iter()
            .fold(0u64, |sum, e| sum.saturating_add(e.summary.external))
    }
}

fn overlaps(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// What an entry's signature covers: the tag, then the entry's JSON with `sig` empty, hashed
/// as it is serialized (a log line of a 5,000-input request is half a megabyte: no copy of the
/// entry or of its text is made).
fn message(entry: &mut Entry) -> Message {
    let sig = std::mem::take(&mut entry.sig);
    let mut engine = sha256::Hash::engine();
    engine.input(TAG);
    let serialized = serde_json::to_writer(&mut engine, &*entry);
    entry.sig = sig;
    serialized.expect("plain struct");
    Message::from_digest(sha256::Hash::from_engine(engine).to_byte_array())
}

fn head_message(seq: u64, hash: &str) -> Message {
    Message::from_digest(
        sha256::Hash::hash(format!("coldsign audit head v1\n{seq} {hash}").as_bytes())
            .to_byte_array(),
    )
}

fn hex_signature(hex: &str) -> Option<schnorr::Signature> {
    let bytes: Vec<u8> = bitcoin::hex::FromHex::from_hex(hex).ok()?;
    schnorr::Signature::from_slice(&bytes).ok()
}

/// The audit public key of a watch-only export (`audit_key` in its JSON), read from `path`.
pub fn key_from_export(json: &[u8], path: &Path) -> Result<XOnlyPublicKey> {
    let export: serde_json::Value = serde_json::from_slice(json)
        .map_err(|e| Error::bad_input(format!("{}: {e}", path.display())))?;
    let hex = export["audit_key"].as_str().ok_or_else(|| {
        Error::said(
            Text::new("error-audit-no-key-field").arg("path", path.display()),
            None,
        )
    })?;
    XOnlyPublicKey::from_str(hex)
        .map_err(|_| Error::said(Text::new("error-audit-key-malformed"), None))
}

/// An audit public key typed as x-only hex.
pub fn parse_key(hex: &str) -> Result<XOnlyPublicKey> {
    XOnlyPublicKey::from_str(hex).map_err(|_| {
        Error::said(
            Text::new("error-audit-key-not-x-only").arg("key", format!("{hex:?}")),
            None,
        )
    })
}

/// The audit public key of a watch-only export read from `path`: its text form's audit key
/// line, or [`key_from_export`] for JSON.
pub fn key_from_any_export(data: &[u8], path: &Path) -> Result<XOnlyPublicKey> {
    let text = std::str::from_utf8(data).ok();
    match text
        .map(crate::keys::watch_only::TextExport::parse)
        .transpose()?
        .flatten()
    {
        Some(export) => parse_key(export.audit_key.ok_or_else(|| {
            Error::said(
                Text::new("error-audit-no-key-line").arg("path", path.display()),
                None,
            )
        })?),
        None => key_from_export(data, path),
    }
}

/// The key a log is verified with: `key` (x-only hex), else the audit key of the watch-only
/// export at `export`, else the one `keystore` gives (unlocking the signer's keystore).
pub fn verification_key(
    key: Option<&str>,
    export: Option<&Path>,
    keystore: impl FnOnce() -> Result<XOnlyPublicKey>,
) -> Result<XOnlyPublicKey> {
    match (key, export) {
        (Some(hex), _) => parse_key(hex),
        (None, Some(path)) => key_from_any_export(&crate::files::read_input(path)?, path),
        (None, None) => keystore(),
    }
}

impl AuditLog {
    /// Verifies the log under `key`; with `head`, a head hash an auditor recorded earlier,
    /// also that it is still in the log.
    pub fn verify_with_head(&self, key: &XOnlyPublicKey, head: Option<&str>) -> Result<Verified> {
        let verified = self
            .verify(key)
            .map_err(|e| Error::verification(e.to_string()))?;
        if let Some(head) = head {
            verified.check_head(head)?;
        }
        Ok(verified)
    }
}

impl Verified {
    /// Refuses unless `head`, a head hash an auditor recorded earlier, is still in the log
    /// (a rollback or replacement removed it).
    pub fn check_head(&self, head: &str) -> Result<()> {
        let mut heads = self
            .entries
            .iter()
            .skip(1)
            .map(|e| e.prev.as_str())
            .collect::<Vec<_>>();
        heads.push(&self.head);
        if heads.contains(&head) {
            Ok(())
        } else {
            Err(Error::unverified(
                Text::new("error-audit-head-missing").arg("head", head),
            ))
        }
    }

    /// The entries as CSV for auditors (RFC 4180, spreadsheet-safe).
    pub fn to_csv(&self) -> String {
        let mut csv = String::from("seq,time,event,verdict,intent_digest,network,external_sat,fee_sat,destinations,detail,signer,request_sha256,approvers\n");
        for e in &self.entries {
            let fields = [
                e.seq.to_string(),
                e.time.clone(),
                e.event.clone(),
                e.verdict.clone(),
                e.intent_digest.clone(),
                e.summary.network.clone(),
                e.summary.external.to_string(),
                e.summary.fee.map(|f| f.to_string()).unwrap_or_default(),
                e.summary.destinations.join(" "),
                e.detail.clone(),
                e.signer.clone(),
                e.request_sha256.clone(),
                e.approvers.join(" "),
            ];
            csv.push_str(
                &fields
                    .iter()
                    .map(|f| csv_field(f))
                    .collect::<Vec<_>>()
                    .join(","),
            );
            csv.push('\n');
        }
        csv
    }
}

/// RFC 4180 quoting; a leading formula character is neutralised for spreadsheet safety.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
impl Entry {
    /// An unsigned `signed` decision recording `summary`, made now (for tests).
    pub(crate) fn signed_now(summary: Summary) -> Entry {
        Entry {
            seq: 0,
            time: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            prev: GENESIS.into(),
            event: "decision".into(),
            intent_digest: String::new(),
            request_sha256: String::new(),
            summary,
            verdict: "signed".into(),
            detail: String::new(),
            approvers: Vec::new(),
            signer: String::new(),
            sig: String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(seq: u64, external: u64, spends: &[&str]) -> Entry {
        Entry {
            seq,
            ..Entry::signed_now(Summary {
                network: "regtest".into(),
                external,
                spends: spends.iter().map(|s| s.to_string()).collect(),
                ..Summary::default()
            })
        }
    }

    #[test]
    fn a_line_without_the_new_fields_serialises_as_before() {
        let line = r#"{"chain":"bitcoin","network":"regtest","inputs":1,"outputs":2,"external":5,"fee":1,"destinations":[]}"#;
        let summary: Summary = serde_json::from_str(line).unwrap();
        assert_eq!(serde_json::to_string(&summary).unwrap(), line);
    }

    #[test]
    fn the_signed_message_is_the_tagged_line_with_an_empty_signature() {
        let mut entry = signed(3, 5, &["00:1", "11:2"]);
        entry.sig = "ab".repeat(64);
        let unsigned = Entry {
            sig: String::new(),
            ..entry.clone()
        };
        let mut line = TAG.to_vec();
        line.extend(serde_json::to_vec(&unsigned).unwrap());
        let expected = Message::from_digest(sha256::Hash::hash(&line).to_byte_array());
        assert_eq!(message(&mut entry), expected);
        assert_eq!(entry.sig, "ab".repeat(64), "the signature is put back");
    }

    #[test]
    fn a_replacement_counts_once_in_the_window() {
        let verified = Verified {
            entries: vec![
                signed(0, 100, &["a:0"]),
                signed(1, 120, &["a:0", "b:1"]),
                signed(2, 50, &["c:0"]),
            ],
            head: GENESIS.into(),
            torn_tail_at: None,
            head_stale: false,
        };
        assert_eq!(
            AuditLog::spent_within(&verified, "regtest", crate::policy::DAY, &[]),
            170
        );
        // The request being evaluated replaces the one spending c:0.
        let replacing = ["c:0".to_string()];
        assert_eq!(
            AuditLog::spent_within(&verified, "regtest", crate::policy::DAY, &replacing),
            120
        );
        assert_eq!(
            AuditLog::spent_within(&verified, "testnet", crate::policy::DAY, &[]),
            0
        );
    }
}
