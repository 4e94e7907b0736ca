//! `coldsign inspect` and `coldsign sign` for any request, Bitcoin or Ethereum (`eth inspect`
//! and `eth sign` are the same commands): reads the request, opens the signer, shows the
//! review and hands the rest to the library's signing session ([`crate::signing`]).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use bitcoin::bip32::DerivationPath;
use clap::Args;

use super::approval::Approval;
use super::context::{Context, Report};
use crate::audit::AuditSigner;
use crate::btc::known_keys::KnownKeys;
use crate::btc::remembered;
use crate::ceremony::Home;
use crate::files::{self, Replace};
use crate::i18n::Text;
use crate::report::sign::Inspected;
use crate::request::Request;
use crate::signer::HardwareSigner;
use crate::signing::{read_request, Keys, Screens, Session, SignOptions, Signing};
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

/// The keys remembered beside the keystore, if there is one, for reading the request.
fn known_keys(ctx: &Context) -> KnownKeys {
    ctx.keystore_path()
        .map(|keystore| remembered::known_keys(&keystore))
        .unwrap_or_default()
}

/// `coldsign inspect` (and `eth inspect`).
pub fn inspect(ctx: &Context, args: InspectArgs) -> Result<()> {
    let (request, request_hash) = read_request(&args.file, &known_keys(ctx))?;
    let (keystore, _, material) = super::key::unlock(ctx)?;
    let home = Home::beside(&keystore)?.with_audit(AuditSigner::from_material(&material));
    let session = Session {
        home: &home,
        prompt: ctx,
        request_hash,
        path: args.path.as_ref(),
    };
    let review = session.inspect(&request, &material, &|psbt| ctx.network_for(psbt))?;
    ctx.emit(&Inspected { review: &review })
}

/// `coldsign sign` (and `eth sign`).
pub fn sign(ctx: &Context, args: SignArgs) -> Result<()> {
    args.approval.preflight(ctx, &args.output)?;
    let (request, request_hash) = read_request(&args.file, &known_keys(ctx))?;
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
            ctx.say(
                Text::new("report-note-device-without-keystore").arg("path", keystore.display()),
            );
            None
        }
        _ => {
            let (_, _, material) = super::key::unlock(ctx)?;
            home = home.with_audit(AuditSigner::from_material(&material));
            Some(material)
        }
    };
    let session = Session {
        home: &home,
        prompt: ctx,
        request_hash,
        path: args.path.as_ref(),
    };
    let options = SignOptions {
        approvals: &approvals,
        network,
        output: &args.output,
        ur: args.ur,
        qr: args.qr,
    };
    let keys = Keys {
        material: material.as_ref(),
        device: device.as_mut(),
    };
    let screens = Screens {
        show: &mut |review| {
            if !ctx.json {
                super::context::show_review(review);
            }
        },
        deliver: &mut |encoded, binary| {
            write_with(&args.output, binary, args.approval.force, &|out| {
                encoded.write_to(out)
            })
        },
    };
    let Signing { mut report, qr } = session.sign(request, keys, &options, screens)?;
    if let Some(payload) = &qr {
        report.set_qr(super::qr::show_payload(ctx, payload)?);
    }
    // The report on stdout, or on stderr when the result went to stdout.
    if args.output == Path::new("-") {
        if !ctx.json {
            eprint!("{}", report.human());
        }
        return Ok(());
    }
    ctx.emit(&report)
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

/// Writes PSBT bytes, refusing binary output on a terminal.
pub fn write(path: &Path, data: &[u8], binary: bool, force: bool) -> Result<()> {
    write_with(path, binary, force, &|out| out.write_all(data))
}

/// [`write`] of what `fill` writes (a signed PSBT is encoded as it is written).
fn write_with(
    path: &Path,
    binary: bool,
    force: bool,
    fill: &dyn Fn(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    if binary && path == Path::new("-") && std::io::stdout().is_terminal() {
        return Err(Error::usage(
            "refusing to write binary data to a terminal",
            "pass -o FILE, or --to base64",
        ));
    }
    files::write_output_with(
        path,
        if force {
            Replace::Allowed
        } else {
            Replace::Never
        },
        fill,
    )
}
