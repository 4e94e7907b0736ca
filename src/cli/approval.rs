//! What every signing command settles before it signs: the output and air-gap checks, the
//! operator's approvals (`--yes`, `--allow`), the treasury policy file, and the confirmation
//! gate over the review's warnings.

use std::path::{Path, PathBuf};

use clap::Args;

use super::context::Context;
use super::terminal::{self, TerminalPrompt};
use crate::policy::LoadedPolicy;
use crate::prompt::Prompt;
use crate::review::{gate, Gate, Warning};
use crate::{Error, Result};

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
}

impl Approval {
    /// Before anything is read: an existing `output` is refused (unless `--force`), and an
    /// online machine is warned about (or refused with `--require-airgap`).
    pub fn preflight(&self, ctx: &Context, output: &Path) -> Result<()> {
        if output != Path::new("-") && output.exists() && !self.force {
            return Err(Error::Exists(output.to_path_buf()));
        }
        check_airgap(ctx, self.require_airgap)
    }

    /// The policy file, loaded and checked, if one was given.
    pub fn policy(&self, ctx: &Context) -> Result<Option<LoadedPolicy>> {
        self.policy
            .as_deref()
            .map(|p| LoadedPolicy::load(p, ctx.network))
            .transpose()
    }
}

/// Warns when this machine is online; refuses with `--require-airgap`.
fn check_airgap(ctx: &Context, required: bool) -> Result<()> {
    let active = crate::airgap::active_interfaces();
    if active.is_empty() {
        return Ok(());
    }
    let list = active.join(", ");
    if required {
        return Err(Error::Declined(format!(
            "refusing to sign: network interface {list} is up (--require-airgap)"
        )));
    }
    ctx.note(&format!(
        "warning: network interface {list} is up: this signer is not air-gapped"
    ));
    Ok(())
}

/// Applies the gate: refuse, ask, or proceed.
pub fn confirm(
    warnings: &[Warning],
    intent_digest: &str,
    allowed: &[String],
    auto_yes: bool,
) -> Result<()> {
    match gate(warnings, allowed, auto_yes) {
        Gate::Proceed => Ok(()),
        Gate::Refuse(codes) => Err(Error::Refused(codes)),
        Gate::Confirm { type_digest } => {
            if !terminal::interactive() {
                return Err(Error::usage(
                    "signing needs a confirmation and stdin is not a terminal",
                    "pass --yes (and --allow CODE for each high or deny warning you accept)",
                ));
            }
            let prompt = TerminalPrompt;
            let accepted = if type_digest {
                let last = intent_digest.rsplit('-').next().unwrap_or_default();
                let answer = prompt.line("high-severity warnings: type the last 4 characters of the intent digest to sign anyway")?;
                answer.trim().eq_ignore_ascii_case(last)
            } else {
                let answer = prompt.line("sign this? [y/N]")?;
                matches!(answer.trim(), "y" | "Y" | "yes")
            };
            if accepted {
                Ok(())
            } else {
                Err(Error::Declined("declined; nothing was signed".into()))
            }
        }
    }
}
