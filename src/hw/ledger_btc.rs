//! The Ledger Bitcoin app (protocol of app version 2.1 and later) through `ledger_bitcoin_client`,
//! over any [`Transport`]. The client converts the PSBT to version 2 maps itself; coldsign
//! verifies every returned signature before it enters the PSBT.

use std::cell::RefCell;

use bitcoin::address::NetworkUnchecked;
use bitcoin::bip32::{DerivationPath, Fingerprint, Xpub};
use bitcoin::psbt::Psbt;
use bitcoin::Address;
use ledger_bitcoin_client::apdu::{APDUCommand, StatusWord};
use ledger_bitcoin_client::client::{self, BitcoinClient};
use ledger_bitcoin_client::error::BitcoinClientError;
use ledger_bitcoin_client::psbt::PartialSignature;
use ledger_bitcoin_client::wallet::WalletPolicy;
use ledger_bitcoin_client::SignPsbtYieldedObject;

use super::apdu::{split_status, status_error, SW_INTERRUPTED, SW_OK};
use super::merge::{self, DeviceSignature};
use super::{DeviceError, Result, Transport};
use crate::signer::InputOutcome;

/// Adapts a coldsign [`Transport`] to the client's transport (which takes `&self`). Every
/// status word other than success and "interrupted" becomes a [`DeviceError`] here, so
/// rejections, a locked device and a wrong app are told apart.
struct Adapter<'a> {
    inner: RefCell<&'a mut dyn Transport>,
}

impl client::Transport for Adapter<'_> {
    type Error = DeviceError;

    fn exchange(&self, command: &APDUCommand) -> Result<(StatusWord, Vec<u8>)> {
        let response = self.inner.borrow_mut().exchange(&command.encode())?;
        let (data, sw) = split_status(&response)?;
        let status = match sw {
            SW_OK => StatusWord::OK,
            SW_INTERRUPTED => StatusWord::InterruptedExecution,
            other => return Err(status_error(other, "Bitcoin")),
        };
        Ok((status, data.to_vec()))
    }
}

fn client_error(e: BitcoinClientError<DeviceError>) -> DeviceError {
    match e {
        BitcoinClientError::Transport(e) => e,
        BitcoinClientError::Device { status, .. } => status_error(status as u16, "Bitcoin"),
        BitcoinClientError::UnsupportedAppVersion => DeviceError::WrongApp {
            expected: "Bitcoin (2.1 or later)",
            status: 0,
        },
        other => DeviceError::Protocol(format!("bitcoin app: {other:?}")),
    }
}

/// A Ledger running the Bitcoin app.
pub struct LedgerBtc<'a> {
    client: BitcoinClient<Adapter<'a>>,
}

impl<'a> LedgerBtc<'a> {
    /// Talks to the Bitcoin app over `transport`.
    pub fn new(transport: &'a mut dyn Transport) -> Self {
        LedgerBtc {
            client: BitcoinClient::new(Adapter {
                inner: RefCell::new(transport),
            }),
        }
    }

    /// Checks that the Bitcoin app (or Bitcoin Test) 2.1 or later is open; returns its version.
    pub fn check_app(&self) -> Result<String> {
        let (name, version, _) = self.client.get_version().map_err(client_error)?;
        let wrong = DeviceError::WrongApp {
            expected: "Bitcoin",
            status: 0,
        };
        if !name.starts_with("Bitcoin") {
            return Err(wrong);
        }
        let mut parts = version.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        if (major, minor) < (2, 1) {
            return Err(DeviceError::WrongApp {
                expected: "Bitcoin (2.1 or later)",
                status: 0,
            });
        }
        Ok(version)
    }

    /// The device's master key fingerprint.
    pub fn fingerprint(&self) -> Result<Fingerprint> {
        self.client.get_master_fingerprint().map_err(client_error)
    }

    /// The extended public key at `path` (shown on the screen when `display`).
    pub fn xpub(&self, path: &DerivationPath, display: bool) -> Result<Xpub> {
        self.client
            .get_extended_pubkey(path, display)
            .map_err(client_error)
    }

    /// Registers a multisig or miniscript policy after the user approved it on the device;
    /// returns the HMAC to store with the wallet.
    pub fn register(&self, policy: &WalletPolicy) -> Result<[u8; 32]> {
        let (_id, hmac) = self.client.register_wallet(policy).map_err(client_error)?;
        Ok(hmac)
    }

    /// The address of `policy` at `change`/`index`, shown on the screen when `display`.
    pub fn address(
        &self,
        policy: &WalletPolicy,
        hmac: Option<&[u8; 32]>,
        change: bool,
        index: u32,
        display: bool,
    ) -> Result<Address<NetworkUnchecked>> {
        self.client
            .get_wallet_address(policy, hmac, change, index, display)
            .map_err(client_error)
    }

    /// Has the device sign `psbt` under `policy`; returns the signatures it yielded.
    pub fn sign(
        &self,
        psbt: &Psbt,
        policy: &WalletPolicy,
        hmac: Option<&[u8; 32]>,
    ) -> Result<Vec<(usize, DeviceSignature)>> {
        let yielded = self
            .client
            .sign_psbt(psbt, policy, hmac)
            .map_err(client_error)?;
        yielded
            .into_iter()
            .map(|(index, object)| match object {
                SignPsbtYieldedObject::Partial(PartialSignature::Sig(pk, sig)) => {
                    Ok((index, DeviceSignature::Ecdsa(pk, sig)))
                }
                SignPsbtYieldedObject::Partial(PartialSignature::TapScriptSig(key, leaf, sig)) => {
                    Ok((index, DeviceSignature::Taproot(key, leaf, sig)))
                }
                other => Err(DeviceError::Protocol(format!(
                    "input {index}: unsupported answer from the device ({other:?}); MuSig2 is not supported"
                ))),
            })
            .collect()
    }

    /// Signs, verifies every signature against our own sighash, and merges them into `psbt`.
    pub fn sign_into(
        &self,
        psbt: &mut Psbt,
        policy: &WalletPolicy,
        hmac: Option<&[u8; 32]>,
    ) -> Result<Vec<InputOutcome>> {
        let sigs = self.sign(psbt, policy, hmac)?;
        merge::merge(psbt, sigs)
    }
}
