//! `coldsign multisig create`: an M-of-N wallet in every format cosigners and coordinators use.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::context::Context;
use crate::btc::multisig::{read_key_sources, MultisigSetup, MultisigType};
use crate::files;
use crate::i18n::Text;
use crate::report::multisig::MultisigCreated;
use crate::Result;

#[derive(Debug, Subcommand)]
pub enum MultisigCommand {
    /// Build an M-of-N wallet from cosigner keys.
    Create(CreateArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TypeArg {
    /// Native segwit P2WSH, sortedmulti.
    Wsh,
    /// P2WSH nested in P2SH, sortedmulti.
    ShWsh,
    /// Taproot: unspendable internal key, multi_a (keys in the given order).
    Tr,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Signatures required.
    #[arg(long)]
    threshold: usize,
    /// A cosigner key: a file (coldsign watch-only export, Coldcard or Keystone export,
    /// descriptor) or an inline [fingerprint/path]xpub. Repeat for each cosigner.
    #[arg(long = "key", required = true)]
    keys: Vec<String>,
    /// Script type.
    #[arg(long = "type", value_enum, default_value_t = TypeArg::Wsh)]
    kind: TypeArg,
    /// Wallet name.
    #[arg(long, default_value = "multisig")]
    name: String,
    /// Write NAME.descriptor, NAME.bip388.json, NAME.coldcard.txt and NAME.caravan.json here.
    #[arg(short = 'o', long)]
    output_dir: Option<PathBuf>,
}

/// Runs a multisig command.
pub fn run(ctx: &Context, command: MultisigCommand) -> Result<()> {
    let MultisigCommand::Create(args) = command;
    let kind = match args.kind {
        TypeArg::Wsh => MultisigType::Wsh,
        TypeArg::ShWsh => MultisigType::ShWsh,
        TypeArg::Tr => MultisigType::Tr,
    };
    let keys = read_key_sources(&args.keys, kind)?;
    let setup = MultisigSetup::new(&args.name, args.threshold, kind, keys, ctx.network)?;
    if let Some(dir) = &args.output_dir {
        let outputs = setup.files();
        files::write_new_files(dir, &outputs)?;
        ctx.say(
            Text::new("report-note-files-written")
                .arg("count", outputs.len())
                .arg("path", dir.display()),
        );
    }
    ctx.emit(&MultisigCreated::from(&setup))
}
