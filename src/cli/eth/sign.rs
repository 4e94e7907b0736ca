//! `eth inspect` and `eth sign`: the offline side.

use std::path::{Path, PathBuf};

use alloy_primitives::{hex, keccak256, Address, Signature, U256};
use bitcoin::bip32::DerivationPath;
use bitcoin::hashes::{sha256, Hash};
use clap::Args;
use serde::Serialize;

use super::super::approval::{confirm, Approval};
use super::super::context::{Context, Report};
use super::output::{ur_text, write_text};
use super::view;
use crate::addressbook::{self, AddressBook};
use crate::audit::{AuditLog, AuditSigner, Record, Summary};
use crate::eth::account::{self, SigningKey};
use crate::eth::calldata::Touch;
use crate::eth::flows::Known;
use crate::eth::registry::Registry;
use crate::eth::request::Source;
use crate::eth::review::{review, EthReview};
use crate::eth::sign::{sign_hash, to_rsv};
use crate::eth::{EthPayload, EthRequest};
use crate::keys::accounts::display_path;
use crate::keys::ethereum::EthLayout;
use crate::policy::Verdict;
use crate::review::{Severity, Warning};
use crate::transport::registry::{EthSignature, Payload};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Request: eth-sign-request UR text or QR image, unsigned transaction hex, or typed-data
    /// JSON; - for stdin.
    file: PathBuf,
    /// Key path to sign with (overrides the request's).
    #[arg(long, value_name = "PATH")]
    path: Option<DerivationPath>,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Request: eth-sign-request UR text or QR image, unsigned transaction hex, or typed-data
    /// JSON; - for stdin.
    file: PathBuf,
    /// Where to write the result: the signed raw transaction (hex), or the 65-byte signature
    /// (hex) for messages; - for stdout.
    #[arg(short, long)]
    output: PathBuf,
    /// Write an EIP-4527 eth-signature UR instead.
    #[arg(long)]
    ur: bool,
    /// Key path to sign with (overrides the request's).
    #[arg(long, value_name = "PATH")]
    path: Option<DerivationPath>,
    #[command(flatten)]
    approval: Approval,
    /// Also show the eth-signature as an animated QR code.
    #[arg(long)]
    qr: bool,
    /// Sign on a hardware wallet after the review here: the signing address is the device's
    /// at the request's path (or --path). A keystore, if one exists, only signs the audit log.
    #[cfg(feature = "hw")]
    #[arg(long, value_enum)]
    device: Option<super::super::device::DeviceKind>,
}

/// The signing side: the key (none when a device signs), the signing address, the address
/// book and the audit log (and the key that signs it, when there is a keystore).
struct EthSigner {
    key: Option<SigningKey>,
    from: Address,
    /// The signing key's path, as shown.
    path: Option<String>,
    book: AddressBook,
    registry: Registry,
    log: AuditLog,
    audit: Option<AuditSigner>,
}

impl EthSigner {
    fn open(ctx: &Context, request: &EthRequest, path: Option<&DerivationPath>) -> Result<Self> {
        let (keystore, _, material) = super::super::key::unlock(ctx)?;
        let key = account::resolve(&material, &request.key, request.address, path)
            .map_err(|e| Error::usage(e, "pass --path with the account's derivation path"))?;
        if key.found_by_search {
            ctx.note(&format!(
                "note: signing with {} found at {}",
                key.address,
                key.path.as_deref().unwrap_or("?")
            ));
        }
        Ok(EthSigner {
            from: key.address,
            path: key.path.clone(),
            key: Some(key),
            book: AddressBook::load(&addressbook::path_for(&keystore))?,
            registry: Registry::load_beside(&addressbook::path_for(&keystore))?,
            log: AuditLog::for_keystore(&keystore),
            audit: Some(AuditSigner::from_material(&material)),
        })
    }

    /// The device's address at `path` signs. A keystore at the keystore path, if any, is
    /// unlocked only to sign the audit log; without one no audit entry is written.
    fn with_device(
        ctx: &Context,
        request: &EthRequest,
        device: &mut EthDevice,
        path: &DerivationPath,
    ) -> Result<Self> {
        let from = device.address(path)?;
        if let Some(stated) = request.address.filter(|a| *a != from) {
            return Err(Error::usage(
                format!(
                    "the request is for {}, the {}'s address at {} is {}",
                    stated.to_checksum(None),
                    device.name(),
                    display_path(path),
                    from.to_checksum(None)
                ),
                "pass --path with that account's derivation path",
            ));
        }
        let keystore = ctx.keystore_path()?;
        let audit = if keystore.exists() {
            let (_, _, material) = super::super::key::unlock(ctx)?;
            Some(AuditSigner::from_material(&material))
        } else {
            ctx.note(&format!(
                "no keystore at {}: no audit entry is written",
                keystore.display()
            ));
            None
        };
        Ok(EthSigner {
            key: None,
            from,
            path: Some(display_path(path)),
            book: AddressBook::load(&addressbook::path_for(&keystore))?,
            registry: Registry::load_beside(&addressbook::path_for(&keystore))?,
            log: AuditLog::for_keystore(&keystore),
            audit,
        })
    }

    fn review(&self, request: &EthRequest) -> EthReview {
        let known = Known {
            book: &self.book,
            registry: &self.registry,
        };
        review(request, self.from, self.path.clone(), &known)
    }

    fn record(
        &self,
        event: &'static str,
        r: &EthReview,
        request: &[u8],
        verdict: &str,
        detail: String,
    ) -> Result<()> {
        let Some(audit) = &self.audit else {
            return Ok(());
        };
        let gwei =
            |wei: U256| u64::try_from(wei / U256::from(1_000_000_000u64)).unwrap_or(u64::MAX);
        let summary = Summary {
            chain: "ethereum".into(),
            network: r.chain_id.map_or("eth:any".into(), |c| format!("eth:{c}")),
            inputs: 0,
            outputs: r.calls.len(),
            external: gwei(r.value),
            fee: Some(gwei(r.max_fee)),
            destinations: r
                .touches
                .iter()
                .filter_map(|t| match t {
                    Touch::Recipient(a) => Some(a.to_checksum(None)),
                    Touch::Contract(..) => None,
                })
                .collect(),
        };
        let record = Record {
            event,
            intent_digest: r.intent_digest.clone(),
            request_sha256: sha256::Hash::hash(request).to_string(),
            summary,
            verdict: verdict.into(),
            detail,
        };
        self.log.append(audit, record).map(|_| ())
    }
}

fn decode(data: &[u8]) -> Result<EthRequest> {
    EthRequest::decode(data).map_err(Error::bad_input)
}

#[derive(Serialize)]
struct Inspected<'a> {
    #[serde(flatten)]
    review: &'a EthReview,
}

impl Report for Inspected<'_> {
    fn human(&self) -> String {
        view::render(self.review)
    }
}

/// `coldsign eth inspect`.
pub fn inspect(ctx: &Context, args: InspectArgs) -> Result<()> {
    let data = crate::files::read_input(&args.file)?;
    let request = decode(&data)?;
    let signer = EthSigner::open(ctx, &request, args.path.as_ref())?;
    let r = signer.review(&request);
    signer.record("review", &r, &data, "reviewed", String::new())?;
    ctx.emit(&Inspected { review: &r })
}

#[derive(Serialize)]
struct Signed<'a> {
    review: &'a EthReview,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a Verdict>,
    /// The signature r ‖ s ‖ v (v = 27/28), hex.
    signature: String,
    /// The transaction hash, for transactions.
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_hash: Option<String>,
    output: &'a Path,
    /// The hardware wallet that signed, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    device: Option<&'static str>,
    /// Whether the review and decision went into the audit log (not without a keystore).
    audit_logged: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    qr: Option<Vec<String>>,
}

impl Report for Signed<'_> {
    fn human(&self) -> String {
        let mut s = format!("signed by {}", self.review.from);
        if let Some(device) = self.device {
            s.push_str(&format!(" on the {device} (its signature recovers to it)"));
        }
        s.push('\n');
        if let Some(h) = &self.transaction_hash {
            s.push_str(&format!("transaction hash {h}\n"));
        }
        if self.output != Path::new("-") {
            s.push_str(&format!("written to {}\n", self.output.display()));
        }
        s
    }
}

/// The signed output: raw transaction or signature hex, or an eth-signature UR.
fn answer(
    request: &EthRequest,
    signature: &Signature,
    as_ur: bool,
) -> Result<(String, Option<String>, Payload)> {
    let rsv = to_rsv(signature);
    let raw = match &request.payload {
        EthPayload::Transaction(tx) => Some(tx.clone().into_raw_signed(*signature)),
        _ => None,
    };
    let ur_signature = {
        // Typed transactions carry the y-parity as v; everything else 27/28.
        let mut bytes = rsv.to_vec();
        if matches!(&request.payload, EthPayload::Transaction(t) if !matches!(t, crate::eth::tx::UnsignedTx::Legacy(_)))
        {
            bytes[64] -= 27;
        }
        bytes
    };
    let request_id = match &request.source {
        Source::SignRequest(r) => r.request_id,
        Source::Bare => None,
    };
    let payload = Payload::EthSignature(EthSignature {
        request_id,
        signature: ur_signature,
        origin: Some("coldsign".into()),
    });
    let hash = raw.as_ref().map(|r| keccak256(r).to_string());
    let text = if as_ur {
        ur_text(&payload)?
    } else {
        match &raw {
            Some(raw) => hex::encode_prefixed(raw) + "\n",
            None => hex::encode_prefixed(rsv) + "\n",
        }
    };
    Ok((text, hash, payload))
}

/// `coldsign eth sign`.
pub fn sign(ctx: &Context, args: SignArgs) -> Result<()> {
    args.approval.preflight(ctx, &args.output)?;
    let data = crate::files::read_input(&args.file)?;
    let request = decode(&data)?;
    let loaded = args.approval.policy(ctx)?;
    let mut device = open_device(&args, &request)?;
    let device_path = args
        .path
        .clone()
        .or_else(|| request.key.path.clone())
        .unwrap_or_else(|| EthLayout::Bip44.path(0));
    let signer = match device.as_mut() {
        Some(d) => EthSigner::with_device(ctx, &request, d, &device_path)?,
        None => EthSigner::open(ctx, &request, args.path.as_ref())?,
    };
    let mut r = signer.review(&request);
    if let Some(d) = device.as_ref().filter(|d| d.blind_typed_data()) {
        flag_blind_typed_data(&mut r, d.name());
    }
    if !ctx.json {
        eprint!("{}", view::render(&r));
    }
    signer.record("review", &r, &data, "reviewed", String::new())?;
    let mut allowed = args.approval.allow.clone();
    let verdict = match &loaded {
        Some(policy) => {
            let verdict = policy.evaluate_ethereum(&r);
            if let Some(denial) = verdict.denial() {
                let detail = format!("{}: {}", denial.rule, denial.detail);
                signer.record("decision", &r, &data, "denied", detail)?;
                return Err(Error::PolicyDenied {
                    rule: denial.rule.clone(),
                    detail: denial.detail.clone(),
                });
            }
            allowed.extend(policy.allowed_ethereum_warnings(&r));
            Some(verdict)
        }
        None => None,
    };
    if let Err(e) = confirm(&r.warnings, &r.intent_digest, &allowed, args.approval.yes) {
        let verdict = if matches!(e, Error::Refused(_)) {
            "refused"
        } else {
            "declined"
        };
        signer.record("decision", &r, &data, verdict, e.to_string())?;
        return Err(e);
    }
    let signature = match (device.as_mut(), &signer.key) {
        (Some(d), _) => {
            ctx.note(&format!(
                "confirm on the {} screen; compare it with this review",
                d.name()
            ));
            let signed = d
                .sign(&device_path, &request.payload)
                .and_then(|sig| check_recovers(&sig, r.signing_hash, signer.from).map(|_| sig));
            match signed {
                Ok(sig) => sig,
                Err(e) => {
                    let verdict = if matches!(e, Error::Declined(_)) {
                        "declined"
                    } else {
                        "failed"
                    };
                    signer.record("decision", &r, &data, verdict, e.to_string())?;
                    return Err(e);
                }
            }
        }
        (None, Some(key)) => {
            let secp = bitcoin::secp256k1::Secp256k1::signing_only();
            sign_hash(&secp, &key.key, r.signing_hash)
        }
        (None, None) => return Err(Error::Internal("no key and no device to sign".into())),
    };
    let (text, transaction_hash, payload) = answer(&request, &signature, args.ur)?;
    write_text(&args.output, &text, args.approval.force)?;
    signer.record("decision", &r, &data, "signed", String::new())?;
    let qr = if args.qr {
        super::super::qr::show_payload(ctx, &payload)?
    } else {
        None
    };
    let report = Signed {
        review: &r,
        policy: verdict.as_ref(),
        signature: hex::encode_prefixed(to_rsv(&signature)),
        transaction_hash,
        output: &args.output,
        device: device.as_ref().map(|d| d.name()),
        audit_logged: signer.audit.is_some(),
        qr,
    };
    if args.output == Path::new("-") {
        if !ctx.json {
            eprint!("{}", report.human());
        }
        return Ok(());
    }
    ctx.emit(&report)
}

/// The Ledger signs typed data in hashed mode: its screen shows only the domain hash and the
/// message hash, so the person must compare both with the review.
fn flag_blind_typed_data(r: &mut EthReview, device: &str) {
    let Some(t) = &r.typed_data else {
        return;
    };
    r.warnings.push(Warning::new(
        "eth.device.blind-typed-data",
        Severity::High,
        format!(
            "the {device} signs this typed data blind: its screen shows only domain hash {} and message hash {}; compare both with this review",
            t.domain_separator, t.message_hash
        ),
    ));
    r.warnings.sort_by_key(|w| std::cmp::Reverse(w.severity));
}

/// Checks that a device's signature recovers to the reviewed address.
#[cfg(feature = "hw")]
use crate::hw::eth_signer::check_recovers;

#[cfg(feature = "hw")]
use super::device::EthDevice;

/// Opens the device of `--device`, if any.
#[cfg(feature = "hw")]
fn open_device(args: &SignArgs, request: &EthRequest) -> Result<Option<EthDevice>> {
    EthDevice::open(args.device, &request.payload)
}

/// Without hardware wallet support no device ever signs.
#[cfg(not(feature = "hw"))]
enum EthDevice {}

#[cfg(not(feature = "hw"))]
impl EthDevice {
    fn name(&self) -> &'static str {
        match *self {}
    }
    fn blind_typed_data(&self) -> bool {
        match *self {}
    }
    fn address(&mut self, _: &DerivationPath) -> Result<Address> {
        match *self {}
    }
    fn sign(&mut self, _: &DerivationPath, _: &EthPayload) -> Result<Signature> {
        match *self {}
    }
}

#[cfg(not(feature = "hw"))]
fn open_device(_: &SignArgs, _: &EthRequest) -> Result<Option<EthDevice>> {
    Ok(None)
}

#[cfg(not(feature = "hw"))]
fn check_recovers(_: &Signature, _: alloy_primitives::B256, _: Address) -> Result<()> {
    Ok(())
}
