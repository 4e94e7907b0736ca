//! Bitcoin PSBT commands beside signing: digest, finalize, combine, convert.

use std::path::{Path, PathBuf};

use bitcoin::consensus::encode::serialize_hex;
use bitcoin::psbt::Psbt;
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::context::{Context, Report};
use super::sign::write;
use crate::btc::finalize::{self, FinalizeOutcome};
use crate::btc::psbt_v2::PsbtVersion;
use crate::files;
use crate::request::{Encoding, PsbtFile};
use crate::review::bitcoin::canonical_intent;
use crate::{Error, Result};

#[derive(Debug, Args)]
pub struct DigestArgs {
    /// PSBT file (binary, base64, hex, UR text or QR image), or - for stdin.
    file: PathBuf,
}

#[derive(Debug, Args)]
pub struct FinalizeArgs {
    /// PSBT file, or - for stdin.
    file: PathBuf,
    /// Output file (- for stdout).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Write the final network transaction as hex instead of a PSBT.
    #[arg(long)]
    extract: bool,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
pub struct CombineArgs {
    /// Two or more PSBTs of the same transaction.
    #[arg(required = true, num_args = 2..)]
    files: Vec<PathBuf>,
    /// Output file (- for stdout).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Target {
    /// PSBT version 0 (BIP174).
    V0,
    /// PSBT version 2 (BIP370).
    V2,
    /// Base64 text.
    Base64,
    /// Hex text.
    Hex,
    /// Raw bytes.
    Binary,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// PSBT file, or - for stdin.
    file: PathBuf,
    /// Target version and/or encoding (repeatable, e.g. --to v2 --to hex).
    #[arg(long, required = true, value_enum)]
    to: Vec<Target>,
    /// Output file (- for stdout).
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

/// Reads and decodes a PSBT file (or stdin).
pub fn read_psbt(path: &Path) -> Result<PsbtFile> {
    let data = files::read_input(path)?;
    Ok(PsbtFile::decode(&data)?)
}

#[derive(Serialize)]
struct Digest {
    intent_digest: String,
    txid: String,
    network: String,
}

impl Report for Digest {
    fn human(&self) -> String {
        format!(
            "intent digest  {}\ntxid           {}\n",
            self.intent_digest, self.txid
        )
    }
}

/// `coldsign digest`: the intent digest without any key (for the online host).
pub fn digest(ctx: &Context, args: DigestArgs) -> Result<()> {
    let file = PsbtFile::decode(&files::read_input(&args.file)?)?;
    ctx.emit(&Digest {
        intent_digest: crate::review::intent_digest(&canonical_intent(&file.psbt, ctx.network)),
        txid: file.psbt.unsigned_tx.compute_txid().to_string(),
        network: ctx.network.to_string(),
    })
}

#[derive(Serialize)]
struct Finalized<'a> {
    inputs: Vec<FinalizeOutcome>,
    complete: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    txid: Option<String>,
    output: &'a Path,
}

impl Report for Finalized<'_> {
    fn human(&self) -> String {
        let mut s = String::new();
        for i in self.inputs.iter().filter(|i| !i.finalized) {
            s.push_str(&format!(
                "input {}: not final: {}\n",
                i.index,
                i.error.as_deref().unwrap_or("?")
            ));
        }
        if let Some(txid) = &self.txid {
            s.push_str(&format!("complete; every input verified by Bitcoin Core's script interpreter; txid {txid}\n"));
        }
        s
    }
}

/// `coldsign finalize`.
pub fn finalize(ctx: &Context, args: FinalizeArgs) -> Result<()> {
    let file = read_psbt(&args.file)?;
    let mut psbt = file.psbt.clone();
    let outcomes = finalize::finalize(&mut psbt);
    let tx = finalize::extract(&psbt).ok();
    if let Some(tx) = &tx {
        let spent = finalize::spent_outputs(&psbt).map_err(|e| Error::bad_input(e.to_string()))?;
        finalize::verify(tx, &spent).map_err(|e| Error::Verification(e.to_string()))?;
    }
    let (data, binary) = match (&tx, args.extract) {
        (Some(tx), true) => ((serialize_hex(tx) + "\n").into_bytes(), false),
        (None, true) => {
            let first = outcomes
                .iter()
                .find(|o| !o.finalized)
                .map(|o| o.index)
                .unwrap_or(0);
            let why = outcomes
                .iter()
                .find(|o| !o.finalized)
                .and_then(|o| o.error.clone())
                .unwrap_or_default();
            return Err(Error::usage(
                format!("cannot extract: input {first} is not final ({why})"),
                "collect the missing signatures first",
            ));
        }
        (_, false) => (file.encode_like(&psbt)?, file.encoding == Encoding::Binary),
    };
    write(&args.output, &data, binary, args.force)?;
    let report = Finalized {
        complete: tx.is_some(),
        txid: tx.as_ref().map(|t| t.compute_txid().to_string()),
        inputs: outcomes,
        output: &args.output,
    };
    if args.output == Path::new("-") {
        if !ctx.json {
            eprint!("{}", report.human());
        }
        return Ok(());
    }
    ctx.emit(&report)
}

/// `coldsign combine`.
pub fn combine(_ctx: &Context, args: CombineArgs) -> Result<()> {
    let mut files = args.files.iter().map(|p| read_psbt(p).map(|f| (p, f)));
    let (_, first) = files.next().expect("clap requires two files")?;
    let mut combined: Psbt = first.psbt.clone();
    for next in files {
        let (path, next) = next?;
        combined
            .combine(next.psbt)
            .map_err(|e| Error::bad_input(format!("cannot combine {}: {e}", path.display())))?;
    }
    write(
        &args.output,
        &first.encode_like(&combined)?,
        first.encoding == Encoding::Binary,
        args.force,
    )
}

/// `coldsign convert`.
pub fn convert(_ctx: &Context, args: ConvertArgs) -> Result<()> {
    let file = read_psbt(&args.file)?;
    let mut version = file.version;
    let mut encoding = file.encoding;
    for t in &args.to {
        match t {
            Target::V0 => version = PsbtVersion::V0,
            Target::V2 => version = PsbtVersion::V2,
            Target::Base64 => encoding = Encoding::Base64,
            Target::Hex => encoding = Encoding::Hex,
            Target::Binary => encoding = Encoding::Binary,
        }
    }
    write(
        &args.output,
        &file.encode(version, encoding)?,
        encoding == Encoding::Binary,
        args.force,
    )
}
