//! The online host's commands: `wallet add|addresses|sync` for watch-only wallets, `build`,
//! `broadcast` and `bump`. Network access happens only in `wallet sync`, `broadcast`, and
//! `build`/`bump` with `--target-blocks`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use bitcoin::psbt::Psbt;
use bitcoin::{FeeRate, Txid};
use clap::{Args, ValueEnum};

use super::context::{Context, Report};
use crate::btc::psbt_tools;
use crate::files::{self, Replace};
use crate::keys::accounts::Standard;
use crate::online::backend::Backend;
use crate::online::build;
use crate::online::config::Config;
use crate::online::deliver::Unsigned;
use crate::online::import;
use crate::online::payouts::Payout;
use crate::online::store::{self, WatchSummary};
use crate::report::online::{Added, AddressView, Addresses, Broadcast, Built};
use crate::review::render::bitcoin::{self as review_view, btc};
use crate::Result;

/// Which backend to use and how to log in.
#[derive(Debug, Args)]
pub struct BackendArgs {
    /// core:http://HOST:PORT or electrum:tcp://HOST:PORT / electrum:ssl://HOST:PORT
    /// [default: `backend` in the config file].
    #[arg(long, value_name = "SPEC", env = "COLDSIGN_BACKEND")]
    backend: Option<String>,
    /// Bitcoin Core cookie file (in the node's datadir).
    #[arg(long, value_name = "FILE")]
    rpc_cookie: Option<PathBuf>,
    /// Bitcoin Core RPC user (with --rpc-password-file or COLDSIGN_RPC_PASSWORD).
    #[arg(long, value_name = "USER")]
    rpc_user: Option<String>,
    /// File whose first line is the Bitcoin Core RPC password.
    #[arg(long, value_name = "FILE")]
    rpc_password_file: Option<PathBuf>,
    /// Accept any TLS certificate from the Electrum server (self-signed servers).
    #[arg(long)]
    insecure_tls: bool,
}

impl BackendArgs {
    /// Connects to the backend for `network` (these options win over the config file).
    pub fn connect(&self, network: bitcoin::Network) -> Result<Backend> {
        let given = Config {
            network: None,
            backend: self.backend.clone(),
            rpc_cookie: self.rpc_cookie.clone(),
            rpc_user: self.rpc_user.clone(),
            rpc_password_file: self.rpc_password_file.clone(),
            electrum_insecure_tls: Some(self.insecure_tls),
        };
        Config::connect_overriding(given, network)
    }
}

/// Script types of single-signature exports.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ScriptArg {
    /// Native segwit (BIP84).
    P2wpkh,
    /// Taproot (BIP86).
    P2tr,
    /// Nested segwit (BIP49).
    P2shP2wpkh,
    /// Legacy (BIP44).
    P2pkh,
}

impl From<ScriptArg> for Standard {
    fn from(s: ScriptArg) -> Self {
        match s {
            ScriptArg::P2wpkh => Standard::Bip84,
            ScriptArg::P2tr => Standard::Bip86,
            ScriptArg::P2shP2wpkh => Standard::Bip49,
            ScriptArg::P2pkh => Standard::Bip44,
        }
    }
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Wallet name.
    name: String,
    /// A `<0;1>` descriptor, or twice: the receive then the change descriptor.
    #[arg(
        long,
        num_args = 1,
        conflicts_with = "from_export",
        required_unless_present = "from_export"
    )]
    descriptor: Vec<String>,
    /// coldsign's `key export --watch-only` (text or JSON), a descriptor file, a BIP388 /
    /// Coldcard / Caravan multisig file, or a `[fingerprint/path]` SLIP-132 xpub.
    #[arg(long, value_name = "FILE")]
    from_export: Option<PathBuf>,
    /// The account to take from a multi-account export, or the script of a plain xpub.
    #[arg(long, value_enum, default_value_t = ScriptArg::P2wpkh)]
    script: ScriptArg,
    /// First block height that can hold the wallet's coins (Core scans from here).
    #[arg(long, value_name = "HEIGHT", default_value_t = 0)]
    birthday: u32,
}

#[derive(Debug, Args)]
pub struct AddressesArgs {
    /// Wallet name.
    name: String,
    /// How many new receive addresses to hand out.
    #[arg(long, default_value_t = 1)]
    count: u32,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Wallet name.
    name: String,
    #[command(flatten)]
    backend: BackendArgs,
}

#[derive(Debug, Args)]
pub struct FeeArgs {
    /// Fee rate in sat/vB (decimals allowed).
    #[arg(long, value_name = "SAT_PER_VB", conflicts_with = "target_blocks")]
    fee_rate: Option<f64>,
    /// Ask the backend for the rate that confirms within N blocks.
    #[arg(long, value_name = "N")]
    target_blocks: Option<u16>,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Where to write the unsigned PSBT (base64; - for stdout).
    #[arg(short, long)]
    output: PathBuf,
    /// Write PSBT version 2 (BIP370) instead of version 0.
    #[arg(long)]
    psbt_v2: bool,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    /// Also show the PSBT as an animated BC-UR QR code (UR text lines when stdout is not a
    /// terminal).
    #[arg(long)]
    qr: bool,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Watch-only wallet name.
    name: String,
    /// A payment ADDRESS:AMOUNT (BTC, or with a `sat` suffix); repeat for several.
    #[arg(long, value_name = "ADDR:AMOUNT")]
    to: Vec<String>,
    /// A payout CSV file: address,amount[,label] per row.
    #[arg(long, value_name = "FILE", conflicts_with = "to")]
    recipients: Option<PathBuf>,
    /// Send everything (or the --utxo coins) minus the fee to the one --to ADDRESS.
    #[arg(long, conflicts_with = "recipients")]
    send_max: bool,
    /// Move every coin (or the --utxo coins) to the wallet's own change branch.
    #[arg(long, conflicts_with_all = ["to", "recipients", "send_max"])]
    consolidate: bool,
    /// Spend exactly this coin, TXID:VOUT (repeat for several).
    #[arg(long, value_name = "TXID:VOUT")]
    utxo: Vec<String>,
    /// Do not signal replaceability (RBF is on by default).
    #[arg(long)]
    no_rbf: bool,
    #[command(flatten)]
    fee: FeeArgs,
    #[command(flatten)]
    out: OutputArgs,
    #[command(flatten)]
    backend: BackendArgs,
}

#[derive(Debug, Args)]
pub struct BumpArgs {
    /// The unconfirmed transaction to replace.
    txid: String,
    /// Watch-only wallet that sent it.
    #[arg(long)]
    wallet: String,
    #[command(flatten)]
    fee: FeeArgs,
    #[command(flatten)]
    out: OutputArgs,
    #[command(flatten)]
    backend: BackendArgs,
}

#[derive(Debug, Args)]
pub struct BroadcastArgs {
    /// Signed PSBT (finalized here if needed; every input verified first).
    file: PathBuf,
    #[command(flatten)]
    backend: BackendArgs,
}

impl Report for WatchSummary {
    fn human(&self) -> String {
        let mut s = format!(
            "watch-only wallet {} ({}), synced to height {}\n  {}\n  balance {} (confirmed {}, unconfirmed {})\n",
            self.name,
            self.network,
            self.tip_height,
            self.descriptor,
            btc(self.balance.total),
            btc(self.balance.confirmed),
            btc(self.balance.unconfirmed)
        );
        for u in &self.utxos {
            s.push_str(&format!(
                "  {}  {}  {}/{}{}\n",
                u.outpoint,
                btc(u.amount),
                u.keychain,
                u.index,
                if u.confirmed { "" } else { "  unconfirmed" }
            ));
        }
        s
    }
}

/// `wallet add`.
pub fn add(ctx: &Context, args: AddArgs) -> Result<()> {
    let dir = &ctx.wallet_dir()?;
    let descriptor = match &args.from_export {
        Some(path) => import::from_export(&files::read_text(path)?, args.script.into())?,
        None => import::from_descriptors(&args.descriptor)?,
    };
    let (path, w) =
        store::WatchWallet::add(dir, &args.name, &descriptor, ctx.network, args.birthday)?;
    ctx.emit(&Added::new(args.name, &w, &descriptor, path))
}

/// `wallet addresses`.
pub fn addresses(ctx: &Context, args: AddressesArgs) -> Result<()> {
    let dir = &ctx.wallet_dir()?;
    let mut w = store::WatchWallet::open(dir, &args.name)?;
    let addresses = w
        .reveal_receive(args.count.max(1))?
        .into_iter()
        .map(AddressView::from)
        .collect();
    ctx.emit(&Addresses {
        wallet: args.name,
        addresses,
    })
}

fn progress_bar() -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("syncing {bar:30} {pos}/{len} ({eta})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    bar
}

/// `wallet sync`.
pub fn sync(ctx: &Context, args: SyncArgs) -> Result<()> {
    let dir = &ctx.wallet_dir()?;
    let mut w = store::WatchWallet::open(dir, &args.name)?;
    let backend = args.backend.connect(w.network())?;
    w.sync(&backend, &progress_bar())?;
    ctx.emit(&w.summary())
}

fn fee_rate(fee: &FeeArgs, backend: &BackendArgs, network: bitcoin::Network) -> Result<FeeRate> {
    build::choose_fee_rate(fee.fee_rate, fee.target_blocks, |target| {
        backend.connect(network)?.estimate_fee_rate(target)
    })
}

/// Reviews `psbt` as the signer will, writes it, prints the review (and the QR).
fn deliver(
    ctx: &Context,
    w: &store::WatchWallet,
    psbt: &Psbt,
    out: &OutputArgs,
    replaces: Option<Txid>,
    payouts: &[Payout],
) -> Result<()> {
    let unsigned = Unsigned::new(w, psbt, out.psbt_v2, payouts, out.qr)?;
    files::write_output_with(&out.output, Replace::allowed_if(out.force), &|file| {
        unsigned.base64.write_to(file)
    })?;
    let mut built = Built {
        output: &out.output,
        replaces: replaces.map(|t| t.to_string()),
        review: &unsigned.review,
        qr: None,
        rendered: review_view::render_from(&unsigned.review, review_view::Vantage::Host),
    };
    if ctx.json {
        if let Some(raw) = &unsigned.binary {
            built.qr = super::qr::show_psbt(ctx, raw)?;
        }
        return ctx.emit(&built);
    }
    if out.output == Path::new("-") {
        eprint!("{}", built.human());
    } else {
        ctx.emit(&built)?;
    }
    if let Some(raw) = &unsigned.binary {
        super::qr::show_psbt(ctx, raw)?;
    }
    Ok(())
}

/// `coldsign build`.
pub fn build_cmd(ctx: &Context, args: BuildArgs) -> Result<()> {
    let dir = &ctx.wallet_dir()?;
    let mut w = store::WatchWallet::open(dir, &args.name)?;
    let network = w.network();
    let csv = args
        .recipients
        .as_deref()
        .map(files::read_text)
        .transpose()?;
    let request = build::Request {
        consolidate: args.consolidate,
        send_max: args.send_max,
        to: &args.to,
        csv: csv.as_deref(),
        utxos: &args.utxo,
        rbf: !args.no_rbf,
    };
    let (options, payouts) =
        request.options(network, || fee_rate(&args.fee, &args.backend, network))?;
    let psbt = build::build(&mut w.wallet, &options)?;
    deliver(ctx, &w, &psbt, &args.out, None, &payouts)?;
    // The change address is handed out only once the PSBT is written.
    w.persist()
}

/// `coldsign bump`.
pub fn bump_cmd(ctx: &Context, args: BumpArgs) -> Result<()> {
    let dir = &ctx.wallet_dir()?;
    let txid = build::parse_txid(&args.txid)?;
    let mut w = store::WatchWallet::open(dir, &args.wallet)?;
    let rate = fee_rate(&args.fee, &args.backend, w.network())?;
    let psbt = build::bump(&mut w.wallet, txid, rate)?;
    deliver(ctx, &w, &psbt, &args.out, Some(txid), &[])?;
    w.persist()
}

/// `coldsign broadcast`.
pub fn broadcast(ctx: &Context, args: BroadcastArgs) -> Result<()> {
    let mut psbt = psbt_tools::read(&args.file)?.psbt;
    let tx = psbt_tools::final_transaction(&mut psbt)?;
    let txid = args.backend.connect(ctx.network)?.broadcast(&tx)?;
    ctx.emit(&Broadcast {
        txid: txid.to_string(),
    })
}
