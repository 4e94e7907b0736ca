//! `coldsign log …`: verify and export the audit log.

use std::path::PathBuf;
use std::str::FromStr;

use bitcoin::secp256k1::XOnlyPublicKey;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::context::{Context, Report};
use crate::audit::{self, AuditLog, AuditSigner, Verified};
use crate::files::{self, Replace};
use crate::keys::watch_only::TextExport;
use crate::policy::LoadedPolicy;
use crate::trusted::Unrecorded;
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// Check every line's chain and signature, and the signed head.
    Verify(KeyArgs),
    /// Write the verified log as CSV for auditors.
    Export {
        /// CSV output (the only format).
        #[arg(long, required = true)]
        csv: bool,
        /// Output file, or - for stdout.
        #[arg(short, long, default_value = "-")]
        output: PathBuf,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Record the current address book, tokens, wallets and descriptors as checked (after a
    /// change made outside coldsign), and accept policy files for signing; needs the keystore
    /// password.
    Attest {
        /// A policy file to accept (repeatable): `sign --policy` refuses one never accepted.
        #[arg(long)]
        policy: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct KeyArgs {
    /// The log file [default: audit.log beside the keystore].
    #[arg(long)]
    log: Option<PathBuf>,
    /// The audit public key (x-only hex), from the watch-only export's audit_key.
    #[arg(long, conflicts_with = "export")]
    key: Option<String>,
    /// A watch-only export (text or JSON) holding the audit key.
    #[arg(long)]
    export: Option<PathBuf>,
    /// A head hash an auditor recorded earlier: it must still be in the log (rollback check).
    #[arg(long)]
    head: Option<String>,
}

/// Loads and verifies the log named by `args`; the key comes from --key, --export, or the
/// keystore.
fn verified(ctx: &Context, args: &KeyArgs) -> Result<Verified> {
    let parse_key = |hex: &str| {
        XOnlyPublicKey::from_str(hex)
            .map_err(|_| Error::bad_input(format!("{hex:?} is not an x-only public key")))
    };
    let key = match (&args.key, &args.export) {
        (Some(hex), _) => parse_key(hex)?,
        (None, Some(path)) => {
            let data = files::read_input(path)?;
            let text = std::str::from_utf8(&data).ok();
            match text.map(TextExport::parse).transpose()?.flatten() {
                Some(export) => parse_key(export.audit_key.ok_or_else(|| {
                    Error::bad_input(format!("{} has no audit key line", path.display()))
                })?)?,
                None => audit::key_from_export(&data, path)?,
            }
        }
        (None, None) => {
            let (_, _, material) = super::key::unlock(ctx)?;
            AuditSigner::from_material(&material).public()
        }
    };
    let log = match &args.log {
        Some(p) => AuditLog::at(p.clone()),
        None => AuditLog::for_keystore(&ctx.keystore_path()?),
    };
    let verified = log
        .verify(&key)
        .map_err(|e| Error::Verification(e.to_string()))?;
    if let Some(head) = &args.head {
        verified.check_head(head)?;
    }
    Ok(verified)
}

#[derive(Serialize)]
struct VerifyReport {
    entries: usize,
    head: String,
    valid: bool,
}

impl Report for VerifyReport {
    fn human(&self) -> String {
        format!(
            "audit log valid: {} entries, head {}\n",
            self.entries, self.head
        )
    }
}

#[derive(Serialize)]
struct Attested {
    recorded: Vec<Unrecorded>,
    policies: Vec<AcceptedPolicy>,
}

#[derive(Serialize)]
struct AcceptedPolicy {
    path: PathBuf,
    sha256: String,
}

impl Report for Attested {
    fn human(&self) -> String {
        let mut s = String::new();
        for u in &self.recorded {
            s.push_str(&format!(
                "recorded the {} ({}): sha256 {}\n",
                u.part,
                u.path.display(),
                u.sha256
            ));
        }
        for p in &self.policies {
            s.push_str(&format!(
                "accepted policy {} (sha256 {})\n",
                p.path.display(),
                p.sha256
            ));
        }
        if s.is_empty() {
            s.push_str("nothing changed since the last record\n");
        }
        s
    }
}

/// Runs a log command.
pub fn run(ctx: &Context, command: LogCommand) -> Result<()> {
    match command {
        LogCommand::Verify(args) => {
            let v = verified(ctx, &args)?;
            ctx.emit(&VerifyReport {
                entries: v.entries.len(),
                head: v.head,
                valid: true,
            })
        }
        LogCommand::Export { output, key, .. } => {
            let v = verified(ctx, &key)?;
            files::write_output(&output, v.to_csv().as_bytes(), Replace::Never)
        }
        LogCommand::Attest { policy } => {
            let policies = policy
                .iter()
                .map(|p| LoadedPolicy::load(p, ctx.network))
                .collect::<Result<Vec<_>>>()?;
            let home = super::key::audited_home(ctx)?;
            let recorded = home.attest(&policies)?;
            ctx.emit(&Attested {
                recorded,
                policies: policies
                    .iter()
                    .map(|p| AcceptedPolicy {
                        path: p.path.clone(),
                        sha256: p.sha256.clone(),
                    })
                    .collect(),
            })
        }
    }
}
