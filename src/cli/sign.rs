//! `coldsign inspect` and `coldsign sign` for any request, Bitcoin or Ethereum (`eth inspect`
//! and `eth sign` are the same commands): reads the request, opens the signer, shows the
//! review and hands the rest to the library's ceremony ([`crate::ceremony`]).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use alloy_primitives::hex;
use bitcoin::bip32::DerivationPath;
use bitcoin::hashes::{sha256, Hash};
use clap::Args;
use serde::Serialize;

use super::approval::Approval;
use super::context::{Context, Report};
use super::eth;
use crate::audit::AuditSigner;
use crate::btc::ownership::Policies;
use crate::ceremony::{self, Home};
use crate::eth::account;
use crate::eth::sign::Answer;
use crate::files::{self, Replace};
use crate::keys::material::{HdKeys, KeyMaterial};
use crate::policy::Verdict;
use crate::request::{encode_raw, serialize_as, Encoding, PsbtFile, Request};
use crate::review::render::render;
use crate::review::Review;
use crate::signer::software::SoftwareSigner;
use crate::signer::{capabilities, HardwareSigner, InputOutcome, Signed, Signer};
use crate::transport::registry::Payload;
use crate::{Error, Result};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The request: a PSBT (binary, base64, hex; v0 or v2), UR text (crypto-psbt, psbt,
    /// eth-sign-request, bytes), a QR image or GIF, an unsigned Ethereum transaction (hex) or
    /// typed-data JSON; - for stdin.
    file: PathBuf,
    /// Ethereum: the key path to sign with (overrides the request's).
    #[arg(long, value_name = "PATH")]
    path: Option<DerivationPath>,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The request (as for inspect), or - for stdin.
    file: PathBuf,
    /// Where to write the result (- for stdout): the signed PSBT, in the encoding it came in;
    /// for Ethereum the signed raw transaction (hex) or the 65-byte signature (hex).
    #[arg(short, long)]
    output: PathBuf,
    #[command(flatten)]
    approval: Approval,
    /// Also show the result as an animated BC-UR QR code (text parts when stdout is not a
    /// terminal).
    #[arg(long)]
    qr: bool,
    /// Ethereum: write an EIP-4527 eth-signature UR instead of hex.
    #[arg(long)]
    ur: bool,
    /// Ethereum: the key path to sign with (overrides the request's).
    #[arg(long, value_name = "PATH")]
    path: Option<DerivationPath>,
    /// Sign on a hardware wallet after the review here. With a keystore, the keystore proves
    /// ownership in the review and the device must hold the same seed; without one (no file
    /// at the keystore path), the device's own public keys do, and no audit entry is written.
    #[cfg(feature = "hw")]
    #[arg(long, value_enum)]
    device: Option<super::device::DeviceArg>,
}

/// Reads and recognises a request, keeping only its SHA-256 (for the audit log) rather than
/// the raw bytes.
fn read_request(path: &Path) -> Result<(Request, sha256::Hash)> {
    let data = files::read_input(path)?;
    let request = Request::detect(&data)?;
    Ok((request, sha256::Hash::hash(&data)))
}

/// The keystore's HD key tree (a single-key keystore cannot sign Bitcoin).
fn hd_keys(material: &KeyMaterial) -> Result<HdKeys> {
    material.hd().ok_or_else(|| {
        Error::usage(
            "this keystore holds a single Ethereum key and cannot sign Bitcoin",
            "use a keystore created from a mnemonic",
        )
    })
}

/// The review, human or JSON.
#[derive(Serialize)]
struct Inspected<'a> {
    #[serde(flatten)]
    review: &'a Review,
}

impl Report for Inspected<'_> {
    fn human(&self) -> String {
        render(self.review)
    }
}

/// `coldsign inspect` (and `eth inspect`).
pub fn inspect(ctx: &Context, args: InspectArgs) -> Result<()> {
    let (request, request_hash) = read_request(&args.file)?;
    let (keystore, _, material) = super::key::unlock(ctx)?;
    let home = Home::beside(&keystore)?.with_audit(AuditSigner::from_material(&material));
    let review = match &request {
        Request::Bitcoin(file) => {
            let hd = hd_keys(&material)?;
            let policies = Policies::new(&hd, home.wallets.clone());
            home.review_psbt(
                file,
                &policies,
                ctx.network_for(&file.psbt)?,
                &capabilities::SOFTWARE,
            )
        }
        Request::Ethereum(request) => {
            let key = eth_key(ctx, &material, request, args.path.as_ref())?;
            home.review_ethereum(request, key.address, key.path, &capabilities::SOFTWARE)
        }
    };
    home.record("review", &review, &request_hash, "reviewed", String::new())?;
    ctx.emit(&Inspected { review: &review })
}

/// The keystore's account that signs an Ethereum request.
fn eth_key(
    ctx: &Context,
    material: &KeyMaterial,
    request: &crate::eth::EthRequest,
    path: Option<&DerivationPath>,
) -> Result<account::SigningKey> {
    let key = account::resolve(material, &request.key, request.address, path)
        .map_err(|e| Error::usage(e, "pass --path with the account's derivation path"))?;
    if key.found_by_search {
        ctx.note(&format!(
            "note: signing with {} found at {}",
            key.address,
            key.path.as_deref().unwrap_or("?")
        ));
    }
    Ok(key)
}

/// `coldsign sign` (and `eth sign`).
pub fn sign(ctx: &Context, args: SignArgs) -> Result<()> {
    args.approval.preflight(ctx, &args.output)?;
    let (request, request_hash) = read_request(&args.file)?;
    let network = match &request {
        Request::Bitcoin(file) => ctx.network_for(&file.psbt)?,
        Request::Ethereum(_) => ctx.network,
    };
    let approvals = args.approval.approvals(network)?;
    let keystore = ctx.keystore_path()?;
    let mut home = Home::beside(&keystore)?;
    let mut device = open_device(network, &args, &home)?;
    let material = match (&device, keystore.exists()) {
        (Some(_), false) => {
            ctx.note(&format!(
                "no keystore at {}: the device's own public keys prove ownership; no audit entry is written",
                keystore.display()
            ));
            None
        }
        _ => {
            let (_, _, material) = super::key::unlock(ctx)?;
            home = home.with_audit(AuditSigner::from_material(&material));
            Some(material)
        }
    };
    let mut run = Run {
        ctx,
        network,
        args: &args,
        home: &home,
        approvals: &approvals,
        request_hash: &request_hash,
    };
    match (request, device.as_mut()) {
        (Request::Bitcoin(file), device) => run.bitcoin(file, material.as_ref(), device),
        (Request::Ethereum(request), device) => run.ethereum(request, material.as_ref(), device),
    }
}

/// The hardware wallet of `--device`, if any.
#[cfg(feature = "hw")]
fn open_device(
    network: bitcoin::Network,
    args: &SignArgs,
    home: &Home,
) -> Result<Option<Box<dyn HardwareSigner>>> {
    Ok(match args.device {
        Some(kind) => Some(Box::new(crate::signer::device::Device::open(
            kind.into(),
            network,
            home.wallets.clone(),
        )?)),
        None => None,
    })
}

/// Without hardware wallet support no device exists.
#[cfg(not(feature = "hw"))]
fn open_device(
    _: bitcoin::Network,
    _: &SignArgs,
    _: &Home,
) -> Result<Option<Box<dyn HardwareSigner>>> {
    Ok(None)
}

/// One `sign` invocation.
struct Run<'a> {
    ctx: &'a Context,
    /// The Bitcoin network of this request.
    network: bitcoin::Network,
    args: &'a SignArgs,
    home: &'a Home,
    approvals: &'a ceremony::Approvals,
    request_hash: &'a sha256::Hash,
}

impl Run<'_> {
    /// Shows the review, then runs the ceremony with `signer`, delivering through `deliver`.
    fn ceremony(
        &self,
        request: &mut Request,
        review: &Review,
        signer: &mut dyn Signer,
        deliver: &mut dyn FnMut(&Request, &Signed) -> Result<()>,
    ) -> Result<ceremony::Outcome> {
        if !self.ctx.json {
            eprint!("{}", render(review));
        }
        ceremony::sign(
            self.home,
            self.approvals,
            self.ctx,
            request,
            self.request_hash,
            review,
            signer,
            deliver,
        )
    }

    fn bitcoin(
        &mut self,
        file: PsbtFile,
        material: Option<&KeyMaterial>,
        device: Option<&mut Box<dyn HardwareSigner>>,
    ) -> Result<()> {
        let hd = material.map(hd_keys).transpose()?;
        let (policies, device) = match (&hd, device) {
            (Some(hd), device) => {
                let mut device = device;
                if let Some(d) = device.as_mut() {
                    d.require_seed(hd.fingerprint());
                }
                (Policies::new(hd, self.home.wallets.clone()), device)
            }
            (None, Some(device)) => (device.policies(&file.psbt)?, Some(device)),
            (None, None) => return Err(Error::Internal("no keystore and no device".into())),
        };
        let mut software = SoftwareSigner::bitcoin(&policies);
        let signer: &mut dyn Signer = match device {
            Some(d) => d.as_signer(),
            None => &mut software,
        };
        let review = self
            .home
            .review_psbt(&file, &policies, self.network, &signer.info());
        let mut request = Request::Bitcoin(file);
        let mut qr_source = None;
        let args = self.args;
        let outcome = self.ceremony(&mut request, &review, signer, &mut |request, _| {
            let Request::Bitcoin(file) = request else {
                return Err(Error::Internal("bitcoin request changed chain".into()));
            };
            // Serialized once; the text encoding is made from the bytes.
            let raw = serialize_as(&file.psbt, file.version, file.extras.as_ref())?;
            if args.qr {
                qr_source = Some(file.psbt.serialize());
            }
            let encoded = encode_raw(raw, file.encoding);
            write(
                &args.output,
                &encoded,
                file.encoding == Encoding::Binary,
                args.approval.force,
            )
        })?;
        drop(request);
        let Signed::Psbt(inputs) = outcome.signed else {
            return Err(Error::Internal("a psbt signer returned no inputs".into()));
        };
        let qr = match &qr_source {
            Some(bytes) => super::qr::show_psbt(self.ctx, bytes)?,
            None => None,
        };
        self.finish(&SignedPsbt {
            review: &review,
            decision: Decision {
                policy: outcome.verdict.as_ref(),
                policy_sha256: self.policy_sha256(),
                approvers: outcome.approvers,
            },
            inputs,
            output: &args.output,
            audit_logged: self.home.audited(),
            qr,
        })
    }

    fn ethereum(
        &mut self,
        request: crate::eth::EthRequest,
        material: Option<&KeyMaterial>,
        device: Option<&mut Box<dyn HardwareSigner>>,
    ) -> Result<()> {
        let args = self.args;
        let (from, path, mut software) = match (&device, material) {
            (None, Some(material)) => {
                let key = eth_key(self.ctx, material, &request, args.path.as_ref())?;
                (
                    key.address,
                    key.path.clone(),
                    Some(SoftwareSigner::ethereum(key)),
                )
            }
            _ => (Default::default(), None, None),
        };
        let (signer, from, path): (&mut dyn Signer, _, _) = match (device, software.as_mut()) {
            (Some(d), _) => {
                let (from, path) = d.eth_account(&request, args.path.as_ref())?;
                (
                    d.as_signer(),
                    from,
                    Some(crate::keys::accounts::display_path(&path)),
                )
            }
            (None, Some(s)) => (s, from, path),
            (None, None) => return Err(Error::Internal("no keystore and no device".into())),
        };
        let info = signer.info();
        let review = self.home.review_ethereum(&request, from, path, &info);
        let mut request = Request::Ethereum(request);
        let mut answer = None;
        let outcome = self.ceremony(&mut request, &review, signer, &mut |request, signed| {
            let (Request::Ethereum(request), Signed::Ethereum(signature)) = (request, signed)
            else {
                return Err(Error::Internal("ethereum request changed chain".into()));
            };
            let a = Answer::new(request, signature);
            let text = if args.ur {
                eth::output::ur_text(&Payload::EthSignature(a.eth_signature.clone()))?
            } else {
                match &a.raw_transaction {
                    Some(raw) => hex::encode_prefixed(raw) + "\n",
                    None => hex::encode_prefixed(a.rsv) + "\n",
                }
            };
            eth::output::write_text(&args.output, &text, args.approval.force)?;
            answer = Some(a);
            Ok(())
        })?;
        let answer = answer.ok_or_else(|| Error::Internal("signed without an answer".into()))?;
        let qr = if args.qr {
            super::qr::show_payload(
                self.ctx,
                &Payload::EthSignature(answer.eth_signature.clone()),
            )?
        } else {
            None
        };
        let Review::Ethereum(r) = &review else {
            return Err(Error::Internal(
                "ethereum request without its review".into(),
            ));
        };
        drop(outcome.signed);
        self.finish(&SignedEth {
            review: r,
            decision: Decision {
                policy: outcome.verdict.as_ref(),
                policy_sha256: self.policy_sha256(),
                approvers: outcome.approvers,
            },
            signature: hex::encode_prefixed(answer.rsv),
            transaction_hash: answer.transaction_hash(),
            output: &args.output,
            device: info.capabilities.on_device_display.then_some(info.name),
            audit_logged: self.home.audited(),
            qr,
        })
    }

    fn policy_sha256(&self) -> Option<&str> {
        self.approvals.policy.as_ref().map(|p| p.sha256.as_str())
    }

    /// The report on stdout, or on stderr when the result went to stdout.
    fn finish(&self, report: &impl Report) -> Result<()> {
        if self.args.output == Path::new("-") {
            if !self.ctx.json {
                eprint!("{}", report.human());
            }
            return Ok(());
        }
        self.ctx.emit(report)
    }
}

/// Writes PSBT bytes, refusing binary output on a terminal.
pub fn write(path: &Path, data: &[u8], binary: bool, force: bool) -> Result<()> {
    if binary && path == Path::new("-") && std::io::stdout().is_terminal() {
        return Err(Error::usage(
            "refusing to write binary data to a terminal",
            "pass -o FILE, or --to base64",
        ));
    }
    files::write_output(
        path,
        data,
        if force {
            Replace::Allowed
        } else {
            Replace::Never
        },
    )
}

/// What settled the signature: the policy's verdict and hash, the approvers.
#[derive(Serialize)]
struct Decision<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a Verdict>,
    /// SHA-256 of the policy file that applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    policy_sha256: Option<&'a str>,
    /// The approvers whose approvals were verified.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    approvers: Vec<String>,
}

#[derive(Serialize)]
struct SignedPsbt<'a> {
    review: &'a Review,
    #[serde(flatten)]
    decision: Decision<'a>,
    inputs: Vec<InputOutcome>,
    output: &'a Path,
    /// Whether the review and decision went into the audit log (not without a keystore).
    audit_logged: bool,
    /// `--qr --json`: the signed PSBT as UR parts.
    #[serde(skip_serializing_if = "Option::is_none")]
    qr: Option<Vec<String>>,
}

impl Report for SignedPsbt<'_> {
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

#[derive(Serialize)]
struct SignedEth<'a> {
    review: &'a crate::review::EthReview,
    #[serde(flatten)]
    decision: Decision<'a>,
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

impl Report for SignedEth<'_> {
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
