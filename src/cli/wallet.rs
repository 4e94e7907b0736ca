//! `coldsign wallet …` on the signer: register multisig and miniscript wallets.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::context::{Context, Report};
use super::terminal::{self, TerminalPrompt};
use crate::btc::wallets::{registry_dir, Cosigner, Wallet};
use crate::files::{self, Replace};
use crate::prompt::Prompt;
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum WalletCommand {
    /// Register a multisig or miniscript wallet on this signer, after showing every cosigner.
    Import(ImportArgs),
    /// List the wallets registered on this signer.
    List,
    /// Show one registered wallet with its cosigners.
    Show {
        /// Wallet name.
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A descriptor, a BIP388 wallet policy (JSON) or a Coldcard multisig text file; - for stdin.
    file: PathBuf,
    /// Name to register it under (default: the name in the file).
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
    cosigners: Vec<Cosigner>,
}

impl Report for WalletView {
    fn human(&self) -> String {
        let mut s = format!(
            "wallet {}\n  {}\n  cosigners (compare each with its owner, out of band):\n",
            self.name, self.descriptor
        );
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
struct WalletList(Vec<WalletView>);

impl Report for WalletList {
    fn human(&self) -> String {
        if self.0.is_empty() {
            return "no wallets registered\n".into();
        }
        self.0
            .iter()
            .map(|w| format!("{}  {}\n", w.name, w.descriptor))
            .collect()
    }
}

/// Runs a wallet command.
pub fn run(ctx: &Context, command: WalletCommand) -> Result<()> {
    let (keystore, _, material) = super::key::unlock(ctx)?;
    let hd = material
        .hd()
        .ok_or_else(|| Error::bad_input("this keystore holds a single Ethereum key"))?;
    let dir = registry_dir(&keystore);
    let view = |w: &Wallet| WalletView {
        name: w.name.clone(),
        descriptor: w.descriptor.to_string(),
        cosigners: w.cosigners(&hd),
    };
    match command {
        WalletCommand::Import(args) => {
            let text = String::from_utf8(files::read_input(&args.file)?)
                .map_err(|_| Error::bad_input(format!("{} is not text", args.file.display())))?;
            let wallet = Wallet::parse(args.name.as_deref(), &text)?;
            let cosigners = wallet.check_contains(&hd)?;
            let shown = WalletView {
                name: wallet.name.clone(),
                descriptor: wallet.descriptor.to_string(),
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
            ctx.note(&format!("registered in {}", path.display()));
            ctx.emit(&shown)
        }
        WalletCommand::List => ctx.emit(&WalletList(
            Wallet::load_all(&dir)?.iter().map(view).collect(),
        )),
        WalletCommand::Show { name } => {
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
    }
}
