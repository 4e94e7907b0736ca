//! `coldsign wallet …`: wallets registered on the signer (multisig and miniscript policies the
//! signer checks change against) and, with the `online` feature, watch-only wallets on the
//! host. `list` and `show` cover both kinds and say which each is.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::context::{Context, Report};
use super::terminal::{self, TerminalPrompt};
use crate::btc::wallet_summary::{summarize, WalletSummary};
use crate::btc::wallets::{registry_dir, Cosigner, Wallet};
use crate::files::{self, Replace};
use crate::prompt::Prompt;
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

#[derive(Serialize)]
struct WalletView {
    name: String,
    descriptor: String,
    /// The policy in a few words and the first receive address (import and show).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    summary: Option<WalletSummary>,
    cosigners: Vec<Cosigner>,
}

impl Report for WalletView {
    fn human(&self) -> String {
        let mut s = format!("wallet {}\n  {}\n", self.name, self.descriptor);
        if let Some(summary) = &self.summary {
            s.push_str(&format!(
                "  policy         {}\n  first receive  {} (every cosigner's device must show this address)\n",
                summary.policy, summary.first_receive
            ));
        }
        s.push_str("  cosigners (compare each with its owner, out of band):\n");
        for c in &self.cosigners {
            s.push_str(&format!(
                "    {} {} {}{}\n",
                c.fingerprint,
                c.path,
                c.xpub,
                if c.ours { "  <- this signer" } else { "" }
            ));
        }
        s
    }
}

#[derive(Serialize)]
struct Listed {
    name: String,
    kind: &'static str,
    descriptor: String,
}

#[derive(Serialize)]
struct WalletList(Vec<Listed>);

impl Report for WalletList {
    fn human(&self) -> String {
        if self.0.is_empty() {
            return "no wallets\n".into();
        }
        self.0
            .iter()
            .map(|w| format!("{}  {}  {}\n", w.name, w.kind, w.descriptor))
            .collect()
    }
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
    let view = |w: &Wallet| WalletView {
        name: w.name.clone(),
        descriptor: w.descriptor.to_string(),
        summary: summarize(&w.descriptor, ctx.network).ok(),
        cosigners: w.cosigners(&hd),
    };
    match command {
        WalletCommand::Import(args) => {
            let text = String::from_utf8(files::read_input(&args.file)?)
                .map_err(|_| Error::bad_input(format!("{} is not text", args.file.display())))?;
            let wallet = Wallet::parse_file(args.name.as_deref(), &text, &args.file)?;
            let cosigners = wallet.check_contains(&hd)?;
            let shown = WalletView {
                name: wallet.name.clone(),
                descriptor: wallet.descriptor.to_string(),
                summary: Some(summarize(&wallet.descriptor, ctx.network)?),
                cosigners,
            };
            if !args.yes {
                if !terminal::interactive() {
                    return Err(Error::usage(
                        "registering a wallet needs a confirmation",
                        "pass --yes for scripted setups",
                    ));
                }
                eprint!("{}", shown.human());
                let answer = TerminalPrompt.line("register this wallet? [y/N]")?;
                if !matches!(answer.trim(), "y" | "Y" | "yes") {
                    return Err(Error::Declined("declined; nothing was registered".into()));
                }
            }
            let replace = if args.force {
                Replace::Allowed
            } else {
                Replace::Never
            };
            let path = wallet.save(&dir, replace)?;
            home.record_trusted(
                crate::trusted::Part::Wallets,
                format!("registered {} ({})", wallet.name, wallet.descriptor),
            )?;
            ctx.note(&format!("registered in {}", path.display()));
            ctx.emit(&shown)
        }
        WalletCommand::Show { name, .. } => {
            let wallet = Wallet::load_all(&dir)?
                .into_iter()
                .find(|w| w.name == name)
                .ok_or_else(|| {
                    Error::usage(
                        format!("no wallet named {name:?} is registered"),
                        "see 'coldsign wallet list'",
                    )
                })?;
            ctx.emit(&view(&wallet))
        }
        _ => Err(Error::Internal("wallet command dispatched twice".into())),
    }
}
