//! `coldsign device …`: list hardware wallets, read xpubs, show and check addresses, register
//! wallet policies on a Ledger; and the device half of `coldsign sign --device`.

use std::path::PathBuf;
use std::str::FromStr;

use bitcoin::bip32::{ChildNumber, DerivationPath, Fingerprint, Xpub};
use bitcoin::psbt::Psbt;
use bitcoin::{Address, NetworkKind};
use clap::{Args, Subcommand, ValueEnum};
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use serde::Serialize;

use super::context::{Context, Report};
use crate::btc::wallets::{registry_dir, Wallet};
use crate::hw::hid::{list_devices, DeviceInfo, HidTransport};
use crate::hw::ledger_btc::LedgerBtc;
use crate::hw::policy::{default_policy, standard_of, wallet_policy};
use crate::hw::replay::FakeReplayTransport;
use crate::hw::trezor::TrezorDevice;
use crate::hw::Transport;
use crate::keys::accounts::key_expression;
use crate::signer::InputOutcome;
use crate::{Error, Result};

/// Which hardware wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    /// A Ledger with the Bitcoin app (2.1+) open.
    Ledger,
    /// A Trezor.
    Trezor,
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
    device: DeviceKind,
    /// Derivation path, e.g. m/84'/0'/0'.
    #[arg(long)]
    path: String,
}

#[derive(Debug, Args)]
pub struct AddressArgs {
    /// The device.
    #[arg(long, value_enum)]
    device: DeviceKind,
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

/// A Ledger transport: `COLDSIGN_FAKE_LEDGER=FILE` (a FAKE replaying a transcript, for tests
/// and demos), `COLDSIGN_SPECULOS=host:port`, or USB.
pub fn ledger_transport() -> Result<Box<dyn Transport>> {
    if let Ok(file) = std::env::var("COLDSIGN_FAKE_LEDGER") {
        let text = std::fs::read_to_string(&file).map_err(|source| Error::File {
            action: "cannot read",
            path: file.clone().into(),
            source,
        })?;
        return Ok(Box::new(FakeReplayTransport::from_text(&text)?));
    }
    #[cfg(feature = "online")]
    if let Some(speculos) = crate::hw::speculos::SpeculosTransport::from_env() {
        return Ok(Box::new(speculos?));
    }
    Ok(Box::new(HidTransport::open()?))
}

fn parse_path(text: &str) -> Result<DerivationPath> {
    DerivationPath::from_str(text.trim()).map_err(|e| {
        Error::usage(
            format!("invalid derivation path {text:?}: {e}"),
            "write it like m/84'/0'/0'/0/5",
        )
    })
}

#[derive(Serialize)]
struct Devices(Vec<DeviceInfo>);

impl Report for Devices {
    fn human(&self) -> String {
        if self.0.is_empty() {
            return "no Ledger or Trezor found on USB\n".into();
        }
        self.0
            .iter()
            .map(|d| {
                let extra = d
                    .app
                    .as_deref()
                    .map(|a| format!("  app: {a}"))
                    .or(d.note.as_deref().map(|n| format!("  ({n})")))
                    .unwrap_or_default();
                format!("{}  {}{extra}\n", d.vendor, d.model)
            })
            .collect()
    }
}

#[derive(Serialize)]
struct XpubView {
    device: DeviceKind,
    path: String,
    xpub: String,
}

impl Report for XpubView {
    fn human(&self) -> String {
        format!("{}\n", self.xpub)
    }
}

#[derive(Serialize)]
struct AddressView {
    device: DeviceKind,
    address: String,
    shown_on_device: bool,
    matches_coldsign_derivation: bool,
}

impl Report for AddressView {
    fn human(&self) -> String {
        format!(
            "{}\n(derived independently by coldsign: identical{})\n",
            self.address,
            if self.shown_on_device {
                "; compare it with the device screen"
            } else {
                ""
            }
        )
    }
}

#[derive(Serialize)]
struct Registered {
    wallet: String,
    device_fingerprint: String,
    hmac: String,
}

impl Report for Registered {
    fn human(&self) -> String {
        format!(
            "wallet {} registered on Ledger {}; HMAC stored with the wallet\n",
            self.wallet, self.device_fingerprint
        )
    }
}

/// Runs a device command.
pub fn run(ctx: &Context, command: DeviceCommand) -> Result<()> {
    match command {
        DeviceCommand::List => ctx.emit(&Devices(list_devices()?)),
        DeviceCommand::Xpub(args) => {
            let path = parse_path(&args.path)?;
            let xpub = match args.device {
                DeviceKind::Ledger => {
                    let mut t = ledger_transport()?;
                    let ledger = LedgerBtc::new(&mut *t);
                    ledger.check_app()?;
                    ledger.xpub(&path, false)?
                }
                DeviceKind::Trezor => TrezorDevice::open_usb()?.xpub(&path, ctx.network, false)?,
            };
            ctx.emit(&XpubView {
                device: args.device,
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
    let wallet = Wallet::load_all(&dir)?
        .into_iter()
        .find(|w| w.name == name)
        .ok_or_else(|| {
            Error::usage(
                format!("no wallet named {name:?} is registered"),
                "import it first with 'coldsign wallet import'",
            )
        })?;
    Ok((dir, wallet))
}

fn register(ctx: &Context, args: RegisterArgs) -> Result<()> {
    let (dir, mut wallet) = load_wallet(ctx, &args.wallet)?;
    let policy = wallet_policy(&wallet)?;
    let mut t = ledger_transport()?;
    let ledger = LedgerBtc::new(&mut *t);
    ledger.check_app()?;
    let fingerprint = ledger.fingerprint()?;
    ctx.note("confirm the wallet policy and every cosigner key on the Ledger screen");
    let hmac = data_encoding::HEXLOWER.encode(&ledger.register(&policy)?);
    wallet
        .ledger_hmacs
        .insert(fingerprint.to_string(), hmac.clone());
    wallet.save(&dir, crate::files::Replace::Allowed)?;
    ctx.emit(&Registered {
        wallet: wallet.name,
        device_fingerprint: fingerprint.to_string(),
        hmac,
    })
}

/// Splits m/purpose'/coin'/account'/change/index into the account path, change and index.
fn split_single_sig(path: &DerivationPath) -> Result<(DerivationPath, bool, u32)> {
    let steps: Vec<ChildNumber> = path.into_iter().copied().collect();
    match steps.as_slice() {
        [a, b, c, ChildNumber::Normal { index: change }, ChildNumber::Normal { index }]
            if a.is_hardened() && b.is_hardened() && c.is_hardened() && *change <= 1 =>
        {
            Ok((DerivationPath::from(vec![*a, *b, *c]), *change == 1, *index))
        }
        _ => Err(Error::usage(
            format!("{path} is not a single-signature address path"),
            "use m/purpose'/coin'/account'/change/index with purpose 44, 49, 84 or 86",
        )),
    }
}

/// The address of `descriptor` at `change`/`index`, as coldsign derives it.
fn derive(
    descriptor: &Descriptor<DescriptorPublicKey>,
    change: bool,
    index: u32,
    network: bitcoin::Network,
) -> Result<Address> {
    let single = descriptor
        .clone()
        .into_single_descriptors()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let branch = single
        .get(usize::from(change))
        .ok_or_else(|| Error::Internal("descriptor without a change branch".into()))?;
    branch
        .at_derivation_index(index)
        .map_err(|e| Error::bad_input(format!("cannot derive index {index}: {e}")))?
        .address(network)
        .map_err(|e| Error::bad_input(format!("no address for this script: {e}")))
}

/// The single-sig descriptor of the account key `[fp/account]xpub`.
fn account_descriptor(
    path: &DerivationPath,
    fingerprint: Fingerprint,
    xpub: &Xpub,
) -> Result<Descriptor<DescriptorPublicKey>> {
    let standard = standard_of(path).ok_or_else(|| {
        Error::usage(
            format!("{path} is not a BIP44/49/84/86 account"),
            "use purpose 44', 49', 84' or 86'",
        )
    })?;
    let (open, close) = standard
        .descriptor_template()
        .ok_or_else(|| Error::usage(format!("{path} is a multisig key path"), "use --wallet"))?;
    let key = key_expression(fingerprint, path, xpub);
    Descriptor::from_str(&format!("{open}{key}/<0;1>/*{close}"))
        .map_err(|e| Error::Internal(e.to_string()))
}

fn refuse_mismatch(device: &Address, ours: &Address) -> Result<()> {
    if device == ours {
        return Ok(());
    }
    Err(Error::Verification(format!(
        "the device shows {device} but coldsign derives {ours}: do not use this address"
    )))
}

fn address(ctx: &Context, args: AddressArgs) -> Result<()> {
    let network = ctx.network;
    let kind = NetworkKind::from(network);
    let address = match (args.device, &args.path, &args.wallet) {
        (DeviceKind::Ledger, Some(path), _) => {
            let (account, change, index) = split_single_sig(&parse_path(path)?)?;
            let mut t = ledger_transport()?;
            let ledger = LedgerBtc::new(&mut *t);
            ledger.check_app()?;
            let fp = ledger.fingerprint()?;
            let mut xpub = ledger.xpub(&account, false)?;
            xpub.network = kind;
            let standard = standard_of(&account).ok_or_else(|| {
                Error::usage(
                    "the path's purpose is not 44', 49', 84' or 86'",
                    "see --help",
                )
            })?;
            let policy = default_policy(standard, fp, account.clone(), xpub)
                .expect("single-sig standards have a template");
            let shown = ledger
                .address(&policy, None, change, index, args.show)?
                .require_network(network)
                .map_err(|e| Error::Verification(format!("device address: {e}")))?;
            let ours = derive(
                &account_descriptor(&account, fp, &xpub)?,
                change,
                index,
                network,
            )?;
            refuse_mismatch(&shown, &ours)?;
            shown
        }
        (DeviceKind::Trezor, Some(path), _) => {
            let full = parse_path(path)?;
            let (account, change, index) = split_single_sig(&full)?;
            let mut dev = TrezorDevice::open_usb()?;
            let xpub = dev.xpub(&account, network, false)?;
            let shown = dev.address(&full, network, args.show)?;
            // The fingerprint does not enter the script; any value derives the same address.
            let ours = derive(
                &account_descriptor(&account, Fingerprint::default(), &xpub)?,
                change,
                index,
                network,
            )?;
            refuse_mismatch(&shown, &ours)?;
            shown
        }
        (DeviceKind::Ledger, None, Some(name)) => {
            let (_, wallet) = load_wallet(ctx, name)?;
            let index = args.index.expect("clap requires --index with --wallet");
            let policy = wallet_policy(&wallet)?;
            let mut t = ledger_transport()?;
            let ledger = LedgerBtc::new(&mut *t);
            ledger.check_app()?;
            let fp = ledger.fingerprint()?.to_string();
            let hmac = hmac_for(&wallet, &fp)?;
            let shown = ledger
                .address(&policy, Some(&hmac), args.change, index, args.show)?
                .require_network(network)
                .map_err(|e| Error::Verification(format!("device address: {e}")))?;
            let ours = derive(&wallet.descriptor, args.change, index, network)?;
            refuse_mismatch(&shown, &ours)?;
            shown
        }
        (DeviceKind::Trezor, None, Some(_)) => {
            return Err(Error::usage(
                "registered wallets are shown on a Ledger only here",
                "use --path for single-signature addresses on a Trezor",
            ))
        }
        (_, None, None) => unreachable!("clap requires --path or --wallet"),
    };
    ctx.emit(&AddressView {
        device: args.device,
        address: address.to_string(),
        shown_on_device: args.show,
        matches_coldsign_derivation: true,
    })
}

fn hmac_for(wallet: &Wallet, fingerprint: &str) -> Result<[u8; 32]> {
    let hex = wallet.ledger_hmacs.get(fingerprint).ok_or_else(|| {
        Error::usage(
            format!(
                "wallet {:?} is not registered on Ledger {fingerprint}",
                wallet.name
            ),
            format!(
                "run 'coldsign device register --wallet {}' first",
                wallet.name
            ),
        )
    })?;
    data_encoding::HEXLOWER
        .decode(hex.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| Error::bad_input(format!("wallet {:?}: damaged ledger HMAC", wallet.name)))
}

/// A hardware wallet opened for `sign --device` (the Ledger's Bitcoin app checked).
pub struct Session {
    conn: Conn,
}

enum Conn {
    Ledger(Box<dyn Transport>),
    Trezor(Box<TrezorDevice>),
}

impl Session {
    /// Opens the device of `kind`.
    pub fn open(kind: DeviceKind) -> Result<Self> {
        let conn = match kind {
            DeviceKind::Ledger => {
                let mut t = ledger_transport()?;
                LedgerBtc::new(&mut *t).check_app()?;
                Conn::Ledger(t)
            }
            DeviceKind::Trezor => Conn::Trezor(Box::new(TrezorDevice::open_usb()?)),
        };
        Ok(Session { conn })
    }

    /// The device's master key fingerprint.
    pub fn fingerprint(&mut self, network: bitcoin::Network) -> Result<Fingerprint> {
        Ok(match &mut self.conn {
            Conn::Ledger(t) => LedgerBtc::new(&mut **t).fingerprint()?,
            Conn::Trezor(dev) => dev
                .xpub(&DerivationPath::master(), network, false)?
                .fingerprint(),
        })
    }

    /// The xpub at `path` (not shown on the screen), marked for `network`.
    pub fn xpub(&mut self, path: &DerivationPath, network: bitcoin::Network) -> Result<Xpub> {
        let mut xpub = match &mut self.conn {
            Conn::Ledger(t) => LedgerBtc::new(&mut **t).xpub(path, false)?,
            Conn::Trezor(dev) => dev.xpub(path, network, false)?,
        };
        xpub.network = NetworkKind::from(network);
        Ok(xpub)
    }

    /// The device signs what the computer reviewed; each signature is verified against
    /// coldsign's sighash before it enters `psbt`. `fingerprint` is the device's.
    pub fn sign_psbt(
        &mut self,
        ctx: &Context,
        psbt: &mut Psbt,
        wallets: &[Wallet],
        fingerprint: Fingerprint,
    ) -> Result<Vec<InputOutcome>> {
        match &mut self.conn {
            Conn::Ledger(t) => {
                ledger_sign(ctx, &LedgerBtc::new(&mut **t), psbt, wallets, fingerprint)
            }
            Conn::Trezor(dev) => {
                ctx.note("confirm the transaction on the Trezor screen");
                Ok(dev.sign_psbt(psbt, ctx.network)?)
            }
        }
    }
}

/// `sign --device` with a keystore: the review proved ownership with the keystore, so a
/// device with another seed (`our_fingerprint` is the keystore's) is refused.
pub fn sign_psbt(
    ctx: &Context,
    kind: DeviceKind,
    psbt: &mut Psbt,
    wallets: &[Wallet],
    our_fingerprint: Fingerprint,
) -> Result<Vec<InputOutcome>> {
    let mut session = Session::open(kind)?;
    let fp = session.fingerprint(ctx.network)?;
    if fp != our_fingerprint {
        return Err(Error::Verification(format!(
            "the device's seed (fingerprint {fp}) is not this keystore's ({our_fingerprint})"
        )));
    }
    session.sign_psbt(ctx, psbt, wallets, fp)
}

fn ledger_sign(
    ctx: &Context,
    ledger: &LedgerBtc,
    psbt: &mut Psbt,
    wallets: &[Wallet],
    fp: Fingerprint,
) -> Result<Vec<InputOutcome>> {
    let multisig = psbt
        .inputs
        .iter()
        .any(|i| i.bip32_derivation.len() > 1 || i.tap_key_origins.len() > 1);
    ctx.note("confirm the transaction on the Ledger screen");
    if multisig {
        let registered: Vec<&Wallet> = wallets
            .iter()
            .filter(|w| w.ledger_hmacs.contains_key(&fp.to_string()))
            .collect();
        let [wallet] = registered.as_slice() else {
            return Err(Error::usage(
                "multisig signing on a Ledger needs exactly one wallet registered on it",
                "run 'coldsign device register --wallet NAME'",
            ));
        };
        let hmac = hmac_for(wallet, &fp.to_string())?;
        return Ok(ledger.sign_into(psbt, &wallet_policy(wallet)?, Some(&hmac))?);
    }
    let path = psbt
        .inputs
        .iter()
        .flat_map(|i| {
            i.bip32_derivation
                .values()
                .chain(i.tap_key_origins.values().map(|(_, s)| s))
        })
        .find(|(f, _)| *f == fp)
        .map(|(_, p)| p.clone())
        .ok_or_else(|| {
            Error::usage(
                "no input carries a key of this device",
                "check the PSBT's BIP32 derivations",
            )
        })?;
    let account = DerivationPath::from(path[..3.min(path.len())].to_vec());
    let standard = standard_of(&account).ok_or_else(|| {
        Error::usage(
            format!("{path} is not a standard single-sig path"),
            "register the wallet and sign with it",
        )
    })?;
    let mut xpub = ledger.xpub(&account, false)?;
    xpub.network = NetworkKind::from(ctx.network);
    let policy = default_policy(standard, fp, account, xpub).expect("single-sig standard");
    Ok(ledger.sign_into(psbt, &policy, None)?)
}
