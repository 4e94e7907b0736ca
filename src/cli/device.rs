//! `coldsign device …`: list hardware wallets, read xpubs, show and check addresses, register
//! wallet policies on a Ledger; and the device half of `coldsign sign --device`.

use std::path::PathBuf;
use std::str::FromStr;

use bitcoin::bip32::DerivationPath;
use clap::{Args, Subcommand, ValueEnum};

use super::context::Context;
use crate::btc::wallets::{registry_dir, Wallet};
use crate::hw::hid::list_devices;
use crate::i18n::Text;
use crate::report::device::{DeviceAddress, DeviceXpub, Devices, LedgerRegistration};
use crate::signer::device::{Device, DeviceKind};
use crate::{Error, Result};

/// Which hardware wallet (`--device`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeviceArg {
    /// A Ledger with the Bitcoin app (2.1+) or the Ethereum app open.
    Ledger,
    /// A Trezor.
    Trezor,
}

impl From<DeviceArg> for DeviceKind {
    fn from(arg: DeviceArg) -> Self {
        match arg {
            DeviceArg::Ledger => DeviceKind::Ledger,
            DeviceArg::Trezor => DeviceKind::Trezor,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// List Ledger and Trezor devices on USB (model, open app).
    List,
    /// Read the extended public key at a path from the device.
    Xpub(XpubArgs),
    /// Show an address on the device screen and check it against coldsign's own derivation.
    Address(AddressArgs),
    /// Register a multisig or miniscript wallet on a Ledger (stores the HMAC with the wallet).
    Register(RegisterArgs),
}

#[derive(Debug, Args)]
pub struct XpubArgs {
    /// The device.
    #[arg(long, value_enum)]
    device: DeviceArg,
    /// Derivation path, e.g. m/84'/0'/0'.
    #[arg(long)]
    path: String,
}

#[derive(Debug, Args)]
pub struct AddressArgs {
    /// The device.
    #[arg(long, value_enum)]
    device: DeviceArg,
    /// A single-signature path m/purpose'/coin'/account'/change/index.
    #[arg(long, conflicts_with = "wallet", required_unless_present = "wallet")]
    path: Option<String>,
    /// A registered wallet (Ledger).
    #[arg(long, requires = "index")]
    wallet: Option<String>,
    /// Address index within the wallet.
    #[arg(long)]
    index: Option<u32>,
    /// Use the change branch of the wallet.
    #[arg(long)]
    change: bool,
    /// Show the address on the device screen for confirmation.
    #[arg(long)]
    show: bool,
}

#[derive(Debug, Args)]
pub struct RegisterArgs {
    /// The registered wallet (see `coldsign wallet list`).
    #[arg(long)]
    wallet: String,
}

fn parse_path(text: &str) -> Result<DerivationPath> {
    DerivationPath::from_str(text.trim()).map_err(|e| {
        Error::usage(
            format!("invalid derivation path {text:?}: {e}"),
            "write it like m/84'/0'/0'/0/5",
        )
    })
}

fn open(ctx: &Context, kind: DeviceArg) -> Result<Device> {
    Device::open(kind.into(), ctx.network, Vec::new())
}

/// Runs a device command.
pub fn run(ctx: &Context, command: DeviceCommand) -> Result<()> {
    match command {
        DeviceCommand::List => ctx.emit(&Devices(list_devices()?)),
        DeviceCommand::Xpub(args) => {
            let path = parse_path(&args.path)?;
            let xpub = open(ctx, args.device)?.xpub(&path, false)?;
            ctx.emit(&DeviceXpub {
                device: args.device.into(),
                path: args.path,
                xpub: xpub.to_string(),
            })
        }
        DeviceCommand::Address(args) => address(ctx, args),
        DeviceCommand::Register(args) => register(ctx, args),
    }
}

fn load_wallet(ctx: &Context, name: &str) -> Result<(PathBuf, Wallet)> {
    let dir = registry_dir(&ctx.keystore_path()?);
    let wallet = Wallet::named(&dir, name, Text::new("hint-wallet-import-first"))?;
    Ok((dir, wallet))
}

fn register(ctx: &Context, args: RegisterArgs) -> Result<()> {
    let (dir, mut wallet) = load_wallet(ctx, &args.wallet)?;
    let home = super::key::audited_home_if_any(ctx)?;
    let mut device = open(ctx, DeviceArg::Ledger)?;
    ctx.say(Text::new("report-note-confirm-on-ledger"));
    let (fingerprint, hmac) =
        crate::configure::register_on_ledger(&mut device, &mut wallet, &dir, home.as_ref())?;
    ctx.emit(&LedgerRegistration {
        wallet: wallet.name,
        device_fingerprint: fingerprint.to_string(),
        hmac,
    })
}

fn address(ctx: &Context, args: AddressArgs) -> Result<()> {
    let address = match (&args.path, &args.wallet, args.index) {
        (Some(path), _, _) => {
            let path = parse_path(path)?;
            open(ctx, args.device)?.single_sig_address(&path, args.show)?
        }
        (None, Some(name), Some(index)) => {
            let (_, wallet) = load_wallet(ctx, name)?;
            open(ctx, args.device)?.wallet_address(&wallet, args.change, index, args.show)?
        }
        _ => {
            return Err(Error::usage(
                "device address needs --path, or --wallet with --index",
                "see 'coldsign device address --help'",
            ))
        }
    };
    ctx.emit(&DeviceAddress {
        device: args.device.into(),
        address: address.to_string(),
        shown_on_device: args.show,
        matches_coldsign_derivation: true,
    })
}
