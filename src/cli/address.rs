//! `coldsign address …`: the signer's address book.

use clap::Subcommand;
use serde::Serialize;

use super::context::{Context, Report};
use crate::addressbook::{path_for, AddressBook, Entry};
use crate::btc::address_search::{self, Limits};
use crate::btc::wallets::{registry_dir, Wallet};
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

#[derive(Serialize)]
struct Book<'a>(&'a [Entry]);

impl Report for Book<'_> {
    fn human(&self) -> String {
        if self.0.is_empty() {
            return "the address book is empty\n".into();
        }
        self.0
            .iter()
            .map(|e| format!("{:<24} {}\n", e.label, e.address))
            .collect()
    }
}

/// Runs an address-book command (no password needed: the book holds no secret), or
/// `address verify` (which unlocks the keystore to derive our addresses).
pub fn run(ctx: &Context, command: AddressCommand) -> Result<()> {
    if let AddressCommand::Verify(args) = command {
        return verify(ctx, args);
    }
    let path = path_for(&ctx.keystore_path()?);
    let mut book = AddressBook::load(&path)?;
    match command {
        AddressCommand::Add { label, address } => {
            book.add(&label, &address, ctx.network)?;
            book.save(&path)?;
        }
        AddressCommand::Remove { label } => {
            book.remove(&label)?;
            book.save(&path)?;
        }
        AddressCommand::List | AddressCommand::Verify(_) => {}
    }
    ctx.emit(&Book(book.entries()))
}

#[derive(Serialize)]
struct Ours {
    address: String,
    wallet: String,
    branch: &'static str,
    index: u32,
    paths: Vec<String>,
}

impl Report for Ours {
    fn human(&self) -> String {
        format!(
            "ours: {} is {} {} #{} ({})\n",
            self.address,
            self.wallet,
            self.branch,
            self.index,
            self.paths.join(", ")
        )
    }
}

fn verify(ctx: &Context, args: VerifyArgs) -> Result<()> {
    let address = address_search::parse_address(&args.address, ctx.network)?;
    let (path, _, material) = super::key::unlock(ctx)?;
    let hd = material.hd().ok_or_else(|| {
        Error::bad_input("this keystore holds no Bitcoin keys (an imported Ethereum key)")
    })?;
    let wallets = Wallet::load_all(&registry_dir(&path))?;
    let policies = address_search::policies(&hd, &wallets, ctx.network, args.accounts)?;
    let limits = Limits {
        accounts: args.accounts,
        gap: args.gap,
    };
    let found = address_search::search(&hd, &policies, &address.script_pubkey(), limits)
        .ok_or_else(|| {
            Error::Declined(format!(
                "{address} is NOT ours: not in standard accounts 0..{} nor in {} registered wallet(s), indexes 0..{} on receive and change",
                args.accounts,
                wallets.len(),
                args.gap
            ))
        })?;
    ctx.emit(&Ours {
        address: address.to_string(),
        wallet: found.policy.name.clone(),
        branch: if found.branch == 0 {
            "receive"
        } else {
            "change"
        },
        index: found.index,
        paths: found.our_key_paths(hd.fingerprint())?,
    })
}
