//! `coldsign wallet …`: wallets registered on the signer (multisig and miniscript policies the
//! signer checks change against) and, with the `online` feature, watch-only wallets on the
//! host. `list` and `show` cover both kinds and say which each is.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::context::Context;
use super::terminal::TerminalPrompt;
use crate::btc::wallets::{registry_dir, Wallet};
use crate::configure::{self, WalletImport};
use crate::i18n::Text;
use crate::report::wallet::{Listed, WalletList, WalletView};
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum WalletCommand {
    /// Register a multisig or miniscript wallet on this signer, after showing every cosigner.
    Import(ImportArgs),
    /// List watch-only wallets and the wallets registered on this signer.
    List,
    /// Show one wallet: a watch-only wallet's balance and coins, or a registered wallet's
    /// cosigners.
    Show {
        /// Wallet name.
        name: String,
        /// Show the wallet registered on this signer even if a watch-only wallet has the name.
        #[arg(long)]
        signer: bool,
    },
    /// Create a watch-only wallet from descriptors or an export (online host).
    #[cfg(feature = "online")]
    Add(super::online::AddArgs),
    /// Hand out the next receive address(es) of a watch-only wallet.
    #[cfg(feature = "online")]
    Addresses(super::online::AddressesArgs),
    /// Sync a watch-only wallet with Bitcoin Core or an Electrum server.
    #[cfg(feature = "online")]
    Sync(super::online::SyncArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A descriptor, a BIP388 wallet policy (JSON) or a Coldcard multisig text file; - for stdin.
    file: PathBuf,
    /// Name to register it under (default: the name in the file, else the file's stem).
    #[arg(long)]
    name: Option<String>,
    /// Register without asking (after checking that our key is in it).
    #[arg(long)]
    yes: bool,
    /// Replace a registered wallet of the same name.
    #[arg(long)]
    force: bool,
}

/// Every wallet: watch-only ones (online builds) and the signer's registered ones. Needs no
/// password: names and descriptors are public.
fn list(ctx: &Context) -> Result<()> {
    let mut out = Vec::new();
    #[cfg(feature = "online")]
    {
        let dir = ctx.wallet_dir()?;
        for name in crate::online::store::names(&dir) {
            let w = crate::online::store::WatchWallet::open(&dir, &name)?;
            out.push(Listed {
                name,
                kind: "watch-only",
                descriptor: w.descriptor.to_string(),
            });
        }
    }
    for w in Wallet::load_all(&registry_dir(&ctx.keystore_path()?))? {
        out.push(Listed {
            name: w.name,
            kind: "signer",
            descriptor: w.descriptor.to_string(),
        });
    }
    ctx.emit(&WalletList(out))
}

/// Runs a wallet command.
pub fn run(ctx: &Context, command: WalletCommand) -> Result<()> {
    match command {
        WalletCommand::List => return list(ctx),
        #[cfg(feature = "online")]
        WalletCommand::Add(args) => return super::online::add(ctx, args),
        #[cfg(feature = "online")]
        WalletCommand::Addresses(args) => return super::online::addresses(ctx, args),
        #[cfg(feature = "online")]
        WalletCommand::Sync(args) => return super::online::sync(ctx, args),
        #[cfg(feature = "online")]
        WalletCommand::Show {
            ref name,
            signer: false,
        } if crate::online::store::names(&ctx.wallet_dir()?).contains(name) => {
            let w = crate::online::store::WatchWallet::open(&ctx.wallet_dir()?, name)?;
            return ctx.emit(&w.summary());
        }
        _ => {}
    }
    let (keystore, _, material) = super::key::unlock(ctx)?;
    let home = crate::ceremony::Home::beside(&keystore)?
        .with_audit(crate::audit::AuditSigner::from_material(&material));
    let hd = material
        .hd()
        .ok_or_else(|| Error::bad_input("this keystore holds a single Ethereum key"))?;
    let dir = registry_dir(&keystore);
    match command {
        WalletCommand::Import(args) => {
            let import = WalletImport {
                file: &args.file,
                name: args.name.as_deref(),
                yes: args.yes,
                force: args.force,
            };
            let (shown, path) =
                configure::register_wallet(&TerminalPrompt, &hd, &dir, import, ctx.network, &home)?;
            ctx.say(Text::new("report-note-registered-in").arg("path", path.display()));
            ctx.emit(&shown)
        }
        WalletCommand::Show { name, .. } => {
            let wallet = Wallet::named(&dir, &name, Text::new("hint-wallet-list"))?;
            ctx.emit(&WalletView::stored(&wallet, ctx.network, &hd))
        }
        _ => Err(Error::Internal("wallet command dispatched twice".into())),
    }
}
