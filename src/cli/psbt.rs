//! Bitcoin PSBT commands beside signing: digest, finalize, combine, convert.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::context::{Context, Report};
use super::sign::write;
use crate::btc::psbt_tools;
use crate::btc::psbt_v2::PsbtVersion;
use crate::report::psbt::{Digest, Finalized};
use crate::request::Encoding;
use crate::Result;

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
    /// Convert to version 0 even when version 2 fields it cannot carry (modifiable flags,
    /// required lock times) would be dropped.
    #[arg(long)]
    lossy: bool,
}

/// `coldsign digest`: the intent digest without any key (for the online host).
pub fn digest(ctx: &Context, args: DigestArgs) -> Result<()> {
    let file = psbt_tools::read(&args.file)?;
    ctx.emit(&Digest::new(&file.psbt, ctx.network_for(&file.psbt).ok()))
}

/// `coldsign finalize`.
pub fn finalize(ctx: &Context, args: FinalizeArgs) -> Result<()> {
    let finalized = psbt_tools::finalize(&psbt_tools::read(&args.file)?, args.extract)?;
    write(&args.output, &finalized.data, finalized.binary, args.force)?;
    let report = Finalized::new(finalized, &args.output);
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
    let files = args
        .files
        .iter()
        .map(|p| psbt_tools::read(p).map(|f| (p.as_path(), f)));
    let (data, binary) = psbt_tools::combine(files)?;
    write(&args.output, &data, binary, args.force)
}

/// `coldsign convert`.
pub fn convert(_ctx: &Context, args: ConvertArgs) -> Result<()> {
    let file = psbt_tools::read(&args.file)?;
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
    let data = psbt_tools::convert(&file, version, encoding, args.lossy)?;
    write(
        &args.output,
        &data,
        encoding == Encoding::Binary,
        args.force,
    )
}
