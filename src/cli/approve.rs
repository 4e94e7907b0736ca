//! `coldsign approve` (an approver reviews a request on their own machine and signs an
//! approval) and `coldsign approver-key` (the key the policy's `[approvals]` lists).

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Args;

use super::context::{Context, Report};
use crate::approval::ApproverKey;
use crate::approver::{approver_hd, Approving};
use crate::btc::known_keys::KnownKeys;
use crate::files::{self, Replace};
use crate::report::approval::{Approved, ApproverView};
use crate::signing::read_request;
use crate::transport::registry::Payload;
use crate::Result;

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The request to approve (any request `sign` takes).
    file: PathBuf,
    /// Where to write the approval (ur:bytes text; - for stdout).
    #[arg(short, long)]
    output: PathBuf,
    /// How long the approval counts.
    #[arg(long, default_value = "24h", value_parser = humantime::parse_duration)]
    expires: Duration,
    /// The spending wallet (a descriptor, BIP388, Coldcard or Caravan file), so the review can
    /// prove change; without it only this keystore's own registered wallets do.
    #[arg(long, value_name = "FILE")]
    wallet: Option<PathBuf>,
    /// Approve without asking, but only when no high- or deny-level warning remains unallowed.
    #[arg(long)]
    yes: bool,
    /// Accept the warning CODE (repeat for each).
    #[arg(long = "allow", value_name = "CODE")]
    allow: Vec<String>,
    /// Also show the approval as a QR code.
    #[arg(long)]
    qr: bool,
}

/// `coldsign approve`.
pub fn approve(ctx: &Context, args: ApproveArgs) -> Result<()> {
    files::refuse_taken(&args.output, Replace::Never)?;
    let (request, request_hash) = read_request(&args.file, &KnownKeys::none())?;
    let (keystore, _, material) = super::key::unlock(ctx)?;
    let hd = approver_hd(&material)?;
    let approving = Approving::review(
        &request,
        request_hash,
        &keystore,
        &hd,
        args.wallet.as_deref(),
        |psbt| ctx.network_for(psbt),
    )?;
    if !ctx.json {
        super::context::show_review(&approving.review);
    }
    let signed = approving.approve(ctx, &args.allow, args.yes, args.expires, &args.output)?;
    if args.qr {
        super::qr::show_payload(ctx, &Payload::Bytes(signed.to_cbor()))?;
    }
    let report = Approved::new(&signed, args.output.clone());
    if args.output == Path::new("-") {
        if !ctx.json {
            eprint!("{}", report.human());
        }
        return Ok(());
    }
    ctx.emit(&report)
}

/// `coldsign approver-key`.
pub fn approver_key(ctx: &Context) -> Result<()> {
    let (_, _, material) = super::key::unlock(ctx)?;
    ctx.emit(&ApproverView::new(&ApproverKey::from_hd(&approver_hd(
        &material,
    )?)))
}
