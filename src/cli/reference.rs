//! `completions` and `man`: reference material generated from the argument definitions.

use clap::CommandFactory;

use super::Cli;
use crate::{Error, Result};

/// Prints a completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    clap_complete::generate(
        shell,
        &mut Cli::command(),
        "coldsign",
        &mut std::io::stdout(),
    );
    Ok(())
}

/// Prints the manual page.
pub fn man() -> Result<()> {
    clap_mangen::Man::new(Cli::command())
        .render(&mut std::io::stdout())
        .map_err(|source| Error::File {
            action: "cannot write",
            path: "-".into(),
            source,
        })
}
