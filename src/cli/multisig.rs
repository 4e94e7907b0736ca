//! `coldsign multisig create`: an M-of-N wallet in every format cosigners and coordinators use.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use serde_json::Value;

use super::context::{Context, Report};
use crate::btc::multisig::{parse_key_source, MultisigSetup, MultisigType};
use crate::files::{self, Replace};
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
                String::from_utf8(files::read_input(Path::new(source))?)
                    .map_err(|_| Error::bad_input(format!("{source} is not text")))?
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
        std::fs::create_dir_all(dir).map_err(|source| Error::File {
            action: "cannot create",
            path: dir.clone(),
            source,
        })?;
        let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
        let mut outputs = vec![(
            format!("{}.descriptor", setup.name),
            created.descriptor.clone() + "\n",
        )];
        outputs.extend(
            created
                .bip388
                .as_ref()
                .map(|b| (format!("{}.bip388.json", setup.name), pretty(b))),
        );
        outputs.extend(
            created
                .coldcard
                .as_ref()
                .map(|c| (format!("{}.coldcard.txt", setup.name), c.clone())),
        );
        outputs.extend(
            created
                .caravan
                .as_ref()
                .map(|c| (format!("{}.caravan.json", setup.name), pretty(c))),
        );
        if let Some((name, _)) = outputs.iter().find(|(name, _)| dir.join(name).exists()) {
            return Err(Error::Exists(dir.join(name)));
        }
        for (name, text) in &outputs {
            files::write_atomic(&dir.join(name), text.as_bytes(), 0o644, Replace::Never)?;
        }
        ctx.note(&format!(
            "wrote {} files to {}",
            outputs.len(),
            dir.display()
        ));
    }
    ctx.emit(&created)
}
