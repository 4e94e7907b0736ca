//! `coldsign demo`: the main job on built-in sample data ([`crate::demo::walkthrough`]),
//! printing each step: a throwaway keystore, a PSBT built from its watch-only export, the
//! offline review, signing, finalizing and verification of every input with Bitcoin Core's
//! script interpreter.

use clap::Args;

use super::context::Context;
use crate::demo::walkthrough;
use crate::Result;

#[derive(Debug, Args)]
pub struct DemoArgs {}

/// Runs the demo, printing each step (with `--json`, only the report).
pub fn run(ctx: &Context, _args: DemoArgs) -> Result<()> {
    let report = walkthrough::run(&mut |line| {
        if !ctx.json {
            println!("{line}");
        }
    })?;
    if ctx.json {
        ctx.emit(&report)?;
    }
    Ok(())
}
