//! `coldsign log …`: verify and export the audit log.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::context::Context;
use crate::audit::{self, AuditLog, AuditSigner, Verified};
use crate::files::{self, Replace};
use crate::policy::LoadedPolicy;
use crate::report::audit::{Attested, VerifyReport};
use crate::Result;

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
    let key = audit::verification_key(args.key.as_deref(), args.export.as_deref(), || {
        let (_, _, material) = super::key::unlock(ctx)?;
        Ok(AuditSigner::from_material(&material).public())
    })?;
    let log = match &args.log {
        Some(p) => AuditLog::at(p.clone()),
        None => AuditLog::for_keystore(&ctx.keystore_path()?),
    };
    log.verify_with_head(&key, args.head.as_deref())
}

/// Runs a log command.
pub fn run(ctx: &Context, command: LogCommand) -> Result<()> {
    match command {
        LogCommand::Verify(args) => ctx.emit(&VerifyReport::new(verified(ctx, &args)?)),
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
            ctx.emit(&Attested::new(recorded, &policies))
        }
    }
}
