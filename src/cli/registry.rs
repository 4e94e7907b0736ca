//! `coldsign registry …`: the ERC-7730 descriptors the signer trusts to show contract calls
//! and EIP-712 messages (import after review, list, show, remove; changes are audited).

use std::path::PathBuf;

use clap::Subcommand;

use super::context::Context;
use super::key::audited_home;
use super::terminal::TerminalPrompt;
use crate::configure;
use crate::erc7730::store::{self, Store};
use crate::report::registry::{DescriptorRemoved, Descriptors};
use crate::Result;

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

/// Runs a registry command.
pub fn run(ctx: &Context, command: RegistryCommand) -> Result<()> {
    let keystore = ctx.keystore_path()?;
    let store = Store::open(&store::path_for(&keystore));
    let home = || audited_home(ctx);
    match command {
        RegistryCommand::Import { path, yes } => ctx.emit(&configure::import_descriptors(
            &TerminalPrompt,
            &store,
            &path,
            yes,
            home,
        )?),
        RegistryCommand::List => ctx.emit(&Descriptors(store.list()?)),
        RegistryCommand::Show { id } => ctx.emit(&Descriptors(vec![store.show(&id)?])),
        RegistryCommand::Remove { id } => ctx.emit(&DescriptorRemoved {
            removed: configure::remove_descriptor(&store, &id, home)?,
        }),
    }
}
