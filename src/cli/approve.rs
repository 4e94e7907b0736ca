//! `coldsign approve` (an approver reviews a request on their own machine and signs an
//! approval) and `coldsign approver-key` (the key the policy's `[approvals]` lists).

use std::path::PathBuf;
use std::time::Duration;

use bitcoin::hashes::{sha256, Hash};
use clap::Args;
use serde::Serialize;

use super::context::{Context, Report};
use crate::approval::{self, ApproverKey};
use crate::audit::AuditSigner;
use crate::btc::ownership::Policies;
use crate::btc::wallets::Wallet;
use crate::ceremony::{self, Home};
use crate::files::{self, Replace};
use crate::request::Request;
use crate::review::render::render;
use crate::signer::capabilities;
use crate::transport::registry::Payload;
use crate::{Error, Result};

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

#[derive(Serialize)]
struct Approved {
    intent_digest: String,
    approver: String,
    expires: u64,
    output: PathBuf,
}

impl Report for Approved {
    fn human(&self) -> String {
        format!(
            "approved {} as {}; expires at {} (Unix time); written to {}\n",
            self.intent_digest,
            self.approver,
            self.expires,
            self.output.display()
        )
    }
}

/// `coldsign approve`.
pub fn approve(ctx: &Context, args: ApproveArgs) -> Result<()> {
    if args.output != std::path::Path::new("-") && args.output.exists() {
        return Err(Error::Exists(args.output.clone()));
    }
    let data = files::read_input(&args.file)?;
    let request = Request::detect(&data)?;
    let request_hash = sha256::Hash::hash(&data);
    let (keystore, _, material) = super::key::unlock(ctx)?;
    let hd = material.hd().ok_or_else(|| {
        Error::usage(
            "an approver key comes from a keystore created from a mnemonic",
            "use the approver's own mnemonic keystore",
        )
    })?;
    let home = Home::beside(&keystore)?.with_audit(AuditSigner::from_hd(&hd));
    let wallet = args
        .wallet
        .as_deref()
        .map(|path| {
            let text = String::from_utf8(files::read_input(path)?)
                .map_err(|_| Error::bad_input(format!("{} is not text", path.display())))?;
            Wallet::parse_file(None, &text, path)
        })
        .transpose()?;
    let review = match &request {
        Request::Bitcoin(file) => {
            let policies = match wallet {
                Some(w) => Policies::watch_only(w),
                None => Policies::new(&hd, home.wallets.clone()),
            };
            home.review_psbt(
                file,
                &policies,
                ctx.network_for(&file.psbt)?,
                &capabilities::SOFTWARE,
            )
        }
        Request::Ethereum(r) => home.review_ethereum(
            r,
            r.address.unwrap_or_default(),
            None,
            &capabilities::SOFTWARE,
        ),
    };
    if !ctx.json {
        eprint!("{}", render(&review));
    }
    home.record("review", &review, &request_hash, "reviewed", String::new())?;
    if let Err(e) = ceremony::confirm(
        ctx,
        review.warnings(),
        review.intent_digest(),
        &args.allow,
        args.yes,
        "approve",
    ) {
        home.record(
            "approval",
            &review,
            &request_hash,
            "declined",
            e.to_string(),
        )?;
        return Err(e);
    }
    let key = ApproverKey::from_hd(&hd);
    let expires = approval::now().saturating_add(args.expires.as_secs());
    let signed = key.approve(
        review.intent_digest(),
        request_hash.to_byte_array(),
        expires,
    );
    let text = approval::to_ur(&signed) + "\n";
    files::write_output(&args.output, text.as_bytes(), Replace::Never)?;
    home.record(
        "approval",
        &review,
        &request_hash,
        "approved",
        format!("expires {expires}"),
    )?;
    if args.qr {
        super::qr::show_payload(ctx, &Payload::Bytes(signed.to_cbor()))?;
    }
    let report = Approved {
        intent_digest: review.intent_digest().to_string(),
        approver: key.public().to_string(),
        expires,
        output: args.output.clone(),
    };
    if args.output == std::path::Path::new("-") {
        if !ctx.json {
            eprint!("{}", report.human());
        }
        return Ok(());
    }
    ctx.emit(&report)
}

#[derive(Serialize)]
struct ApproverView {
    key: String,
    path: &'static str,
}

impl Report for ApproverView {
    fn human(&self) -> String {
        format!(
            "{}\n(list it in the policy: [[approvals.approvers]] name = \"…\" key = \"{}\")\n",
            self.key, self.key
        )
    }
}

/// `coldsign approver-key`.
pub fn approver_key(ctx: &Context) -> Result<()> {
    let (_, _, material) = super::key::unlock(ctx)?;
    let hd = material.hd().ok_or_else(|| {
        Error::usage(
            "an approver key comes from a keystore created from a mnemonic",
            "use the approver's own mnemonic keystore",
        )
    })?;
    ctx.emit(&ApproverView {
        key: ApproverKey::from_hd(&hd).public().to_string(),
        path: approval::APPROVER_PATH,
    })
}
