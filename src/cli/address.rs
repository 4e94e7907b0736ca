//! `coldsign address …`: the signer's address book.

use clap::Subcommand;
use serde::Serialize;

use super::context::{Context, Report};
use crate::addressbook::{path_for, AddressBook, Entry};
use crate::Result;

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

/// Runs an address-book command (no password needed: the book holds no secret).
pub fn run(ctx: &Context, command: AddressCommand) -> Result<()> {
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
        AddressCommand::List => {}
    }
    ctx.emit(&Book(book.entries()))
}
