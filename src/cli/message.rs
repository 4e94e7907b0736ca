//! `coldsign message …`: sign a Bitcoin message request offline (BIP-322 or legacy), verify a
//! signature, and finish a multisig proof from its combined shares. Formats: docs/messages.md.

use std::path::{Path, PathBuf};

use bitcoin::hashes::{sha256, Hash};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use super::approval::Approval;
use super::context::{Context, Report};
use crate::audit::{AuditLog, AuditSigner, Record, Summary};
use crate::btc::address_search::{self, Limits};
use crate::btc::message::request::{decode_message_hex, review, MessageRequest, MessageReview};
use crate::btc::message::sign::{self, finish_psbt, Format, Signed};
use crate::btc::message::{self, bip322};
use crate::btc::wallets::{registry_dir, Wallet};
use crate::ceremony::confirm;
use crate::files::{self, Replace};
use crate::request::PsbtFile;
use crate::review::render::message::render;
use crate::review::text::suspicious_text;
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum MessageCommand {
    /// Review and sign a message request (JSON or ur:bytes; a file, a QR image or -).
    Sign(SignArgs),
    /// Verify a BIP-322 or legacy signature (exit 4 when it does not prove the address signed).
    Verify(VerifyArgs),
    /// Turn a multisig BIP-322 PSBT holding every needed share (`coldsign combine`) into the
    /// signature.
    Finalize(FinalizeArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Legacy for p2pkh (what Bitcoin Core verifies), BIP-322 otherwise.
    Auto,
    /// BIP-322 (simple for native segwit, full otherwise).
    Bip322,
    /// Legacy BIP-137 as Electrum writes it (p2pkh and p2wpkh).
    Legacy,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// The request file (`-` for stdin).
    request: PathBuf,
    /// Where to write the signature (or the multisig share PSBT).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Signature format.
    #[arg(long, value_enum, default_value_t = FormatArg::Auto)]
    format: FormatArg,
    /// Leave out BIP-322's variant prefix (smp/ful), for verifiers older than the final BIP.
    #[arg(long)]
    no_prefix: bool,
    /// Search standard accounts 0..N for the address.
    #[arg(long, default_value_t = 3, value_name = "N")]
    accounts: u32,
    /// Search address indexes 0..N on each branch.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    gap: u32,
    /// Also show the result as a QR code: the signature as plain text (on stderr), a
    /// multisig share as animated crypto-psbt.
    #[arg(long)]
    qr: bool,
    #[command(flatten)]
    approval: Approval,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The address that signed.
    #[arg(long)]
    address: String,
    /// The message text.
    #[arg(long, group = "msg")]
    message: Option<String>,
    /// The message: the bytes of FILE (`-` for stdin).
    #[arg(long, value_name = "FILE", group = "msg")]
    message_file: Option<PathBuf>,
    /// The message as hex.
    #[arg(long, value_name = "HEX", group = "msg")]
    message_hex: Option<String>,
    /// The signature (base64; BIP-322 with or without prefix, or legacy).
    #[arg(required_unless_present = "signature_file")]
    signature: Option<String>,
    /// Read the signature from FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "signature")]
    signature_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct FinalizeArgs {
    /// The combined BIP-322 PSBT (base64 or binary; `-` for stdin).
    psbt: PathBuf,
    /// Where to write the signature.
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Leave out BIP-322's variant prefix (smp/ful).
    #[arg(long)]
    no_prefix: bool,
}

/// Runs a message command.
pub fn run(ctx: &Context, command: MessageCommand) -> Result<()> {
    match command {
        MessageCommand::Sign(args) => sign_cmd(ctx, args),
        MessageCommand::Verify(args) => verify_cmd(ctx, args),
        MessageCommand::Finalize(args) => finalize_cmd(ctx, args),
    }
}

#[derive(Serialize)]
struct SignedReport<'a> {
    review: &'a MessageReview,
    format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    share_psbt: Option<String>,
    output: &'a Path,
}

impl Report for SignedReport<'_> {
    fn human(&self) -> String {
        let text = self.signature.as_ref().or(self.share_psbt.as_ref());
        match (text, self.output == Path::new("-")) {
            (Some(text), true) => format!("{text}\n"),
            _ if self.share_psbt.is_some() => format!(
                "our share written to {} as a BIP-322 PSBT: collect the cosigners' shares with `coldsign combine`, then `coldsign message finalize`\n",
                self.output.display()
            ),
            _ => format!(
                "{} signature written to {}\n",
                self.format,
                self.output.display()
            ),
        }
    }
}

fn sign_cmd(ctx: &Context, args: SignArgs) -> Result<()> {
    args.approval.preflight(ctx, &args.output)?;
    if args.approval.policy.is_some() || !args.approval.approvals.is_empty() {
        return Err(Error::usage(
            "the policy file has no rules for message signing yet",
            "sign messages without --policy or --approval",
        ));
    }
    let data = files::read_input(&args.request)?;
    let request_hash = sha256::Hash::hash(&data);
    let request = MessageRequest::parse(&data)?;
    let (path, _, material) = super::key::unlock(ctx)?;
    let hd = material.hd().ok_or_else(|| {
        Error::bad_input("this keystore holds no Bitcoin keys (an imported Ethereum key)")
    })?;
    let wallets = Wallet::load_all(&registry_dir(&path))?;
    let limits = Limits {
        accounts: args.accounts,
        gap: args.gap,
    };
    let policies = address_search::policies(&hd, &wallets, ctx.network, limits.accounts)?;
    let found = request.locate(&hd, &policies, ctx.network, limits)?;
    let shown = review(&found, &request.message, ctx.network)?;
    if !ctx.json {
        eprint!("{}", render(&shown));
    }
    let log = AuditLog::for_keystore(&path);
    let audit = AuditSigner::from_hd(&hd);
    let record = |event: &'static str, verdict: &str, detail: String| {
        log.append(
            &audit,
            Record {
                event,
                intent_digest: shown.intent_digest.clone(),
                request_sha256: request_hash.to_string(),
                summary: Summary {
                    chain: "bitcoin-message".into(),
                    network: ctx.network.to_string(),
                    destinations: vec![shown.address.clone()],
                    ..Summary::default()
                },
                verdict: verdict.into(),
                detail,
                approvers: Vec::new(),
            },
        )
        .map(|_| ())
    };
    record("review", "reviewed", String::new())?;
    if let Err(e) = confirm(
        ctx,
        &shown.warnings,
        &shown.intent_digest,
        &args.approval.allow,
        args.approval.yes,
        "sign",
    ) {
        let verdict = if matches!(e, Error::Refused(_)) {
            "refused"
        } else {
            "declined"
        };
        record("decision", verdict, e.to_string())?;
        return Err(e);
    }
    let format = match args.format {
        FormatArg::Auto => Format::Auto,
        FormatArg::Bip322 => Format::Bip322,
        FormatArg::Legacy => Format::Legacy,
    };
    let signed = sign::sign(&hd, &found, &request.message, format, !args.no_prefix)?;
    let (format, text) = match &signed {
        Signed::Signature { text, format } => (*format, text.clone()),
        Signed::Share(psbt) => ("bip322-psbt-share", psbt.to_string()),
    };
    if args.output != Path::new("-") {
        let line = format!("{text}\n");
        files::write_output(&args.output, line.as_bytes(), replace(args.approval.force))?;
    }
    record("decision", "signed", format.to_string())?;
    if args.qr {
        match &signed {
            Signed::Signature { text, .. } => show_text_qr(text)?,
            Signed::Share(psbt) => {
                let bytes = bitcoin::psbt::Psbt::serialize(psbt);
                super::qr::show_psbt(ctx, &bytes)?;
            }
        }
    }
    let share = matches!(signed, Signed::Share(_));
    let report = SignedReport {
        review: &shown,
        format,
        signature: (!share).then(|| text.clone()),
        share_psbt: share.then_some(text),
        output: &args.output,
    };
    ctx.emit(&report)
}

/// A short text (a signature) as one static QR code on stderr, for a camera to read.
fn show_text_qr(text: &str) -> Result<()> {
    let code = crate::transport::qr::encode(text)?;
    eprint!("{}", crate::transport::qr::to_terminal(&code));
    Ok(())
}

fn replace(force: bool) -> Replace {
    if force {
        Replace::Allowed
    } else {
        Replace::Never
    }
}

#[derive(Serialize)]
struct VerifiedReport {
    valid: bool,
    address: String,
    format: String,
}

impl Report for VerifiedReport {
    fn human(&self) -> String {
        format!("valid: {} for {}\n", self.format, self.address)
    }
}

fn verify_cmd(ctx: &Context, args: VerifyArgs) -> Result<()> {
    let address = address_search::parse_address(&args.address, ctx.network)?;
    let message = match (&args.message, &args.message_file, &args.message_hex) {
        (Some(text), None, None) => text.clone().into_bytes(),
        (None, Some(file), None) => files::read_input(file)?,
        (None, None, Some(hex)) => decode_message_hex(hex)?,
        _ => {
            return Err(Error::usage(
                "give the message with one of --message, --message-file, --message-hex",
                "the signature proves nothing without the exact message",
            ))
        }
    };
    let signature = match (&args.signature, &args.signature_file) {
        (Some(s), _) => s.clone(),
        (None, Some(file)) => String::from_utf8(files::read_input(file)?)
            .map_err(|_| Error::bad_input("the signature file is not text"))?,
        (None, None) => return Err(Error::bad_input("no signature given")),
    };
    let secp = bitcoin::secp256k1::Secp256k1::verification_only();
    let format = message::verify(&secp, &address.script_pubkey(), &message, &signature)?;
    ctx.emit(&VerifiedReport {
        valid: true,
        address: address.to_string(),
        format,
    })
}

#[derive(Serialize)]
struct FinalizedReport {
    address: String,
    message: Option<String>,
    signature: String,
}

impl Report for FinalizedReport {
    fn human(&self) -> String {
        format!("{}\n", self.signature)
    }
}

fn finalize_cmd(ctx: &Context, args: FinalizeArgs) -> Result<()> {
    let mut psbt = PsbtFile::decode(&files::read_input(&args.psbt)?)?.psbt;
    let message = bip322::psbt_message(&psbt)
        .ok_or_else(|| Error::bad_input("the PSBT has no BIP-322 message (global field 0x09)"))?
        .to_vec();
    let challenge = psbt
        .inputs
        .first()
        .and_then(|i| i.witness_utxo.clone())
        .ok_or_else(|| {
            Error::bad_input("the PSBT's first input has no witness UTXO (the address's script)")
        })?;
    let proof = finish_psbt(&mut psbt, &challenge.script_pubkey, &message)?;
    let address = bitcoin::Address::from_script(&challenge.script_pubkey, ctx.network).map_or_else(
        |_| challenge.script_pubkey.to_hex_string(),
        |a| a.to_string(),
    );
    let text = std::str::from_utf8(&message)
        .ok()
        .map(|t| match suspicious_text(t) {
            Some((escaped, _)) => escaped,
            None => t.to_string(),
        });
    ctx.note(&format!(
        "BIP-322 signature for {address} over the message {}",
        text.as_deref().map_or_else(
            || format!("of {} bytes", message.len()),
            |t| format!("{t:?}")
        )
    ));
    let signature = proof.encode(!args.no_prefix);
    if args.output != Path::new("-") {
        files::write_output(
            &args.output,
            format!("{signature}\n").as_bytes(),
            Replace::Never,
        )?;
    }
    ctx.emit(&FinalizedReport {
        address,
        message: text,
        signature,
    })
}
