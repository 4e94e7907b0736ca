//! Which inputs and outputs are ours. A script counts as ours only when it is re-derived from
//! our keys under a known policy — a standard single-signature account (BIP44/49/84/86) or a
//! wallet registered on this signer — and matches byte for byte. Key-origin claims in the PSBT
//! are hints, never proof.

use std::cell::RefCell;
use std::collections::HashMap;

use bitcoin::bip32::{ChildNumber, DerivationPath, Fingerprint, KeySource, Xpub};
use bitcoin::{NetworkKind, Script};
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use miniscript::ForEachKey;

use super::derive::PublicDerivations;
use super::wallets::{origin, Wallet};
use crate::keys::accounts::{key_expression, Standard};
use crate::keys::material::HdKeys;

/// Proof that a script is ours.
#[derive(Debug, Clone)]
pub struct Owner {
    /// The policy's name: `bip84/0` style for standard accounts, the registered name otherwise.
    pub wallet: String,
    /// 0 = receive, 1 = change.
    pub branch: u32,
    /// Address index.
    pub index: u32,
    /// Full derivation path of our key.
    pub path: DerivationPath,
    /// The policy at this index with concrete keys (for size estimates).
    pub descriptor: Descriptor<bitcoin::PublicKey>,
}

/// The verdict on one script.
#[derive(Debug, Clone)]
pub enum Ownership {
    /// Derived from our keys under a known policy.
    Ours(Box<Owner>),
    /// The PSBT claims one of our keys is involved, but no known policy derives this script
    /// (a foreign policy, a tampered path, or a wallet not registered here).
    Claimed(DerivationPath),
    /// Nothing links the script to us.
    Foreign,
}

/// Our key tree plus the policies it takes part in. Derivations are memoised: each key costs
/// one unhardened step from its cached branch key, and a key derived while reviewing is not
/// derived again while signing (the same `Policies` serves both).
pub struct Policies<'a> {
    hd: &'a HdKeys,
    fingerprint: Fingerprint,
    registered: Vec<(Wallet, [Descriptor<DescriptorPublicKey>; 2])>,
    account_xpubs: RefCell<HashMap<DerivationPath, Xpub>>,
    derivations: PublicDerivations,
    standard: RefCell<HashMap<DerivationPath, Option<[Descriptor<DescriptorPublicKey>; 2]>>>,
}

impl<'a> Policies<'a> {
    /// Policies of `hd`: every standard account, plus `registered` wallets.
    pub fn new(hd: &'a HdKeys, registered: Vec<Wallet>) -> Self {
        let registered = registered
            .into_iter()
            .filter_map(|w| {
                let singles = w.descriptor.clone().into_single_descriptors().ok()?;
                let [receive, change]: [_; 2] = singles.try_into().ok()?;
                Some((w, [receive, change]))
            })
            .collect();
        Policies {
            hd,
            fingerprint: hd.fingerprint(),
            registered,
            account_xpubs: RefCell::new(HashMap::new()),
            derivations: PublicDerivations::default(),
            standard: RefCell::new(HashMap::new()),
        }
    }

    /// Our master fingerprint.
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The key tree.
    pub fn hd(&self) -> &HdKeys {
        self.hd
    }

    /// Our public key at `path`: the hardened prefix from a cache, the unhardened rest
    /// memoised (see [`PublicDerivations`]).
    pub fn public_key(&self, path: &DerivationPath) -> bitcoin::secp256k1::PublicKey {
        let split = path
            .into_iter()
            .rposition(|c| c.is_hardened())
            .map_or(0, |i| i + 1);
        let (hardened, normal) = (DerivationPath::from(&path[..split]), &path[split..]);
        let cached = self.account_xpubs.borrow().get(&hardened).copied();
        let root = cached.unwrap_or_else(|| {
            let xpub = self.hd.xpub(&hardened, NetworkKind::Main);
            self.account_xpubs.borrow_mut().insert(hardened, xpub);
            xpub
        });
        self.derivations
            .derive(self.hd.secp(), &root, normal)
            .expect("unhardened derivation from an xpub")
    }

    /// Whether `source` is one of our keys and really derives `public_key` (x-only for taproot).
    pub fn is_our_key(&self, source: &KeySource, public_key: &[u8]) -> bool {
        if source.0 != self.fingerprint {
            return false;
        }
        let derived = self.public_key(&source.1).serialize();
        match public_key.len() {
            32 => derived[1..] == *public_key,
            _ => derived[..] == *public_key,
        }
    }

    /// Classifies `script` given the key origins the PSBT lists for it.
    pub fn classify<'k>(
        &self,
        script: &Script,
        origins: impl IntoIterator<Item = (&'k [u8], &'k KeySource)>,
    ) -> Ownership {
        let mut claimed = None;
        for (public_key, source) in origins {
            if source.0 != self.fingerprint {
                continue;
            }
            claimed.get_or_insert_with(|| source.1.clone());
            if !self.is_our_key(source, public_key) {
                continue;
            }
            if let Some(owner) = self.find_policy(script, &source.1) {
                return Ownership::Ours(Box::new(owner));
            }
        }
        match claimed {
            Some(path) => Ownership::Claimed(path),
            None => Ownership::Foreign,
        }
    }

    fn find_policy(&self, script: &Script, path: &DerivationPath) -> Option<Owner> {
        let (prefix, branch, index) = split_branch_index(path)?;
        for (wallet, singles) in &self.registered {
            let mut ours_here = false;
            wallet.descriptor.for_each_key(|k| {
                if let DescriptorPublicKey::MultiXPub(x) = k {
                    let (fp, origin_path) = origin(x);
                    ours_here |= fp == self.fingerprint && origin_path == prefix;
                }
                true
            });
            if ours_here {
                if let Some(owner) = self.matches(
                    &singles[branch as usize],
                    script,
                    &wallet.name,
                    path,
                    branch,
                    index,
                ) {
                    return Some(owner);
                }
            }
        }
        let mut standard = self.standard.borrow_mut();
        let singles = standard
            .entry(prefix.clone())
            .or_insert_with(|| self.standard_policy(&prefix))
            .as_ref()?;
        let name = format!(
            "bip{}/{}",
            hardened_index(&prefix[0])?,
            hardened_index(&prefix[2])?
        );
        self.matches(
            &singles[branch as usize],
            script,
            &name,
            path,
            branch,
            index,
        )
    }

    /// The owner, when `single` at `index` gives exactly `script`.
    fn matches(
        &self,
        single: &Descriptor<DescriptorPublicKey>,
        script: &Script,
        wallet: &str,
        path: &DerivationPath,
        branch: u32,
        index: u32,
    ) -> Option<Owner> {
        let concrete = self
            .derivations
            .descriptor_at(self.hd.secp(), single, index)?;
        (concrete.script_pubkey().as_script() == script).then(|| Owner {
            wallet: wallet.to_string(),
            branch,
            index,
            path: path.clone(),
            descriptor: concrete,
        })
    }

    /// The standard single-sig descriptor for an account path like m/84'/0'/0'.
    fn standard_policy(
        &self,
        account: &DerivationPath,
    ) -> Option<[Descriptor<DescriptorPublicKey>; 2]> {
        if account.len() != 3 || !account.into_iter().all(|c| c.is_hardened()) {
            return None;
        }
        let (open, close) = match hardened_index(&account[0])? {
            44 => Standard::Bip44,
            49 => Standard::Bip49,
            84 => Standard::Bip84,
            86 => Standard::Bip86,
            _ => return None,
        }
        .descriptor_template()?;
        let xpub = self.hd.xpub(account, NetworkKind::Main);
        let text = format!(
            "{open}{}/<0;1>/*{close}",
            key_expression(self.fingerprint, account, &xpub)
        );
        let descriptor: Descriptor<DescriptorPublicKey> = text.parse().ok()?;
        descriptor.into_single_descriptors().ok()?.try_into().ok()
    }
}

/// `prefix/branch/index` with an unhardened branch 0 or 1 and an unhardened index.
fn split_branch_index(path: &DerivationPath) -> Option<(DerivationPath, u32, u32)> {
    let n = path.len();
    if n < 2 {
        return None;
    }
    match (path[n - 2], path[n - 1]) {
        (ChildNumber::Normal { index: branch }, ChildNumber::Normal { index }) if branch <= 1 => {
            Some((DerivationPath::from(&path[..n - 2]), branch, index))
        }
        _ => None,
    }
}

fn hardened_index(c: &ChildNumber) -> Option<u32> {
    match c {
        ChildNumber::Hardened { index } => Some(*index),
        ChildNumber::Normal { .. } => None,
    }
}
