//! What each signer can sign, as a table (like HWI's support matrix), so that a request a
//! signer cannot handle is refused before anything is asked of it.

use serde::Serialize;

use crate::eth::tx::UnsignedTx;
use crate::eth::EthPayload;
use crate::i18n::{Phrase, Text};
use crate::request::Request;

/// How a signer treats EIP-712 typed data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TypedDataSupport {
    /// Not at all.
    None,
    /// Blind: the device shows only the domain and message hashes.
    Hashed,
    /// Field by field.
    Full,
}

/// One signer's capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Capabilities {
    /// Signs Bitcoin PSBTs.
    pub bitcoin: bool,
    /// Bitcoin single-signature script types it signs.
    pub script_types: &'static [&'static str],
    /// Signs taproot inputs.
    pub taproot: bool,
    /// Signs multisig inputs as one cosigner.
    pub multisig: bool,
    /// Signs Ethereum requests.
    pub ethereum: bool,
    /// Signs EIP-1559 transactions.
    pub eip1559: bool,
    /// Signs legacy (EIP-155) and EIP-2930 transactions.
    pub legacy_transactions: bool,
    /// Signs transactions with an access list.
    pub access_lists: bool,
    /// Signs EIP-191 personal messages.
    pub personal_messages: bool,
    /// EIP-712 typed data.
    pub typed_data: TypedDataSupport,
    /// Shows what it signs on its own screen (a second, independent display).
    pub on_device_display: bool,
    /// Signs a contract call without showing on its own screen what the call does (the
    /// Ledger Ethereum app without token or plugin metadata: blind signing).
    pub blind_contract_calls: bool,
    /// Shows typed data field by field only with settings of its own turned on (the Ledger
    /// Ethereum app: "Blind signing" and "Raw messages").
    pub typed_data_needs_settings: bool,
}

/// A signer's name and capabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SignerInfo {
    /// "keystore", "Ledger" or "Trezor".
    pub name: &'static str,
    /// What it can sign.
    pub capabilities: Capabilities,
}

/// The software signer (the encrypted keystore).
pub const SOFTWARE: SignerInfo = SignerInfo {
    name: "keystore",
    capabilities: Capabilities {
        bitcoin: true,
        script_types: &["p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"],
        taproot: true,
        multisig: true,
        ethereum: true,
        eip1559: true,
        legacy_transactions: true,
        access_lists: true,
        personal_messages: true,
        typed_data: TypedDataSupport::Full,
        on_device_display: false,
        blind_contract_calls: false,
        typed_data_needs_settings: false,
    },
};

/// A Ledger with the Bitcoin app (2.1+) or the Ethereum app: everything the keystore signs,
/// on its own screen; typed data field by field (the app's full EIP-712 mode, app 1.9.19+);
/// contract calls only blind (coldsign sends it no token or plugin metadata, so the app does
/// not show what a call does).
pub const LEDGER: SignerInfo = SignerInfo {
    name: "Ledger",
    capabilities: Capabilities {
        typed_data: TypedDataSupport::Full,
        on_device_display: true,
        blind_contract_calls: true,
        typed_data_needs_settings: true,
        ..SOFTWARE.capabilities
    },
};

/// A Ledger whose Ethereum app predates the full EIP-712 mode (before 1.9.19): typed data
/// only in hashed mode, blind.
pub const LEDGER_HASHED_TYPED_DATA: SignerInfo = SignerInfo {
    name: "Ledger",
    capabilities: Capabilities {
        typed_data: TypedDataSupport::Hashed,
        ..LEDGER.capabilities
    },
};

/// The first Ethereum app version with the full EIP-712 mode.
pub const LEDGER_FULL_TYPED_DATA: (u8, u8, u8) = (1, 9, 19);

/// A Trezor, as coldsign drives it today: typed data in hashed mode (the Trezor One's only
/// EIP-712 mode).
pub const TREZOR: SignerInfo = SignerInfo {
    name: "Trezor",
    capabilities: Capabilities {
        bitcoin: true,
        script_types: &["p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"],
        taproot: true,
        multisig: true,
        ethereum: true,
        eip1559: true,
        legacy_transactions: false,
        access_lists: false,
        personal_messages: true,
        typed_data: TypedDataSupport::Hashed,
        on_device_display: true,
        blind_contract_calls: false,
        typed_data_needs_settings: false,
    },
};

/// Every signer, for the documentation's table.
pub const ALL: [SignerInfo; 3] = [SOFTWARE, LEDGER, TREZOR];

impl SignerInfo {
    /// Why this signer cannot sign `request` at all, if it cannot (checked before the device
    /// is asked anything).
    pub fn refusal(&self, request: &Request) -> Option<Phrase> {
        let caps = &self.capabilities;
        let cannot = |what: Text| {
            let text = Text::new("refusal-signer-cannot")
                .arg("signer", self.name)
                .text_arg("what", what);
            Some(text.into())
        };
        match request {
            Request::Bitcoin(file) => {
                if !caps.bitcoin {
                    return cannot(Text::new("refusal-bitcoin-transactions"));
                }
                let inputs = &file.psbt.inputs;
                if !caps.taproot && inputs.iter().any(|i| i.tap_internal_key.is_some()) {
                    return cannot(Text::new("refusal-taproot-inputs"));
                }
                let multisig = |i: &bitcoin::psbt::Input| {
                    i.bip32_derivation.len() > 1 || i.tap_key_origins.len() > 1
                };
                if !caps.multisig && inputs.iter().any(multisig) {
                    return cannot(Text::new("refusal-multisig-inputs"));
                }
                None
            }
            Request::Ethereum(request) => {
                if !caps.ethereum {
                    return cannot(Text::new("refusal-ethereum-requests"));
                }
                match &request.payload {
                    EthPayload::Transaction(UnsignedTx::Eip1559(tx)) => {
                        if !caps.eip1559 {
                            cannot(Text::new("refusal-eip1559-transactions"))
                        } else if !caps.access_lists && !tx.access_list.is_empty() {
                            cannot(Text::new("refusal-access-list-transactions"))
                        } else {
                            None
                        }
                    }
                    EthPayload::Transaction(other) if !caps.legacy_transactions => {
                        cannot(Text::new("refusal-kind-transactions").arg("kind", other.kind()))
                    }
                    EthPayload::Transaction(_) => None,
                    EthPayload::PersonalMessage(_) if !caps.personal_messages => {
                        cannot(Text::new("refusal-personal-messages"))
                    }
                    EthPayload::TypedData(_) if caps.typed_data == TypedDataSupport::None => {
                        cannot(Text::new("refusal-typed-data"))
                    }
                    _ => None,
                }
            }
        }
    }
}
