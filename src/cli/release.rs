//! `coldsign verify-binary`: check the running binary against a release's SHA256SUMS.

use std::path::PathBuf;

use clap::Args;
use serde::Serialize;

use super::context::{Context, Report};
use crate::files;
use crate::release::{self, BinaryMatch};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub struct VerifyBinaryArgs {
    /// The SHA256SUMS file of the release (carried over with the binary; compare it with the
    /// published one or your own rebuild first).
    sums: PathBuf,
}

#[derive(Serialize)]
struct VerifyBinaryReport {
    #[serde(flatten)]
    found: BinaryMatch,
    reproducible: bool,
}

impl Report for VerifyBinaryReport {
    fn human(&self) -> String {
        format!(
            "ok: this binary is {} in the sums file (sha256 {})\n{}",
            self.found.name,
            self.found.sha256,
            if self.reproducible {
                ""
            } else {
                "note: it is a dev build, not one scripts/release made\n"
            }
        )
    }
}

/// Runs `verify-binary`.
pub fn verify_binary(ctx: &Context, args: VerifyBinaryArgs) -> Result<()> {
    let sums = String::from_utf8(files::read_input(&args.sums)?)
        .map_err(|_| Error::bad_input(format!("{} is not a text file", args.sums.display())))?;
    ctx.emit(&VerifyBinaryReport {
        found: release::verify_binary(&sums)?,
        reproducible: release::reproducible(),
    })
}
