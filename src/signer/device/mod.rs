//! Hardware wallets as [`Signer`]s: a Ledger (Bitcoin app 2.1+, Ethereum app) or a Trezor,
//! opened once and used for both chains. The device is the second screen: coldsign reviews
//! first, the device shows and signs, and what it returns is verified (Bitcoin signatures
//! against coldsign's own sighash as they are merged; Ethereum signatures by recovery in the
//! ceremony).

mod address;

use bitcoin::bip32::{DerivationPath, Fingerprint, Xpub};
use bitcoin::psbt::Psbt;
use bitcoin::secp256k1::Secp256k1;
use bitcoin::{Network, NetworkKind};
use serde::Serialize;

use super::{
    capabilities, HardwareSigner, InputOutcome, Signed, Signer, SignerInfo, TypedDataSupport,
};
use crate::btc::ownership::Policies;
use crate::btc::wallets::Wallet;
use crate::eth::{EthPayload, EthRequest};
use crate::hw::eth_signer;
use crate::hw::hid::HidTransport;
use crate::hw::ledger_btc::LedgerBtc;
use crate::hw::ledger_eth::LedgerEth;
use crate::hw::policy::{default_policy, standard_of, wallet_policy};
use crate::hw::trezor::TrezorDevice;
use crate::hw::trezor_tx::{KnownKeys, TxPlan};
use crate::hw::{DeviceError, Step, Transport, LEDGER, TREZOR};
use crate::i18n::Text;
use crate::keys::accounts::display_path;
use crate::keys::ethereum::EthLayout;
use crate::prompt::Prompt;
use crate::request::Request;
use crate::review::Review;
use crate::{Error, Result};

/// Which hardware wallet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DeviceKind {
    /// A Ledger with the Bitcoin app (2.1+) or the Ethereum app open.
    Ledger,
    /// A Trezor.
    Trezor,
}

/// A Ledger transport: the Speculos emulator when built with the `emulator` feature and
/// `COLDSIGN_SPECULOS` is set, otherwise USB. (Test builds with the `test-fakes` feature also
/// replay a recorded transcript named by `COLDSIGN_FAKE_LEDGER`.)
pub fn ledger_transport() -> Result<Box<dyn Transport>> {
    #[cfg(feature = "test-fakes")]
    if let Ok(file) = std::env::var("COLDSIGN_FAKE_LEDGER") {
        let text = std::fs::read_to_string(&file).map_err(|source| Error::File {
            action: "cannot read",
            path: file.clone().into(),
            source,
        })?;
        return Ok(Box::new(crate::hw::replay::FakeReplayTransport::from_text(
            &text,
        )?));
    }
    #[cfg(feature = "emulator")]
    if let Some(speculos) = crate::hw::speculos::SpeculosTransport::from_env() {
        return Ok(Box::new(speculos?));
    }
    Ok(Box::new(HidTransport::open()?))
}

/// A Trezor: the emulator when built with the `emulator` feature and `COLDSIGN_TREZOR_EMU`
/// is set (`udp:host:port`; its button requests approved through the debug link at
/// `COLDSIGN_TREZOR_DEBUGLINK`, when set, after the device asked; declined instead when
/// `COLDSIGN_TREZOR_DEBUGLINK_ANSWER=no`), otherwise USB.
pub fn trezor_device() -> Result<TrezorDevice, DeviceError> {
    #[cfg(feature = "emulator")]
    if let Some(addr) = emulator_address("COLDSIGN_TREZOR_EMU") {
        let debug_link = emulator_address("COLDSIGN_TREZOR_DEBUGLINK");
        let approve = std::env::var("COLDSIGN_TREZOR_DEBUGLINK_ANSWER").as_deref() != Ok("no");
        return TrezorDevice::open_emulator(
            &addr,
            debug_link.as_deref(),
            approve,
            crate::hw::READ_TIMEOUT,
        );
    }
    TrezorDevice::open_usb()
}

/// The `host:port` in the variable `name` (`udp:` prefix optional), when it is set.
#[cfg(feature = "emulator")]
fn emulator_address(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|a| a.trim_start_matches("udp:").to_string())
        .filter(|a| !a.is_empty())
}

enum Conn {
    Ledger(Box<dyn Transport>),
    Trezor(Box<TrezorDevice>),
}

/// An open hardware wallet.
pub struct Device {
    conn: Conn,
    network: Network,
    wallets: Vec<Wallet>,
    /// The master fingerprint the keystore proved ownership with, when a keystore did: a
    /// device holding another seed is refused before it signs.
    required_fingerprint: Option<Fingerprint>,
    bitcoin_app_checked: bool,
    /// The Ledger Ethereum app's version, read before typed data is reviewed.
    ethereum_app: Option<(u8, u8, u8)>,
}

impl Device {
    /// Opens the device of `kind` for `network`; `wallets` are the registered wallets (a
    /// Ledger signs multisig through the one registered on it).
    pub fn open(kind: DeviceKind, network: Network, wallets: Vec<Wallet>) -> Result<Self> {
        let conn = match kind {
            DeviceKind::Ledger => Conn::Ledger(ledger_transport()?),
            DeviceKind::Trezor => Conn::Trezor(Box::new(
                trezor_device().map_err(|e| e.during(TREZOR, Step::Connect))?,
            )),
        };
        Ok(Device {
            conn,
            network,
            wallets,
            required_fingerprint: None,
            bitcoin_app_checked: false,
            ethereum_app: None,
        })
    }

    /// "Ledger" or "Trezor".
    pub fn name(&self) -> &'static str {
        self.info().name
    }

    /// "ledger" or "trezor": how device errors name the device.
    fn tag(&self) -> &'static str {
        match self.conn {
            Conn::Ledger(_) => LEDGER,
            Conn::Trezor(_) => TREZOR,
        }
    }

    /// Names the device and `step` in a device error.
    fn at(&self, step: Step) -> impl FnOnce(DeviceError) -> DeviceError {
        let tag = self.tag();
        move |e| e.during(tag, step)
    }

    /// The Ledger's Bitcoin app (checked once to be 2.1 or later), or `None` on a Trezor.
    fn ledger_btc(&mut self) -> Result<Option<LedgerBtc<'_>>> {
        let Conn::Ledger(t) = &mut self.conn else {
            return Ok(None);
        };
        let ledger = LedgerBtc::new(&mut **t);
        if !self.bitcoin_app_checked {
            ledger
                .check_app()
                .map_err(|e| e.during(LEDGER, Step::CheckApp))?;
            self.bitcoin_app_checked = true;
        }
        Ok(Some(ledger))
    }

    /// The device's master key fingerprint.
    pub fn fingerprint(&mut self) -> Result<Fingerprint> {
        let network = self.network;
        let at = self.at(Step::Fingerprint);
        if let Some(ledger) = self.ledger_btc()? {
            return Ok(ledger.fingerprint().map_err(at)?);
        }
        match &mut self.conn {
            Conn::Trezor(dev) => Ok(dev
                .xpub(&DerivationPath::master(), network, false)
                .map_err(at)?
                .fingerprint()),
            Conn::Ledger(_) => Err(Error::Internal("ledger without its bitcoin app".into())),
        }
    }

    /// The xpub at `path`, marked for the device's network (shown on its screen when
    /// `display`).
    pub fn xpub(&mut self, path: &DerivationPath, display: bool) -> Result<Xpub> {
        let network = self.network;
        let at = self.at(Step::Xpub(display_path(path)));
        let mut xpub = match self.ledger_btc()? {
            Some(ledger) => ledger.xpub(path, display).map_err(at)?,
            None => match &mut self.conn {
                Conn::Trezor(dev) => dev.xpub(path, network, display).map_err(at)?,
                Conn::Ledger(_) => return Err(Error::Internal("unreachable ledger".into())),
            },
        };
        xpub.network = NetworkKind::from(network);
        Ok(xpub)
    }

    /// The device's Ethereum address at `path` (shown on its screen when `display`).
    pub fn eth_address(
        &mut self,
        path: &DerivationPath,
        display: bool,
    ) -> Result<alloy_primitives::Address> {
        let at = self.at(Step::EthAddress(display_path(path)));
        let bytes = match &mut self.conn {
            Conn::Ledger(t) => LedgerEth::new(&mut **t).eth_address(path, display),
            Conn::Trezor(dev) => dev.eth_address(path),
        }
        .map_err(at)?;
        Ok(alloy_primitives::Address::from(bytes))
    }

    fn sign_psbt(&mut self, psbt: &mut Psbt, ui: &dyn Prompt) -> Result<Vec<InputOutcome>> {
        let fingerprint = self.fingerprint()?;
        if let Some(ours) = self.required_fingerprint.filter(|f| *f != fingerprint) {
            return Err(Error::unverified(
                Text::new("error-device-other-seed")
                    .arg("fingerprint", fingerprint)
                    .arg("ours", ours),
            ));
        }
        let network = self.network;
        let wallets = self.wallets.clone();
        match self.ledger_btc()? {
            Some(ledger) => ledger_sign(&ledger, psbt, &wallets, fingerprint, network),
            None => match &mut self.conn {
                Conn::Trezor(dev) => {
                    let keys = KnownKeys::new(fingerprint, psbt, &wallets);
                    let secp = Secp256k1::verification_only();
                    let plan = TxPlan::new(&secp, psbt, &keys, network)?;
                    ui.show("confirm the transaction on the Trezor screen");
                    Ok(dev
                        .sign_psbt(psbt, network, &plan)
                        .map_err(|e| e.during(TREZOR, Step::SignPsbt))?)
                }
                Conn::Ledger(_) => Err(Error::Internal("unreachable ledger".into())),
            },
        }
    }
}

impl Signer for Device {
    fn info(&self) -> SignerInfo {
        match self.conn {
            Conn::Ledger(_)
                if self
                    .ethereum_app
                    .is_some_and(|v| v < capabilities::LEDGER_FULL_TYPED_DATA) =>
            {
                capabilities::LEDGER_HASHED_TYPED_DATA
            }
            Conn::Ledger(_) => capabilities::LEDGER,
            Conn::Trezor(_) => capabilities::TREZOR,
        }
    }

    fn sign(&mut self, request: &mut Request, review: &Review, ui: &dyn Prompt) -> Result<Signed> {
        match (request, review) {
            (Request::Bitcoin(file), Review::Bitcoin(_)) => {
                Ok(Signed::Psbt(self.sign_psbt(&mut file.psbt, ui)?))
            }
            (Request::Ethereum(request), Review::Ethereum(r)) => {
                let path: DerivationPath = r
                    .path
                    .as_deref()
                    .and_then(|p| p.parse().ok())
                    .ok_or_else(|| Error::Internal("reviewed account without a path".into()))?;
                let full_typed = self.info().capabilities.typed_data == TypedDataSupport::Full;
                let signature = match &mut self.conn {
                    Conn::Ledger(t) => eth_signer::ledger_sign(
                        &mut LedgerEth::new(&mut **t),
                        &path,
                        &request.payload,
                        full_typed,
                    )?,
                    Conn::Trezor(dev) => eth_signer::trezor_sign(dev, &path, &request.payload)?,
                };
                Ok(Signed::Ethereum(signature))
            }
            _ => Err(Error::Internal(
                "request and review of different chains".into(),
            )),
        }
    }
}

impl HardwareSigner for Device {
    fn policies(&mut self, psbt: &Psbt) -> Result<Policies<'static>> {
        let fingerprint = self.fingerprint()?;
        let xpubs = crate::hw::watch::account_xpubs(psbt, fingerprint, |p| self.xpub(p, false))?;
        Ok(Policies::device(fingerprint, xpubs, self.wallets.clone()))
    }

    fn require_seed(&mut self, fingerprint: Fingerprint) {
        self.required_fingerprint = Some(fingerprint);
    }

    /// The device's address at `chosen` (`--path`), else at the request's path, else at the
    /// first BIP44 account. An address the request states must be that one.
    fn eth_account(
        &mut self,
        request: &EthRequest,
        chosen: Option<&DerivationPath>,
    ) -> Result<(alloy_primitives::Address, DerivationPath)> {
        let path = chosen
            .cloned()
            .or_else(|| request.key.path.clone())
            .unwrap_or_else(|| EthLayout::Bip44.path(0));
        let from = self.eth_address(&path, false)?;
        if let (Conn::Ledger(t), EthPayload::TypedData(_)) = (&mut self.conn, &request.payload) {
            // Whether the app shows typed data field by field decides the review's warning.
            let version = LedgerEth::new(&mut **t)
                .app_version()
                .map_err(|e| e.during(LEDGER, Step::CheckApp))?;
            self.ethereum_app = Some(version);
        }
        if let Some(stated) = request.address.filter(|a| *a != from) {
            return Err(Error::said(
                Text::new("error-device-request-other-account")
                    .arg("stated", stated.to_checksum(None))
                    .arg("device", self.name())
                    .arg("path", display_path(&path))
                    .arg("address", from.to_checksum(None)),
                Some(Text::new("hint-device-request-other-account")),
            ));
        }
        Ok((from, path))
    }

    fn as_signer(&mut self) -> &mut dyn Signer {
        self
    }
}

/// Signs on a Ledger: multisig through the one wallet registered on it (its HMAC), single
/// signature through the standard policy of the inputs' account.
fn ledger_sign(
    ledger: &LedgerBtc,
    psbt: &mut Psbt,
    wallets: &[Wallet],
    fp: Fingerprint,
    network: Network,
) -> Result<Vec<InputOutcome>> {
    let multisig = psbt
        .inputs
        .iter()
        .any(|i| i.bip32_derivation.len() > 1 || i.tap_key_origins.len() > 1);
    if multisig {
        let registered: Vec<&Wallet> = wallets
            .iter()
            .filter(|w| w.ledger_hmacs.contains_key(&fp.to_string()))
            .collect();
        let [wallet] = registered.as_slice() else {
            return Err(Error::said(
                Text::new("error-ledger-needs-one-wallet"),
                Some(Text::new("hint-ledger-needs-one-wallet")),
            ));
        };
        let hmac = hmac_for(wallet, &fp.to_string())?;
        return Ok(ledger
            .sign_into(psbt, &wallet_policy(wallet)?, Some(&hmac))
            .map_err(|e| e.during(LEDGER, Step::SignPsbt))?);
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
            Error::said(
                Text::new("error-device-no-input-key"),
                Some(Text::new("hint-device-no-input-key")),
            )
        })?;
    let account = DerivationPath::from(path[..3.min(path.len())].to_vec());
    let standard = standard_of(&account).ok_or_else(|| {
        Error::said(
            Text::new("error-device-path-not-standard").arg("path", path),
            Some(Text::new("hint-device-path-not-standard")),
        )
    })?;
    let mut xpub = ledger
        .xpub(&account, false)
        .map_err(|e| e.during(LEDGER, Step::Xpub(display_path(&account))))?;
    xpub.network = NetworkKind::from(network);
    let policy = default_policy(standard, fp, account, xpub)
        .ok_or_else(|| Error::Internal("single-sig standard without a template".into()))?;
    Ok(ledger
        .sign_into(psbt, &policy, None)
        .map_err(|e| e.during(LEDGER, Step::SignPsbt))?)
}

/// The HMAC a Ledger returned when `wallet` was registered on the device `fingerprint`.
pub fn hmac_for(wallet: &Wallet, fingerprint: &str) -> Result<[u8; 32]> {
    let hex = wallet.ledger_hmacs.get(fingerprint).ok_or_else(|| {
        Error::said(
            Text::new("error-wallet-not-on-ledger")
                .arg("wallet", format!("{:?}", wallet.name))
                .arg("fingerprint", fingerprint),
            Some(Text::new("hint-wallet-not-on-ledger").arg("wallet", &wallet.name)),
        )
    })?;
    data_encoding::HEXLOWER
        .decode(hex.as_bytes())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            let message =
                Text::new("error-ledger-hmac-damaged").arg("wallet", format!("{:?}", wallet.name));
            Error::said(message, None)
        })
}
