//! Bitcoin PSBT commands: inspect, sign, finalize, combine, convert.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use bitcoin::bip32::{DerivationPath, Fingerprint, Xpub};
use bitcoin::consensus::encode::serialize_hex;
use bitcoin::psbt::Psbt;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::approval::{confirm, Approval};
use super::context::{Context, Report};
use super::review_view;
use bitcoin::hashes::{sha256, Hash};

use crate::addressbook::{self, AddressBook};
use crate::audit::{AuditLog, AuditSigner, Record, Summary};
use crate::btc::finalize::{self, FinalizeOutcome};
use crate::btc::ownership::Policies;
use crate::btc::psbt_v2::PsbtVersion;
use crate::btc::wallets::{registry_dir, Wallet};
use crate::files::{self, Replace};
use crate::keys::material::{HdKeys, KeyMaterial};
use crate::policy::{Verdict, DAY};
use crate::request::{encode_raw, serialize_as, Encoding, PsbtFile};
use crate::review::bitcoin::{canonical_intent, review_file, BtcReview, FeeLimits, OutputKind};
use crate::review::lookalike;
use crate::signer::{software, InputOutcome};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// PSBT file (binary, base64 or hex; v0 or v2), or - for stdin.
    file: PathBuf,
}

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// PSBT file (binary, base64, hex, UR text or QR image), or - for stdin.
    file: PathBuf,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// PSBT file, or - for stdin.
    file: PathBuf,
    /// Where to write the signed PSBT (- for stdout).
    #[arg(short, long)]
    output: PathBuf,
    #[command(flatten)]
    approval: Approval,
    /// Also show the signed PSBT as an animated BC-UR QR code (text parts when stdout is not a
    /// terminal).
    #[arg(long)]
    qr: bool,
    /// Sign on a hardware wallet after the review here. With a keystore, it proves ownership
    /// in the review and the device must hold the same seed; without one (no file at the
    /// keystore path), the device's own account xpubs do, and no audit entry is written.
    #[cfg(feature = "hw")]
    #[arg(long, value_enum)]
    device: Option<super::device::DeviceKind>,
}

#[derive(Debug, Args)]
pub struct FinalizeArgs {
    /// PSBT file, or - for stdin.
    file: PathBuf,
    /// Output file (- for stdout).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Write the final network transaction as hex instead of a PSBT.
    #[arg(long)]
    extract: bool,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
pub struct CombineArgs {
    /// Two or more PSBTs of the same transaction.
    #[arg(required = true, num_args = 2..)]
    files: Vec<PathBuf>,
    /// Output file (- for stdout).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// PSBT version 0 (BIP174).
    V0,
    /// PSBT version 2 (BIP370).
    V2,
    /// Base64 text.
    Base64,
    /// Hex text.
    Hex,
    /// Raw bytes.
    Binary,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// PSBT file, or - for stdin.
    file: PathBuf,
    /// Target version and/or encoding (repeatable, e.g. --to v2 --to hex).
    #[arg(long, required = true, value_enum)]
    to: Vec<Target>,
    /// Output file (- for stdout).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

fn replace_if(force: bool) -> Replace {
    if force {
        Replace::Allowed
    } else {
        Replace::Never
    }
}

/// Reads and decodes a PSBT request, keeping only its SHA-256 (for the audit log) rather than
/// the raw bytes.
fn read_request(path: &Path) -> Result<(PsbtFile, sha256::Hash)> {
    let data = files::read_input(path)?;
    let file = PsbtFile::decode(&data)?;
    Ok((file, sha256::Hash::hash(&data)))
}

/// Reads and decodes a PSBT file (or stdin).
pub fn read_psbt(path: &Path) -> Result<PsbtFile> {
    let data = files::read_input(path)?;
    Ok(PsbtFile::decode(&data)?)
}

/// Writes PSBT or transaction bytes, refusing binary output on a terminal.
fn write(path: &Path, data: &[u8], binary: bool, force: bool) -> Result<()> {
    if binary && path == Path::new("-") && std::io::stdout().is_terminal() {
        return Err(Error::usage(
            "refusing to write binary data to a terminal",
            "pass -o FILE, or --to base64",
        ));
    }
    files::write_output(path, data, replace_if(force))
}

/// Everything the signer knows beside the request and the keys: registered wallets, address
/// book, audit log (and the key that signs it, when there is a keystore).
struct Signer {
    wallets: Vec<Wallet>,
    book: AddressBook,
    log: AuditLog,
    audit: Option<AuditSigner>,
}

/// Whose public keys prove, in the review, which inputs and change are ours.
#[cfg_attr(not(feature = "hw"), allow(dead_code))]
enum Keys {
    /// The keystore's key tree.
    Keystore(HdKeys),
    /// A hardware wallet that alone holds the keys: its master fingerprint and the account
    /// xpubs it returned for the PSBT's key origins.
    Device {
        fingerprint: Fingerprint,
        xpubs: Vec<(DerivationPath, Xpub)>,
    },
}

impl Keys {
    fn policies(&self, wallets: &[Wallet]) -> Policies<'_> {
        match self {
            Keys::Keystore(hd) => Policies::new(hd, wallets.to_vec()),
            Keys::Device { fingerprint, xpubs } => {
                Policies::device(*fingerprint, xpubs.clone(), wallets.to_vec())
            }
        }
    }
}

impl Signer {
    /// Unlocks the keystore and loads what lives beside it.
    fn open(ctx: &Context) -> Result<(Self, HdKeys)> {
        let (path, _, material) = super::key::unlock(ctx)?;
        let hd = match (material.hd(), &material) {
            (Some(hd), _) => hd,
            (None, KeyMaterial::PrivateKey(_)) => {
                return Err(Error::usage(
                    "this keystore holds a single Ethereum key and cannot sign Bitcoin",
                    "use a keystore created from a mnemonic",
                ))
            }
            (None, KeyMaterial::Bip39 { .. }) => {
                unreachable!("mnemonic material always has an HD tree")
            }
        };
        let mut signer = Signer::beside(&path)?;
        signer.audit = Some(AuditSigner::from_hd(&hd));
        Ok((signer, hd))
    }

    /// The registered wallets and address book beside the keystore path `path`, which need
    /// no keystore; without one nothing can sign the audit log.
    fn beside(path: &Path) -> Result<Self> {
        Ok(Signer {
            wallets: Wallet::load_all(&registry_dir(path))?,
            book: AddressBook::load(&addressbook::path_for(path))?,
            log: AuditLog::for_keystore(path),
            audit: None,
        })
    }

    /// The review, with address-book labels and look-alike warnings.
    fn review(&self, ctx: &Context, file: &PsbtFile, policies: &Policies) -> BtcReview {
        let mut r = review_file(file, ctx.network, policies, &FeeLimits::default());
        lookalike::apply(&mut r, &self.book);
        r
    }

    /// Appends an audit entry (after verifying the whole log); nothing without a keystore.
    fn record(
        &self,
        event: &'static str,
        r: &BtcReview,
        request: &sha256::Hash,
        verdict: &str,
        detail: String,
    ) -> Result<()> {
        let Some(audit) = &self.audit else {
            return Ok(());
        };
        let summary = Summary {
            chain: "bitcoin".into(),
            network: r.network.clone(),
            inputs: r.inputs.len(),
            outputs: r.outputs.len(),
            external: r.totals.external,
            fee: r.totals.fee,
            destinations: r
                .outputs
                .iter()
                .filter(|o| o.kind == OutputKind::External)
                .map(|o| o.address.clone().unwrap_or_else(|| o.script.clone()))
                .collect(),
        };
        let record = Record {
            event,
            intent_digest: r.intent_digest.clone(),
            request_sha256: request.to_string(),
            summary,
            verdict: verdict.into(),
            detail,
        };
        self.log.append(audit, record).map(|_| ())
    }

    /// What was signed in the last 24 hours on `network`, from the verified audit log.
    fn spent_24h(&self, network: &str) -> Result<u64> {
        let Some(audit) = &self.audit else {
            return Err(Error::usage(
                "the policy's max_per_24h needs the audit log, which only a keystore can sign",
                "sign with a keystore holding the device's seed, or use a policy without max_per_24h",
            ));
        };
        let verified = self
            .log
            .verify(&audit.public())
            .map_err(|e| Error::Verification(e.to_string()))?;
        Ok(AuditLog::spent_within(&verified, network, DAY))
    }
}

#[derive(Serialize)]
struct Inspected<'a> {
    #[serde(flatten)]
    review: &'a BtcReview,
}

impl Report for Inspected<'_> {
    fn human(&self) -> String {
        review_view::render(self.review)
    }
}

/// `coldsign inspect`.
pub fn inspect(ctx: &Context, args: InspectArgs) -> Result<()> {
    let (file, request) = read_request(&args.file)?;
    let (signer, hd) = Signer::open(ctx)?;
    let policies = Policies::new(&hd, signer.wallets.clone());
    let reviewed = signer.review(ctx, &file, &policies);
    signer.record("review", &reviewed, &request, "reviewed", String::new())?;
    ctx.emit(&Inspected { review: &reviewed })
}

#[derive(Serialize)]
struct Digest {
    intent_digest: String,
    txid: String,
    network: String,
}

impl Report for Digest {
    fn human(&self) -> String {
        format!(
            "intent digest  {}\ntxid           {}\n",
            self.intent_digest, self.txid
        )
    }
}

/// `coldsign digest`: the intent digest without any key (for the online host).
pub fn digest(ctx: &Context, args: DigestArgs) -> Result<()> {
    let file = PsbtFile::decode(&files::read_input(&args.file)?)?;
    ctx.emit(&Digest {
        intent_digest: crate::review::intent_digest(&canonical_intent(&file.psbt, ctx.network)),
        txid: file.psbt.unsigned_tx.compute_txid().to_string(),
        network: ctx.network.to_string(),
    })
}

#[derive(Serialize)]
struct Signed<'a> {
    review: &'a BtcReview,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a Verdict>,
    inputs: Vec<InputOutcome>,
    output: &'a Path,
    /// Whether the review and decision went into the audit log (not without a keystore).
    audit_logged: bool,
    /// `--qr --json`: the signed PSBT as UR parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    qr: Option<Vec<String>>,
}

impl Report for Signed<'_> {
    fn human(&self) -> String {
        let mut s = String::new();
        for i in &self.inputs {
            match &i.not_signed_because {
                None => s.push_str(&format!(
                    "input {}: signed ({} signature{})\n",
                    i.index,
                    i.signatures,
                    if i.signatures == 1 { "" } else { "s" }
                )),
                Some(why) => s.push_str(&format!("input {}: not signed: {why}\n", i.index)),
            }
        }
        if self.output != Path::new("-") {
            s.push_str(&format!(
                "signed PSBT written to {}\n",
                self.output.display()
            ));
        }
        s
    }
}

/// `coldsign sign`.
pub fn sign(ctx: &Context, args: SignArgs) -> Result<()> {
    args.approval.preflight(ctx, &args.output)?;
    let (file, request) = read_request(&args.file)?;
    let loaded = args.approval.policy(ctx)?;
    let (signer, keys, mut session) = match device_only(ctx, &args, &file.psbt)? {
        Some((signer, keys, session)) => (signer, keys, Some(session)),
        None => {
            let (signer, hd) = Signer::open(ctx)?;
            (signer, Keys::Keystore(hd), None)
        }
    };
    let policies = keys.policies(&signer.wallets);
    let review = signer.review(ctx, &file, &policies);
    if !ctx.json {
        eprint!("{}", review_view::render(&review));
    }
    signer.record("review", &review, &request, "reviewed", String::new())?;
    let mut allowed = args.approval.allow.clone();
    let mut needs_person = false;
    let verdict = match &loaded {
        Some(policy) => {
            let spent = match policy.policy.bitcoin.max_per_24h {
                Some(_) => signer.spent_24h(&review.network)?,
                None => 0,
            };
            let verdict = policy.evaluate_bitcoin(&review, spent);
            if let Some(denial) = verdict.denial() {
                let detail = format!("{}: {}", denial.rule, denial.detail);
                signer.record("decision", &review, &request, "denied", detail)?;
                return Err(Error::PolicyDenied {
                    rule: denial.rule.clone(),
                    detail: denial.detail.clone(),
                });
            }
            allowed.extend(policy.allowed_warnings().iter().cloned());
            needs_person = verdict.needs_person;
            Some(verdict)
        }
        None => None,
    };
    if let Err(e) = confirm(
        &review.warnings,
        &review.intent_digest,
        &allowed,
        args.approval.yes && !needs_person,
    ) {
        let verdict = if matches!(e, Error::Refused(_)) {
            "refused"
        } else {
            "declined"
        };
        signer.record("decision", &review, &request, verdict, e.to_string())?;
        return Err(e);
    }
    // The decoded PSBT is signed in place: no second copy of a large PSBT is held.
    let PsbtFile {
        mut psbt,
        version,
        extras,
        encoding,
    } = file;
    let outcomes = match device_sign(ctx, &args, &mut psbt, &signer, &keys, session.as_mut()) {
        Some(Ok(outcomes)) => outcomes,
        Some(Err(e)) => {
            let verdict = if matches!(e, Error::Declined(_)) {
                "declined"
            } else {
                "failed"
            };
            signer.record("decision", &review, &request, verdict, e.to_string())?;
            return Err(e);
        }
        None => software::sign_psbt(&mut psbt, &review, &policies),
    };
    let per_input: Vec<String> = outcomes
        .iter()
        .map(|o| {
            format!(
                "input {}: {}",
                o.index,
                o.not_signed_because
                    .as_deref()
                    .map(|r| format!("not signed ({r})"))
                    .unwrap_or_else(|| format!("{} signature(s)", o.signatures))
            )
        })
        .collect();
    if outcomes.iter().all(|o| o.signatures == 0) {
        signer.record(
            "decision",
            &review,
            &request,
            "declined",
            per_input.join("; "),
        )?;
        return Err(Error::usage(
            format!("nothing was signed ({})", per_input.join("; ")),
            "check that this keystore or device (and its registered wallets) owns the inputs",
        ));
    }
    // Serialize, then let the signed PSBT go before the text encoding is made: a large PSBT
    // is never held three times (structure, bytes, base64) at once.
    let raw = serialize_as(&psbt, version, extras.as_ref())?;
    let qr_source = args.qr.then(|| psbt.serialize());
    drop(psbt);
    let encoded = encode_raw(raw, encoding);
    write(
        &args.output,
        &encoded,
        encoding == Encoding::Binary,
        args.approval.force,
    )?;
    signer.record(
        "decision",
        &review,
        &request,
        "signed",
        per_input.join("; "),
    )?;
    let qr_parts = match &qr_source {
        Some(bytes) => super::qr::show_psbt(ctx, bytes)?,
        None => None,
    };
    let report = Signed {
        review: &review,
        policy: verdict.as_ref(),
        inputs: outcomes,
        output: &args.output,
        audit_logged: signer.audit.is_some(),
        qr: qr_parts,
    };
    if args.output == Path::new("-") {
        if !ctx.json {
            eprint!("{}", report.human());
        }
        return Ok(());
    }
    ctx.emit(&report)
}

#[cfg(feature = "hw")]
use super::device::Session as DeviceSession;

/// Without hardware wallet support there is never a device session.
#[cfg(not(feature = "hw"))]
enum DeviceSession {}

/// `sign --device` with no keystore at the keystore path: opens the device and reads its
/// fingerprint and the account xpubs of the PSBT's key origins, which stand in for the
/// keystore in the review. `None` when a keystore signs or proves ownership.
#[cfg(feature = "hw")]
fn device_only(
    ctx: &Context,
    args: &SignArgs,
    psbt: &Psbt,
) -> Result<Option<(Signer, Keys, DeviceSession)>> {
    let Some(kind) = args.device else {
        return Ok(None);
    };
    let path = ctx.keystore_path()?;
    if path.exists() {
        return Ok(None);
    }
    ctx.note(&format!(
        "no keystore at {}: the review proves ownership with the device's own public keys; no audit entry is written",
        path.display()
    ));
    let signer = Signer::beside(&path)?;
    let mut session = DeviceSession::open(kind)?;
    let fingerprint = session.fingerprint(ctx.network)?;
    let xpubs =
        crate::hw::watch::account_xpubs(psbt, fingerprint, |p| session.xpub(p, ctx.network))?;
    Ok(Some((signer, Keys::Device { fingerprint, xpubs }, session)))
}

/// Without hardware wallet support the keystore always signs.
#[cfg(not(feature = "hw"))]
fn device_only(
    _: &Context,
    _: &SignArgs,
    _: &Psbt,
) -> Result<Option<(Signer, Keys, DeviceSession)>> {
    Ok(None)
}

/// Signs on the device named by `--device`, if any: the open device-only session, or the
/// device holding the keystore's seed.
#[cfg(feature = "hw")]
fn device_sign(
    ctx: &Context,
    args: &SignArgs,
    psbt: &mut Psbt,
    signer: &Signer,
    keys: &Keys,
    session: Option<&mut DeviceSession>,
) -> Option<Result<Vec<InputOutcome>>> {
    match (keys, session) {
        (Keys::Device { fingerprint, .. }, Some(session)) => {
            Some(session.sign_psbt(ctx, psbt, &signer.wallets, *fingerprint))
        }
        (Keys::Keystore(hd), _) => args.device.map(|kind| {
            super::device::sign_psbt(ctx, kind, psbt, &signer.wallets, hd.fingerprint())
        }),
        (Keys::Device { .. }, None) => Some(Err(Error::Internal(
            "device keys without a device session".into(),
        ))),
    }
}

/// Without hardware wallet support every signature comes from the keystore.
#[cfg(not(feature = "hw"))]
fn device_sign(
    _: &Context,
    _: &SignArgs,
    _: &mut Psbt,
    _: &Signer,
    _: &Keys,
    _: Option<&mut DeviceSession>,
) -> Option<Result<Vec<InputOutcome>>> {
    None
}

#[derive(Serialize)]
struct Finalized<'a> {
    inputs: Vec<FinalizeOutcome>,
    complete: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    txid: Option<String>,
    output: &'a Path,
}

impl Report for Finalized<'_> {
    fn human(&self) -> String {
        let mut s = String::new();
        for i in self.inputs.iter().filter(|i| !i.finalized) {
            s.push_str(&format!(
                "input {}: not final: {}\n",
                i.index,
                i.error.as_deref().unwrap_or("?")
            ));
        }
        if let Some(txid) = &self.txid {
            s.push_str(&format!("complete; every input verified by Bitcoin Core's script interpreter; txid {txid}\n"));
        }
        s
    }
}

/// `coldsign finalize`.
pub fn finalize(ctx: &Context, args: FinalizeArgs) -> Result<()> {
    let file = read_psbt(&args.file)?;
    let mut psbt = file.psbt.clone();
    let outcomes = finalize::finalize(&mut psbt);
    let tx = finalize::extract(&psbt).ok();
    if let Some(tx) = &tx {
        let spent = finalize::spent_outputs(&psbt).map_err(|e| Error::bad_input(e.to_string()))?;
        finalize::verify(tx, &spent).map_err(|e| Error::Verification(e.to_string()))?;
    }
    let (data, binary) = match (&tx, args.extract) {
        (Some(tx), true) => ((serialize_hex(tx) + "\n").into_bytes(), false),
        (None, true) => {
            let first = outcomes
                .iter()
                .find(|o| !o.finalized)
                .map(|o| o.index)
                .unwrap_or(0);
            let why = outcomes
                .iter()
                .find(|o| !o.finalized)
                .and_then(|o| o.error.clone())
                .unwrap_or_default();
            return Err(Error::usage(
                format!("cannot extract: input {first} is not final ({why})"),
                "collect the missing signatures first",
            ));
        }
        (_, false) => (file.encode_like(&psbt)?, file.encoding == Encoding::Binary),
    };
    write(&args.output, &data, binary, args.force)?;
    let report = Finalized {
        complete: tx.is_some(),
        txid: tx.as_ref().map(|t| t.compute_txid().to_string()),
        inputs: outcomes,
        output: &args.output,
    };
    if args.output == Path::new("-") {
        if !ctx.json {
            eprint!("{}", report.human());
        }
        return Ok(());
    }
    ctx.emit(&report)
}

/// `coldsign combine`.
pub fn combine(_ctx: &Context, args: CombineArgs) -> Result<()> {
    let mut files = args.files.iter().map(|p| read_psbt(p).map(|f| (p, f)));
    let (_, first) = files.next().expect("clap requires two files")?;
    let mut combined: Psbt = first.psbt.clone();
    for next in files {
        let (path, next) = next?;
        combined
            .combine(next.psbt)
            .map_err(|e| Error::bad_input(format!("cannot combine {}: {e}", path.display())))?;
    }
    write(
        &args.output,
        &first.encode_like(&combined)?,
        first.encoding == Encoding::Binary,
        args.force,
    )
}

/// `coldsign convert`.
pub fn convert(_ctx: &Context, args: ConvertArgs) -> Result<()> {
    let file = read_psbt(&args.file)?;
    let mut version = file.version;
    let mut encoding = file.encoding;
    for t in &args.to {
        match t {
            Target::V0 => version = PsbtVersion::V0,
            Target::V2 => version = PsbtVersion::V2,
            Target::Base64 => encoding = Encoding::Base64,
            Target::Hex => encoding = Encoding::Hex,
            Target::Binary => encoding = Encoding::Binary,
        }
    }
    write(
        &args.output,
        &file.encode(version, encoding)?,
        encoding == Encoding::Binary,
        args.force,
    )
}
