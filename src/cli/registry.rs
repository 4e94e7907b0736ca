//! `coldsign registry …`: the ERC-7730 descriptors the signer trusts to show contract calls
//! and EIP-712 messages (import after review, list, show, remove; changes are audited).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde::Serialize;

use super::context::{Context, Report};
use super::key::audited_home;
use crate::erc7730::registry::Skipped;
use crate::erc7730::store::{self, Store, Summary};
use crate::prompt::Prompt;
use crate::trusted::Part;
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {
    /// Install ERC-7730 descriptors (a directory or one file) after showing each one's hash,
    /// owner and coverage; needs the keystore password and is recorded in the audit log.
    Import {
        /// A descriptor file, or a directory of them (includes resolve inside it).
        path: PathBuf,
        /// Accept without asking (every descriptor is still shown).
        #[arg(long)]
        yes: bool,
    },
    /// List the installed descriptors.
    List,
    /// Show one installed descriptor's hash, owner and coverage.
    Show {
        /// Its hash (at least 8 hex digits).
        id: String,
    },
    /// Uninstall a descriptor (recorded in the audit log; needs the keystore password).
    Remove {
        /// Its hash (at least 8 hex digits).
        id: String,
    },
}

#[derive(Serialize)]
struct Imported {
    imported: Vec<Summary>,
    skipped: Vec<SkippedFile>,
    stored: PathBuf,
}

#[derive(Serialize)]
struct SkippedFile {
    file: String,
    reason: String,
}

impl From<&Skipped> for SkippedFile {
    fn from(s: &Skipped) -> Self {
        SkippedFile {
            file: s.file.display().to_string(),
            reason: s.reason.clone(),
        }
    }
}

impl Report for Imported {
    fn human(&self) -> String {
        format!(
            "imported {} descriptor(s) into {}\n",
            self.imported.len(),
            self.stored.display()
        )
    }
}

#[derive(Serialize)]
struct Listed(Vec<Summary>);

impl Report for Listed {
    fn human(&self) -> String {
        if self.0.is_empty() {
            return "no descriptors installed\n".into();
        }
        self.0.iter().map(Summary::describe).collect()
    }
}

#[derive(Serialize)]
struct Removed {
    removed: Summary,
}

impl Report for Removed {
    fn human(&self) -> String {
        format!("removed {}", self.removed.describe())
    }
}

/// Runs a registry command.
pub fn run(ctx: &Context, command: RegistryCommand) -> Result<()> {
    let keystore = ctx.keystore_path()?;
    let store = Store::open(&store::path_for(&keystore));
    match command {
        RegistryCommand::Import { path, yes } => import(ctx, &store, &path, yes),
        RegistryCommand::List => ctx.emit(&Listed(store.list()?)),
        RegistryCommand::Show { id } => {
            let summary = store.show(&id)?;
            ctx.emit(&Listed(vec![summary]))
        }
        RegistryCommand::Remove { id } => {
            let summary = store.show(&id)?;
            let home = audited_home(ctx)?;
            store.remove(&id)?;
            home.record_configuration(
                "descriptor-removed",
                alloy_primitives::hex::encode(summary.hash),
                summary.describe(),
            )?;
            home.record_trusted(Part::Descriptors, format!("removed {}", summary.describe()))?;
            ctx.emit(&Removed { removed: summary })
        }
    }
}

fn import(ctx: &Context, store: &Store, path: &Path, yes: bool) -> Result<()> {
    let candidates = store::read_candidates(path)?;
    if candidates.descriptors.is_empty() {
        return Err(Error::bad_input(format!(
            "{} holds no usable descriptor ({} file(s) skipped)",
            path.display(),
            candidates.skipped.len()
        )));
    }
    if !yes && !super::terminal::interactive() {
        return Err(Error::usage(
            "importing descriptors needs a confirmation and stdin is not a terminal",
            "pass --yes (every descriptor is still shown before it is stored)",
        ));
    }
    let home = audited_home(ctx)?;
    for skipped in &candidates.skipped {
        eprintln!(
            "skipped {}: {}",
            skipped.file.display(),
            crate::erc7730::format::sanitize(&skipped.reason)
        );
    }
    for (_, summary) in &candidates.descriptors {
        eprint!("{}", summary.describe());
    }
    if !yes {
        let answer = super::terminal::TerminalPrompt.line(&format!(
            "trust these {} descriptor(s) to name calls and messages in reviews? [y/N]",
            candidates.descriptors.len()
        ))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return Err(Error::Declined("declined; nothing was imported".into()));
        }
    }
    let descriptors: Vec<_> = candidates
        .descriptors
        .iter()
        .map(|(d, _)| d.clone())
        .collect();
    let imported = store.add(&descriptors)?;
    for summary in &imported {
        home.record_configuration(
            "descriptor-imported",
            alloy_primitives::hex::encode(summary.hash),
            summary.describe(),
        )?;
    }
    home.record_trusted(
        Part::Descriptors,
        format!("imported {} descriptor(s)", imported.len()),
    )?;
    ctx.emit(&Imported {
        imported,
        skipped: candidates.skipped.iter().map(SkippedFile::from).collect(),
        stored: store::path_for(&ctx.keystore_path()?),
    })
}
