//! The device half of `eth sign --device`: the signing address comes from the device, the
//! device signs what the computer reviewed, and its signature must recover to that address
//! over the reviewed signing hash before anything is written.

use alloy_primitives::{Address, Signature};
use bitcoin::bip32::DerivationPath;

use super::super::device::{ledger_transport, DeviceKind};
use crate::eth::EthPayload;
use crate::hw::eth_signer;
use crate::hw::ledger_eth::LedgerEth;
use crate::hw::trezor::TrezorDevice;
use crate::hw::Transport;
use crate::Result;

/// An open Ledger (Ethereum app) or Trezor.
pub enum EthDevice {
    /// A Ledger over its transport (USB, Speculos, or the FAKE replay).
    Ledger(Box<dyn Transport>),
    /// A Trezor.
    Trezor(Box<TrezorDevice>),
}

impl EthDevice {
    /// Opens the device named by `--device`, if any, after checking that it can sign
    /// `payload` at all (a Trezor signs EIP-1559 transactions only).
    pub fn open(kind: Option<DeviceKind>, payload: &EthPayload) -> Result<Option<Self>> {
        Ok(match kind {
            None => None,
            Some(DeviceKind::Ledger) => Some(EthDevice::Ledger(ledger_transport()?)),
            Some(DeviceKind::Trezor) => {
                eth_signer::trezor_fields(payload)?;
                Some(EthDevice::Trezor(Box::new(TrezorDevice::open_usb()?)))
            }
        })
    }

    /// "Ledger" or "Trezor".
    pub fn name(&self) -> &'static str {
        match self {
            EthDevice::Ledger(_) => "Ledger",
            EthDevice::Trezor(_) => "Trezor",
        }
    }

    /// Whether typed data is signed blind (the Ledger's hashed mode).
    pub fn blind_typed_data(&self) -> bool {
        matches!(self, EthDevice::Ledger(_))
    }

    /// The device's address at `path` (not shown on its screen).
    pub fn address(&mut self, path: &DerivationPath) -> Result<Address> {
        let bytes = match self {
            EthDevice::Ledger(t) => LedgerEth::new(&mut **t).eth_address(path, false)?,
            EthDevice::Trezor(dev) => dev.eth_address(path)?,
        };
        Ok(Address::from(bytes))
    }

    /// Has the device sign `payload` at `path`; the signature is not yet checked.
    pub fn sign(&mut self, path: &DerivationPath, payload: &EthPayload) -> Result<Signature> {
        match self {
            EthDevice::Ledger(t) => {
                eth_signer::ledger_sign(&mut LedgerEth::new(&mut **t), path, payload)
            }
            EthDevice::Trezor(dev) => eth_signer::trezor_sign(dev, path, payload),
        }
    }
}
