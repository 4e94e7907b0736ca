//! `coldsign address …`: the signer's address book.

use std::path::PathBuf;

use clap::Subcommand;

use super::context::Context;
use super::key::audited_home_if_any;
use super::terminal::TerminalPrompt;
use crate::addressbook::{path_for, AddressBook};
use crate::btc::address_search::{self, Limits};
use crate::configure::{self, BookChange};
use crate::report::address::Book;
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum AddressCommand {
    /// Add a labelled destination (checked for --network).
    Add {
        /// Label.
        label: String,
        /// Address.
        address: String,
    },
    /// List the address book.
    List,
    /// Remove an entry by label.
    Remove {
        /// Label.
        label: String,
    },
    /// Add the tokens of a Uniswap Token Lists file (checksummed JSON) to the signer's registry
    /// of known contracts, after showing them.
    ImportTokens {
        /// The token list; - for stdin.
        file: PathBuf,
        /// Accept without asking (the tokens are still shown).
        #[arg(long)]
        yes: bool,
    },
    /// Say whether an address is ours (standard accounts and registered wallets, derived
    /// from the keystore) and where; exit 1 when it is not.
    Verify(VerifyArgs),
}

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The address to look for.
    address: String,
    /// Search address indexes 0..N on the receive and change branches.
    #[arg(long, default_value_t = 1000, value_name = "N")]
    gap: u32,
    /// Search standard accounts 0..N (BIP84, BIP86, BIP49, BIP44).
    #[arg(long, default_value_t = 3, value_name = "N")]
    accounts: u32,
}

/// Runs an address-book command (a change needs the keystore password, when there is a
/// keystore, and is recorded in the audit log), or `address verify` (which unlocks the
/// keystore to derive our addresses).
pub fn run(ctx: &Context, command: AddressCommand) -> Result<()> {
    let path = path_for(&ctx.keystore_path()?);
    let home = || audited_home_if_any(ctx);
    let change = match command {
        AddressCommand::Verify(args) => return verify(ctx, args),
        AddressCommand::ImportTokens { file, yes } => {
            return ctx.emit(&configure::import_tokens(
                &TerminalPrompt,
                &path,
                &file,
                yes,
                home,
            )?)
        }
        AddressCommand::List => return ctx.emit(&Book(AddressBook::load(&path)?.entries())),
        AddressCommand::Add { label, address } => BookChange::Add { label, address },
        AddressCommand::Remove { label } => BookChange::Remove { label },
    };
    let book = configure::change_address_book(&path, change, ctx.network, home)?;
    ctx.emit(&Book(book.entries()))
}

fn verify(ctx: &Context, args: VerifyArgs) -> Result<()> {
    let address = address_search::parse_address(&args.address, ctx.network)?;
    let (path, _, material) = super::key::unlock(ctx)?;
    let hd = material.hd().ok_or_else(|| {
        Error::bad_input("this keystore holds no Bitcoin keys (an imported Ethereum key)")
    })?;
    let limits = Limits {
        accounts: args.accounts,
        gap: args.gap,
    };
    ctx.emit(&address_search::locate(
        &hd,
        &path,
        &address,
        ctx.network,
        limits,
    )?)
}
