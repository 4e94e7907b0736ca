//! Which inputs and outputs are ours. A script counts as ours only when it is re-derived from
//! our keys under a known policy — a standard single-signature account (BIP44/49/84/86) or a
//! wallet registered on this signer — and matches byte for byte. Key-origin claims in the PSBT
//! are hints, never proof.
//!
//! The same rules serve the online host ([`Policies::watch_only`]): there "our keys" are the
//! extended public keys of a watch-only wallet's descriptor, so the host prints the review the
//! signer will compute. A hardware wallet that alone holds the keys ([`Policies::device`])
//! gives its account xpubs instead of a key tree; they stand in for it, standard accounts
//! included.

use std::cell::RefCell;
use std::collections::HashMap;

use bitcoin::bip32::{ChildNumber, DerivationPath, Fingerprint, KeySource, Xpub};
use bitcoin::opcodes::all::OP_PUSHNUM_1;
use bitcoin::secp256k1::{All, Secp256k1};
use bitcoin::{CompressedPublicKey, NetworkKind, Script, ScriptBuf};
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use miniscript::ForEachKey;

use super::derive::PublicDerivations;
use super::remembered::{Ignored, Remembered};
use super::wallets::{origin, Wallet};
use crate::keys::accounts::{key_expression, Standard};
use crate::keys::material::HdKeys;

/// Proof that a script is ours.
#[derive(Debug, Clone)]
pub struct Owner {
    /// Master fingerprint of the key that proved ownership.
    pub fingerprint: Fingerprint,
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
    /// One of our keys, proven, in a single-key script that no known policy produces: the
    /// coins stay under our seed, but no wallet scanning its policies will find them.
    Stray(Box<Stray>),
    /// Nothing links the script to us.
    Foreign,
}

/// Our key in a single-key script outside every policy: another script type than its path's
/// purpose, a path no standard account or registered wallet uses, or a hardened last step.
#[derive(Debug, Clone)]
pub struct Stray {
    /// Master fingerprint of our key.
    pub fingerprint: Fingerprint,
    /// Its full derivation path.
    pub path: DerivationPath,
    /// The script type that pays it: `p2pkh`, `p2wpkh`, `p2sh-p2wpkh`, `p2tr` (BIP86, no
    /// script tree) or `p2pk`.
    pub script_type: &'static str,
}

/// Where our public keys come from.
enum Keys<'a> {
    /// The signer's key tree (any path under its fingerprint).
    Hd(&'a HdKeys, Fingerprint),
    /// Account xpubs by (master fingerprint, origin path): a watch-only wallet's, or a
    /// device's. `standard`: the xpubs also stand for standard single-sig accounts
    /// (BIP44/49/84/86), as a key tree would.
    Watch {
        xpubs: Vec<(Fingerprint, DerivationPath, Xpub)>,
        standard: bool,
    },
}

/// Our keys plus the policies they take part in. Derivations are memoised: each key costs
/// one unhardened step from its cached branch key, and a key derived while reviewing is not
/// derived again while signing (the same `Policies` serves both).
pub struct Policies<'a> {
    keys: Keys<'a>,
    secp: Secp256k1<All>,
    registered: Vec<(Wallet, [Descriptor<DescriptorPublicKey>; 2])>,
    account_xpubs: RefCell<HashMap<DerivationPath, Xpub>>,
    derivations: PublicDerivations,
    standard: RefCell<HashMap<DerivationPath, Option<[Descriptor<DescriptorPublicKey>; 2]>>>,
}

impl<'a> Policies<'a> {
    /// Policies of `hd`: every standard account, plus `registered` wallets.
    pub fn new(hd: &'a HdKeys, registered: Vec<Wallet>) -> Self {
        Self::with_keys(Keys::Hd(hd, hd.fingerprint()), registered)
    }

    /// Watch-only policies: `wallet` alone, its descriptor's extended keys standing in for a
    /// key tree. Every cosigner's key counts as ours, so the host sees the whole wallet.
    pub fn watch_only(wallet: Wallet) -> Policies<'static> {
        let mut xpubs = Vec::new();
        wallet.descriptor.for_each_key(|key| {
            if let DescriptorPublicKey::MultiXPub(x) = key {
                let (fingerprint, path) = origin(x);
                xpubs.push((fingerprint, path, x.xkey));
            }
            true
        });
        Policies::with_keys(
            Keys::Watch {
                xpubs,
                standard: false,
            },
            vec![wallet],
        )
    }

    /// Policies of a hardware wallet that alone holds the keys: `xpubs` are the account-level
    /// keys (origin path up to its last hardened step) the device returned under its master
    /// `fingerprint`. They count as ours in standard single-sig accounts and in `registered`
    /// wallets whose key at that origin is the very same xpub.
    pub fn device(
        fingerprint: Fingerprint,
        xpubs: Vec<(DerivationPath, Xpub)>,
        registered: Vec<Wallet>,
    ) -> Policies<'static> {
        let xpubs = xpubs
            .into_iter()
            .map(|(path, xpub)| (fingerprint, path, xpub))
            .collect();
        Policies::with_keys(
            Keys::Watch {
                xpubs,
                standard: true,
            },
            registered,
        )
    }

    fn with_keys(keys: Keys<'a>, registered: Vec<Wallet>) -> Self {
        let registered = registered
            .into_iter()
            .filter_map(|w| {
                let singles = w.descriptor.clone().into_single_descriptors().ok()?;
                let [receive, change]: [_; 2] = singles.try_into().ok()?;
                Some((w, [receive, change]))
            })
            .collect();
        Policies {
            keys,
            secp: Secp256k1::new(),
            registered,
            account_xpubs: RefCell::new(HashMap::new()),
            derivations: PublicDerivations::default(),
            standard: RefCell::new(HashMap::new()),
        }
    }

    /// Fills the derivation memo with the derivations `store` remembers; `Err` says why its
    /// file was ignored (every key is then derived again).
    pub fn recall(&self, store: &Remembered) -> Result<(), Ignored> {
        store.recall(&self.derivations)
    }

    /// Writes the derivations the memo learned to `store` (see [`Remembered::remember`]).
    pub fn remember(&self, store: &Remembered) -> crate::Result<()> {
        store.remember(&self.derivations)
    }

    /// The key tree (none for watch-only policies).
    pub fn hd(&self) -> Option<&HdKeys> {
        match &self.keys {
            Keys::Hd(hd, _) => Some(hd),
            Keys::Watch { .. } => None,
        }
    }

    /// Whether `fingerprint` is the master fingerprint of one of our keys.
    pub fn knows(&self, fingerprint: Fingerprint) -> bool {
        match &self.keys {
            Keys::Hd(_, fp) => *fp == fingerprint,
            Keys::Watch { xpubs, .. } => xpubs.iter().any(|(fp, _, _)| *fp == fingerprint),
        }
    }

    /// The xpub we hold at exactly (`fingerprint`, `origin`), for watch-only keys.
    fn watched(&self, fingerprint: Fingerprint, origin: &DerivationPath) -> Option<&Xpub> {
        match &self.keys {
            Keys::Hd(..) => None,
            Keys::Watch { xpubs, .. } => xpubs
                .iter()
                .find(|(fp, path, _)| *fp == fingerprint && path == origin)
                .map(|(_, _, xpub)| xpub),
        }
    }

    /// Whether a registered wallet's key `xpub` at (`fingerprint`, `origin`) is ours. With a
    /// key tree, `wallet import` checked it; watch-only keys must be the same key.
    fn same_key(&self, fingerprint: Fingerprint, origin: &DerivationPath, xpub: &Xpub) -> bool {
        match &self.keys {
            Keys::Hd(..) => true,
            Keys::Watch { .. } => self.watched(fingerprint, origin).is_some_and(|ours| {
                ours.public_key == xpub.public_key && ours.chain_code == xpub.chain_code
            }),
        }
    }

    /// Our public key at `path` under `fingerprint`, if we hold that key: the hardened prefix
    /// from a cache, the unhardened rest memoised (see [`PublicDerivations`]).
    pub fn public_key(
        &self,
        fingerprint: Fingerprint,
        path: &DerivationPath,
    ) -> Option<bitcoin::secp256k1::PublicKey> {
        let hd = match &self.keys {
            Keys::Hd(hd, fp) if *fp == fingerprint => hd,
            Keys::Hd(..) => return None,
            Keys::Watch { xpubs, .. } => {
                return xpubs.iter().find_map(|(fp, origin, xpub)| {
                    let rest = path.as_ref().strip_prefix(origin.as_ref())?;
                    if *fp != fingerprint || rest.iter().any(|c| c.is_hardened()) {
                        return None;
                    }
                    self.derivations.derive(&self.secp, xpub, rest)
                });
            }
        };
        let split = path
            .into_iter()
            .rposition(|c| c.is_hardened())
            .map_or(0, |i| i + 1);
        let (hardened, normal) = (DerivationPath::from(&path[..split]), &path[split..]);
        let cached = self.account_xpubs.borrow().get(&hardened).copied();
        let root = cached.unwrap_or_else(|| {
            let xpub = hd.xpub(&hardened, NetworkKind::Main);
            self.account_xpubs.borrow_mut().insert(hardened, xpub);
            xpub
        });
        self.derivations.derive(&self.secp, &root, normal)
    }

    /// Our extended public key at `path` under `fingerprint`, when we can derive it (any path
    /// of a key tree; a watch-only key's origin or an unhardened path below it).
    pub fn xpub(&self, fingerprint: Fingerprint, path: &DerivationPath) -> Option<Xpub> {
        match &self.keys {
            Keys::Hd(hd, fp) if *fp == fingerprint => Some(hd.xpub(path, NetworkKind::Main)),
            Keys::Hd(..) => None,
            Keys::Watch { xpubs, .. } => xpubs.iter().find_map(|(fp, origin, xpub)| {
                let rest = path.as_ref().strip_prefix(origin.as_ref())?;
                if *fp != fingerprint || rest.iter().any(|c| c.is_hardened()) {
                    return None;
                }
                xpub.derive_pub(&self.secp, &rest).ok()
            }),
        }
    }

    /// Whether `source` is one of our keys and really derives `public_key` (x-only for taproot).
    pub fn is_our_key(&self, source: &KeySource, public_key: &[u8]) -> bool {
        let Some(derived) = self.public_key(source.0, &source.1) else {
            return false;
        };
        let derived = derived.serialize();
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
        let mut stray = None;
        for (public_key, source) in origins {
            if !self.knows(source.0) {
                continue;
            }
            claimed.get_or_insert_with(|| source.1.clone());
            if !self.is_our_key(source, public_key) {
                continue;
            }
            if let Some(owner) = self.find_policy(script, source) {
                return Ownership::Ours(Box::new(owner));
            }
            if stray.is_none() {
                stray = self
                    .public_key(source.0, &source.1)
                    .and_then(|key| single_key_script(&self.secp, script, key))
                    .map(|script_type| Stray {
                        fingerprint: source.0,
                        path: source.1.clone(),
                        script_type,
                    });
            }
        }
        match (stray, claimed) {
            (Some(stray), _) => Ownership::Stray(Box::new(stray)),
            (None, Some(path)) => Ownership::Claimed(path),
            (None, None) => Ownership::Foreign,
        }
    }

    fn find_policy(&self, script: &Script, source: &KeySource) -> Option<Owner> {
        let (fingerprint, path) = (source.0, &source.1);
        let (prefix, branch, index) = split_branch_index(path)?;
        for (wallet, singles) in &self.registered {
            let mut ours_here = false;
            wallet.descriptor.for_each_key(|k| {
                if let DescriptorPublicKey::MultiXPub(x) = k {
                    let (fp, origin_path) = origin(x);
                    ours_here |= fp == fingerprint
                        && origin_path == prefix
                        && self.same_key(fp, &origin_path, &x.xkey);
                }
                true
            });
            if ours_here {
                if let Some(owner) = self.matches(
                    &singles[branch as usize],
                    script,
                    &wallet.name,
                    source,
                    branch,
                    index,
                ) {
                    return Some(owner);
                }
            }
        }
        let account_xpub = || match &self.keys {
            Keys::Hd(hd, _) => Some(hd.xpub(&prefix, NetworkKind::Main)),
            Keys::Watch { standard: true, .. } => self.watched(fingerprint, &prefix).copied(),
            Keys::Watch {
                standard: false, ..
            } => None,
        };
        let mut standard = self.standard.borrow_mut();
        let singles = standard
            .entry(prefix.clone())
            .or_insert_with(|| standard_policy(fingerprint, &prefix, account_xpub))
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
            source,
            branch,
            index,
        )
    }

    /// The script of `concrete`. A key-only taproot descriptor is tweaked through the memo
    /// with this context: miniscript's own `script_pubkey` builds (and randomizes) a secp256k1
    /// context for every taproot descriptor, which cost as much as the tweak itself.
    fn script_pubkey(&self, concrete: &Descriptor<bitcoin::PublicKey>) -> ScriptBuf {
        match concrete {
            Descriptor::Tr(tr) if tr.tap_tree().is_none() => {
                let internal = tr.internal_key().inner.into();
                let output = self.derivations.taproot_output(&self.secp, internal);
                ScriptBuf::builder()
                    .push_opcode(OP_PUSHNUM_1)
                    .push_slice(output)
                    .into_script()
            }
            _ => concrete.script_pubkey(),
        }
    }

    /// The owner, when `single` at `index` gives exactly `script`.
    fn matches(
        &self,
        single: &Descriptor<DescriptorPublicKey>,
        script: &Script,
        wallet: &str,
        source: &KeySource,
        branch: u32,
        index: u32,
    ) -> Option<Owner> {
        let concrete = self.derivations.descriptor_at(&self.secp, single, index)?;
        (self.script_pubkey(&concrete).as_script() == script).then(|| Owner {
            fingerprint: source.0,
            wallet: wallet.to_string(),
            branch,
            index,
            path: source.1.clone(),
            descriptor: concrete,
        })
    }
}

/// The standard single-sig descriptor of the key `[fingerprint/account]xpub` for an account
/// path like m/84'/0'/0'; `xpub` is asked for only when the path is a standard account.
fn standard_policy(
    fingerprint: Fingerprint,
    account: &DerivationPath,
    xpub: impl FnOnce() -> Option<Xpub>,
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
    let mut xpub = xpub()?;
    xpub.network = NetworkKind::Main;
    let text = format!(
        "{open}{}/<0;1>/*{close}",
        key_expression(fingerprint, account, &xpub)
    );
    let descriptor: Descriptor<DescriptorPublicKey> = text.parse().ok()?;
    descriptor.into_single_descriptors().ok()?.try_into().ok()
}

/// The single-key script type of `key` that `script` is, if any: P2PKH, P2WPKH, P2SH-P2WPKH,
/// BIP86 P2TR (key path only: a script tree could let others spend) or bare P2PK.
fn single_key_script(
    secp: &Secp256k1<All>,
    script: &Script,
    key: bitcoin::secp256k1::PublicKey,
) -> Option<&'static str> {
    let compressed = CompressedPublicKey(key);
    let wpkh = ScriptBuf::new_p2wpkh(&compressed.wpubkey_hash());
    let forms = [
        ("p2pkh", ScriptBuf::new_p2pkh(&compressed.pubkey_hash())),
        ("p2sh-p2wpkh", ScriptBuf::new_p2sh(&wpkh.script_hash())),
        ("p2wpkh", wpkh),
        (
            "p2tr",
            ScriptBuf::new_p2tr(secp, key.x_only_public_key().0, None),
        ),
        ("p2pk", ScriptBuf::new_p2pk(&bitcoin::PublicKey::new(key))),
    ];
    forms
        .into_iter()
        .find(|(_, form)| form.as_script() == script)
        .map(|(name, _)| name)
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
