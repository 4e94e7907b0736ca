//! Signers: one interface, several backends. The software signer holds keys from the
//! encrypted keystore; hardware wallets (Ledger, Trezor; feature `hw`) hold their own.
//!
//! Every signer takes a structured, reviewed request (never a bare hash) and what it signs is
//! checked before it is written: device signatures against coldsign's own sighash
//! ([`crate::hw::merge`]) or, for Ethereum, by recovering the reviewed address
//! ([`crate::ceremony`]).

pub mod capabilities;
#[cfg(feature = "hw")]
pub mod device;
pub mod software;

use alloy_primitives::{Address, Signature};
use bitcoin::bip32::{DerivationPath, Fingerprint};
use serde::Serialize;

pub use capabilities::{Capabilities, SignerInfo, TypedDataSupport};

use crate::btc::ownership::Policies;
use crate::eth::EthRequest;
use crate::i18n::Phrase;
use crate::prompt::Prompt;
use crate::request::Request;
use crate::review::Review;
use crate::Result;

/// What happened to one input.
#[derive(Debug, Clone, Serialize)]
pub struct InputOutcome {
    /// Input position.
    pub index: usize,
    /// Signatures added by this signer.
    pub signatures: usize,
    /// Why nothing was signed, when nothing was (boxed: a signer returns one outcome per
    /// input, and most are signed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_signed_because: Option<Box<Phrase>>,
}

/// What a signer produced.
#[derive(Debug, Clone)]
pub enum Signed {
    /// Signatures were added to the request's PSBT in place; the outcome of each input.
    Psbt(Vec<InputOutcome>),
    /// An Ethereum signature over the reviewed signing hash.
    Ethereum(Signature),
}

/// A backend that signs reviewed requests.
pub trait Signer {
    /// Its name and what it can sign.
    fn info(&self) -> SignerInfo;

    /// Signs `request`, which `review` describes and the person approved. A PSBT is signed in
    /// place. `ui` tells the person what to do on a device.
    fn sign(&mut self, request: &mut Request, review: &Review, ui: &dyn Prompt) -> Result<Signed>;
}

/// A signer that holds its own keys (a hardware wallet): it also answers for its public keys,
/// so a review can prove ownership without a keystore.
pub trait HardwareSigner: Signer {
    /// The policies that prove ownership of `psbt`'s inputs and change with the device's own
    /// account keys (when no keystore does).
    fn policies(&mut self, psbt: &bitcoin::psbt::Psbt) -> Result<Policies<'static>>;

    /// Refuses to sign Bitcoin unless the device's seed has master fingerprint `fingerprint`
    /// (the keystore's, when the keystore proved ownership).
    fn require_seed(&mut self, fingerprint: Fingerprint);

    /// The account that signs `request`: its address and path (`chosen` overrides the
    /// request's path).
    fn eth_account(
        &mut self,
        request: &EthRequest,
        chosen: Option<&DerivationPath>,
    ) -> Result<(Address, DerivationPath)>;

    /// This signer as a plain [`Signer`].
    fn as_signer(&mut self) -> &mut dyn Signer;
}
