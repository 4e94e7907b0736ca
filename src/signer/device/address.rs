//! Addresses on the device's screen, checked against coldsign's own derivation, and wallet
//! registration on a Ledger.

use std::str::FromStr;

use bitcoin::address::NetworkUnchecked;
use bitcoin::bip32::{ChildNumber, DerivationPath, Fingerprint, Xpub};
use bitcoin::{Address, Network};
use std::collections::BTreeMap;

use bitcoin::secp256k1::Secp256k1;
use miniscript::descriptor::{Descriptor, DescriptorPublicKey, DescriptorType};
use miniscript::ForEachKey;
use trezor_client::protos::{InputScriptType, MultisigRedeemScriptType};

use super::{hmac_for, Conn, Device};
use crate::btc::wallets::Wallet;
use crate::hw::policy::{default_policy, standard_of, wallet_policy};
use crate::hw::trezor_tx::KnownKeys;
use crate::hw::Step;
use crate::i18n::Text;
use crate::keys::accounts::{display_path, key_expression};
use crate::{Error, Result};

impl Device {
    /// The single-signature address at `path` (m/purpose'/coin'/account'/change/index), from
    /// the device (on its screen when `show`); refused unless coldsign derives the same
    /// address from the device's account xpub.
    pub fn single_sig_address(&mut self, path: &DerivationPath, show: bool) -> Result<Address> {
        let network = self.network;
        let (account, change, index) = split_single_sig(path)?;
        let fingerprint = self.fingerprint()?;
        let xpub = self.xpub(&account, false)?;
        let at = self.at(Step::Address(display_path(path)));
        let shown = match self.ledger_btc()? {
            Some(ledger) => {
                let standard = standard_of(&account).ok_or_else(|| {
                    Error::usage(
                        "the path's purpose is not 44', 49', 84' or 86'",
                        "see --help",
                    )
                })?;
                let policy = default_policy(standard, fingerprint, account.clone(), xpub)
                    .ok_or_else(|| Error::Internal("single-sig without a template".into()))?;
                let shown = ledger
                    .address(&policy, None, change, index, show)
                    .map_err(at)?;
                for_network(shown, network)?
            }
            None => match &mut self.conn {
                Conn::Trezor(dev) => dev.address(path, network, show).map_err(at)?,
                Conn::Ledger(_) => return Err(Error::Internal("unreachable ledger".into())),
            },
        };
        let ours = derive(
            &account_descriptor(&account, fingerprint, &xpub)?,
            change,
            index,
            network,
        )?;
        refuse_mismatch(&shown, &ours)?;
        Ok(shown)
    }

    /// The address of the registered `wallet` at `change`/`index`, from a Ledger it is
    /// registered on or from a Trezor that is one of its cosigners (on the device's screen
    /// when `show`), checked against coldsign's derivation.
    pub fn wallet_address(
        &mut self,
        wallet: &Wallet,
        change: bool,
        index: u32,
        show: bool,
    ) -> Result<Address> {
        let network = self.network;
        let fingerprint = self.fingerprint()?;
        let at = self.at(Step::WalletAddress {
            wallet: wallet.name.clone(),
            index,
        });
        let ours = derive(&wallet.descriptor, change, index, network)?;
        let shown = match self.ledger_btc()? {
            Some(ledger) => {
                let policy = wallet_policy(wallet)?;
                let hmac = hmac_for(wallet, &fingerprint.to_string())?;
                let shown = ledger
                    .address(&policy, Some(&hmac), change, index, show)
                    .map_err(at)?;
                for_network(shown, network)?
            }
            None => match &mut self.conn {
                Conn::Trezor(dev) => {
                    let (path, multisig, kind) =
                        trezor_multisig(wallet, fingerprint, change, index)?;
                    dev.multisig_address(&path, multisig, kind, network, show)
                        .map_err(at)?
                }
                Conn::Ledger(_) => return Err(Error::Internal("unreachable ledger".into())),
            },
        };
        refuse_mismatch(&shown, &ours)?;
        Ok(shown)
    }

    /// Registers `wallet` on a Ledger (the person confirms the policy and every cosigner key
    /// on its screen); returns the device's fingerprint and the HMAC to keep with the wallet.
    pub fn register(&mut self, wallet: &Wallet) -> Result<(Fingerprint, [u8; 32])> {
        let policy = wallet_policy(wallet)?;
        let fingerprint = self.fingerprint()?;
        let at = self.at(Step::Register(wallet.name.clone()));
        let Some(ledger) = self.ledger_btc()? else {
            return Err(Error::usage(
                "only a Ledger registers wallet policies",
                "a Trezor checks multisig cosigners at signing time",
            ));
        };
        Ok((fingerprint, ledger.register(&policy).map_err(at)?))
    }
}

/// What a Trezor needs to show the multisig `wallet`'s address at `change`/`index`: its own
/// key's path, the cosigners with their account xpubs, and the script type.
fn trezor_multisig(
    wallet: &Wallet,
    fingerprint: Fingerprint,
    change: bool,
    index: u32,
) -> Result<(DerivationPath, MultisigRedeemScriptType, InputScriptType)> {
    let not_multisig = || {
        Error::said(
            Text::new("error-trezor-wallet-not-multisig").arg("wallet", &wallet.name),
            Some(Text::new("hint-trezor-wallet-not-multisig")),
        )
    };
    let definite = wallet
        .descriptor
        .clone()
        .into_single_descriptors()
        .ok()
        .and_then(|d| d.into_iter().nth(usize::from(change)))
        .ok_or_else(not_multisig)?
        .at_derivation_index(index)
        .map_err(|e| Error::bad_input(format!("cannot derive index {index}: {e}")))?;
    let kind = match definite.desc_type() {
        DescriptorType::Wsh | DescriptorType::WshSortedMulti => InputScriptType::SPENDWITNESS,
        DescriptorType::ShWsh | DescriptorType::ShWshSortedMulti => {
            InputScriptType::SPENDP2SHWITNESS
        }
        DescriptorType::Sh | DescriptorType::ShSortedMulti => InputScriptType::SPENDMULTISIG,
        _ => return Err(not_multisig()),
    };
    let script = definite.explicit_script().map_err(|_| not_multisig())?;
    let secp = Secp256k1::verification_only();
    let mut origins = BTreeMap::new();
    definite.for_each_key(|key| {
        if let (Some(path), Ok(public)) = (key.full_derivation_path(), key.derive_public_key(&secp))
        {
            origins.insert(public.inner, (key.master_fingerprint(), path));
        }
        true
    });
    let keys = KnownKeys::of_wallets(fingerprint, std::slice::from_ref(wallet));
    let (_, path) = keys.own_key(&origins).ok_or_else(|| {
        Error::said(
            Text::new("error-device-no-key").arg("fingerprint", keys.fingerprint),
            Some(Text::new("hint-device-no-key")),
        )
    })?;
    let multisig = keys
        .multisig(&secp, &script, &origins)
        .ok_or_else(not_multisig)?;
    Ok((path.clone(), multisig, kind))
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

/// A device's address, checked for `network`. The Ledger's Bitcoin Test app shows testnet
/// encodings (`tb1…`) on regtest too: the same script, so it is accepted there.
fn for_network(shown: Address<NetworkUnchecked>, network: Network) -> Result<Address> {
    if network == Network::Regtest && shown.is_valid_for_network(Network::Testnet) {
        return Ok(shown.assume_checked());
    }
    shown.require_network(network).map_err(device_address_error)
}

fn refuse_mismatch(device: &Address, ours: &Address) -> Result<()> {
    if device.script_pubkey() == ours.script_pubkey() {
        return Ok(());
    }
    Err(Error::unverified(
        Text::new("error-device-address-differs")
            .arg("device", device)
            .arg("ours", ours),
    ))
}

/// The device showed an address of another network.
fn device_address_error(e: bitcoin::address::ParseError) -> Error {
    Error::unverified(Text::new("error-device-address").arg("error", e))
}
