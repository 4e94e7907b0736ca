//! `coldsign address …`: the signer's address book.

use std::path::PathBuf;

use clap::Subcommand;
use serde::Serialize;

use super::context::{Context, Report};
use super::key::audited_home_if_any;
use crate::addressbook::{path_for, AddressBook, Entry};
use crate::btc::address_search::{self, Limits};
use crate::btc::wallets::{registry_dir, Wallet};
use crate::eth::registry::{self, Registry, Token};
use crate::prompt::Prompt;
use crate::trusted::Part;
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

#[derive(Serialize)]
struct Imported<'a> {
    list: &'a str,
    tokens: &'a [Token],
    stored: PathBuf,
}

impl Report for Imported<'_> {
    fn human(&self) -> String {
        format!(
            "imported {} tokens of {:?} into {}\n",
            self.tokens.len(),
            self.list,
            self.stored.display()
        )
    }
}

/// Each token as shown before it is accepted, with what it replaces or imitates.
fn show_tokens(tokens: &[Token]) -> String {
    let known = Registry::builtin();
    let mut s = String::new();
    for t in tokens {
        let note = match known.token(t.chain_id, t.address) {
            Some(k) if k.symbol != t.symbol || k.decimals != t.decimals => {
                format!("  REPLACES built-in {} ({} decimals)", k.symbol, k.decimals)
            }
            Some(_) => "  (already known)".into(),
            None => match (
                known.imitated(t.chain_id, t.address),
                known.token_by_symbol(t.chain_id, &t.symbol),
            ) {
                (Some((real, name)), _) => format!("  LOOKS LIKE {name} {real}"),
                (None, Some(k)) => format!(
                    "  SAME SYMBOL as the built-in {} at {}",
                    k.symbol,
                    k.address.to_checksum(None)
                ),
                (None, None) => String::new(),
            },
        };
        s.push_str(&format!(
            "chain {:<9} {} {:<12} {:>2} decimals  {}{note}\n",
            t.chain_id,
            t.address.to_checksum(None),
            t.symbol,
            t.decimals,
            t.name
        ));
    }
    s
}

fn import_tokens(
    ctx: &Context,
    book: &std::path::Path,
    file: &std::path::Path,
    yes: bool,
) -> Result<()> {
    let list = registry::parse_token_list(&crate::files::read_input(file)?)
        .map_err(|e| Error::bad_input(format!("{}: {e}", file.display())))?;
    if !yes && !super::terminal::interactive() {
        return Err(Error::usage(
            "importing tokens needs a confirmation and stdin is not a terminal",
            "pass --yes (every token is still shown before it is stored)",
        ));
    }
    let home = audited_home_if_any(ctx)?;
    eprint!("{}", show_tokens(&list.tokens));
    if !yes {
        let answer = super::terminal::TerminalPrompt.line(&format!(
            "add these {} tokens to the signer's registry? [y/N]",
            list.tokens.len()
        ))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return Err(Error::Declined("declined; nothing was imported".into()));
        }
    }
    registry::save_imported(book, &list)?;
    if let Some(home) = &home {
        home.record_trusted(
            Part::Tokens,
            format!("imported {} token(s) from {}", list.tokens.len(), list.name),
        )?;
    }
    ctx.emit(&Imported {
        list: &list.name,
        tokens: &list.tokens,
        stored: registry::imported_path(book),
    })
}

/// Runs an address-book command (a change needs the keystore password, when there is a
/// keystore, and is recorded in the audit log), or `address verify` (which unlocks the
/// keystore to derive our addresses).
pub fn run(ctx: &Context, command: AddressCommand) -> Result<()> {
    if let AddressCommand::Verify(args) = command {
        return verify(ctx, args);
    }
    let path = path_for(&ctx.keystore_path()?);
    if let AddressCommand::ImportTokens { file, yes } = &command {
        return import_tokens(ctx, &path, file, *yes);
    }
    let mut book = AddressBook::load(&path)?;
    let change = match command {
        AddressCommand::Add { label, address } => {
            book.add(&label, &address, ctx.network)?;
            format!("added {label:?} {address}")
        }
        AddressCommand::Remove { label } => {
            book.remove(&label)?;
            format!("removed {label:?}")
        }
        AddressCommand::List | AddressCommand::Verify(_) | AddressCommand::ImportTokens { .. } => {
            return ctx.emit(&Book(book.entries()));
        }
    };
    let home = audited_home_if_any(ctx)?;
    book.save(&path)?;
    if let Some(home) = &home {
        home.record_trusted(Part::AddressBook, change)?;
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
