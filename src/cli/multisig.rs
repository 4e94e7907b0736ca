//! `coldsign multisig create`: an M-of-N wallet in every format cosigners and coordinators use.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use serde_json::Value;

use super::context::{Context, Report};
use crate::btc::multisig::{parse_key_source, MultisigSetup, MultisigType};
use crate::files;
use crate::{Error, Result};

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

#[derive(Serialize)]
struct Created {
    name: String,
    descriptor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    bip388: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    coldcard: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    caravan: Option<Value>,
}

impl Report for Created {
    fn human(&self) -> String {
        let mut s = format!("descriptor\n  {}\n", self.descriptor);
        if let Some(b) = &self.bip388 {
            s.push_str(&format!("\nBIP388 wallet policy\n  {b}\n"));
        }
        if let Some(c) = &self.coldcard {
            s.push_str(&format!("\nColdcard multisig file\n{c}"));
        }
        if let Some(c) = &self.caravan {
            s.push_str(&format!("\nCaravan wallet\n  {c}\n"));
        }
        s
    }
}

/// Runs a multisig command.
pub fn run(ctx: &Context, command: MultisigCommand) -> Result<()> {
    let MultisigCommand::Create(args) = command;
    let kind = match args.kind {
        TypeArg::Wsh => MultisigType::Wsh,
        TypeArg::ShWsh => MultisigType::ShWsh,
        TypeArg::Tr => MultisigType::Tr,
    };
    let keys = args
        .keys
        .iter()
        .enumerate()
        .map(|(i, source)| {
            let text = if Path::new(source).is_file() {
                files::read_text(Path::new(source))?
            } else {
                source.clone()
            };
            parse_key_source(&text, kind)
                .map_err(|e| Error::bad_input(format!("key {}: {}", i + 1, e)))
        })
        .collect::<Result<Vec<_>>>()?;
    let setup = MultisigSetup::new(&args.name, args.threshold, kind, keys, ctx.network)?;
    let created = Created {
        name: setup.name.clone(),
        descriptor: setup.descriptor().to_string(),
        bip388: setup.bip388(),
        coldcard: setup.coldcard(),
        caravan: setup.caravan(),
    };
    if let Some(dir) = &args.output_dir {
        let outputs = setup.files();
        files::write_new_files(dir, &outputs)?;
        ctx.note(&format!(
            "wrote {} files to {}",
            outputs.len(),
            dir.display()
        ));
    }
    ctx.emit(&created)
}
