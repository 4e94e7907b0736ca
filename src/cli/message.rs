//! `coldsign message …`: sign a Bitcoin message request offline (BIP-322 or legacy), verify a
//! signature, and finish a multisig proof from its combined shares. Formats: docs/messages.md.

use std::path::{Path, PathBuf};

use bitcoin::hashes::{sha256, Hash};
use clap::{Args, Subcommand, ValueEnum};

use super::approval::Approval;
use super::context::Context;
use crate::btc::address_search::{self, Limits};
use crate::btc::message;
use crate::btc::message::ceremony::{finalize, sign_request, Options, Outcome};
use crate::btc::message::request::{decode_message_hex, MessageRequest, MessageReview};
use crate::btc::message::sign::{Format, Signed};
use crate::files::{self, Replace};
use crate::i18n::Text;
use crate::report::message::Verified;
use crate::review::render::message::render;
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

fn sign_cmd(ctx: &Context, args: SignArgs) -> Result<()> {
    args.approval.preflight(ctx, &args.output)?;
    if args.approval.policy.is_some() || !args.approval.approvals.is_empty() {
        return Err(Error::said(
            Text::new("error-msg-no-policy-rules"),
            Some(Text::new("hint-msg-no-policy-rules")),
        ));
    }
    let data = files::read_input(&args.request)?;
    let request_hash = sha256::Hash::hash(&data);
    let request = MessageRequest::parse(&data)?;
    let (path, _, material) = super::key::unlock(ctx)?;
    let options = Options {
        network: ctx.network,
        limits: Limits {
            accounts: args.accounts,
            gap: args.gap,
        },
        format: match args.format {
            FormatArg::Auto => Format::Auto,
            FormatArg::Bip322 => Format::Bip322,
            FormatArg::Legacy => Format::Legacy,
        },
        prefixed: !args.no_prefix,
        allowed: &args.approval.allow,
        auto_yes: args.approval.yes,
        output: &args.output,
        force: args.approval.force,
    };
    let show = &mut |shown: &MessageReview| {
        if !ctx.json {
            eprint!("{}", render(shown));
        }
    };
    let Outcome { report, signed } = sign_request(
        &path,
        &material,
        &request,
        &request_hash,
        ctx,
        &options,
        show,
    )?;
    if args.qr {
        match &signed {
            Signed::Signature { text, .. } => show_text_qr(text)?,
            Signed::Share(psbt) => {
                let bytes = bitcoin::psbt::Psbt::serialize(psbt);
                super::qr::show_psbt(ctx, &bytes)?;
            }
        }
    }
    ctx.emit(&report)
}

/// A short text (a signature) as one static QR code on stderr, for a camera to read.
fn show_text_qr(text: &str) -> Result<()> {
    let code = crate::transport::qr::encode(text)?;
    eprint!("{}", crate::transport::qr::to_terminal(&code));
    Ok(())
}

fn verify_cmd(ctx: &Context, args: VerifyArgs) -> Result<()> {
    let address = address_search::parse_address(&args.address, ctx.network)?;
    let message = match (&args.message, &args.message_file, &args.message_hex) {
        (Some(text), None, None) => text.clone().into_bytes(),
        (None, Some(file), None) => files::read_input(file)?,
        (None, None, Some(hex)) => decode_message_hex(hex)?,
        _ => {
            return Err(Error::said(
                Text::new("error-msg-no-message"),
                Some(Text::new("hint-msg-no-message")),
            ))
        }
    };
    let signature = match (&args.signature, &args.signature_file) {
        (Some(s), _) => s.clone(),
        (None, Some(file)) => String::from_utf8(files::read_input(file)?)
            .map_err(|_| Error::said(Text::new("error-msg-signature-not-text"), None))?,
        (None, None) => return Err(Error::said(Text::new("error-msg-no-signature"), None)),
    };
    let format = message::verify_address(&address, &message, &signature)?;
    ctx.emit(&Verified {
        valid: true,
        address: address.to_string(),
        format,
    })
}

fn finalize_cmd(ctx: &Context, args: FinalizeArgs) -> Result<()> {
    let data = files::read_input(&args.psbt)?;
    let report = finalize(&data, ctx.network, !args.no_prefix, ctx)?;
    if args.output != Path::new("-") {
        files::write_output(
            &args.output,
            format!("{}\n", report.signature).as_bytes(),
            Replace::Never,
        )?;
    }
    ctx.emit(&report)
}
