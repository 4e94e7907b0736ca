//! What every signing command settles before it signs: the output and air-gap checks, the
//! operator's approvals (`--yes`, `--allow`) and the treasury policy file. The gate itself is
//! the library's ([`crate::ceremony::confirm`]).

use std::path::{Path, PathBuf};

use clap::Args;

use super::context::Context;
use crate::ceremony::Approvals;
use crate::files::{self, Replace};
use crate::Result;

/// Options shared by `sign` and `eth sign`.
#[derive(Debug, Args)]
pub struct Approval {
    /// Sign without asking, but only when no high- or deny-level warning remains unallowed.
    #[arg(long)]
    pub yes: bool,
    /// Accept the warning CODE (repeat for each). Required for every deny-level warning.
    #[arg(long = "allow", value_name = "CODE")]
    pub allow: Vec<String>,
    /// Replace an existing output file.
    #[arg(long)]
    pub force: bool,
    /// Treasury policy file (TOML, docs/policy.md): a denial is final.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Refuse to sign while a non-loopback network interface is up.
    #[arg(long)]
    pub require_airgap: bool,
    /// An approval of this request from an approver the policy names (`coldsign approve`);
    /// repeat for each. The policy's `[approvals] required` must be met.
    #[arg(long = "approval", value_name = "FILE")]
    pub approvals: Vec<PathBuf>,
}

impl Approval {
    /// Before anything is read: an existing `output` is refused (unless `--force`), and an
    /// online machine is warned about (or refused with `--require-airgap`).
    pub fn preflight(&self, ctx: &Context, output: &Path) -> Result<()> {
        files::refuse_taken(output, Replace::allowed_if(self.force))?;
        if let Some(warning) = crate::airgap::check(self.require_airgap)? {
            ctx.note(&warning);
        }
        Ok(())
    }

    /// What the ceremony needs: the codes allowed, `--yes`, and the policy file (loaded and
    /// checked) if one was given.
    pub fn approvals(&self, network: bitcoin::Network) -> Result<Approvals> {
        Approvals::load(
            &self.allow,
            self.yes,
            self.policy.as_deref(),
            &self.approvals,
            network,
        )
    }
}
