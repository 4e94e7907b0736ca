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
    }
}
