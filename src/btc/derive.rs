//! Public-key work memoised: unhardened derivations with cached branch keys, and BIP341
//! key-only tweaks, so that reviewing and signing N inputs costs one elliptic-curve step per
//! key (from its cached branch key), and a key the review derived is never derived again when
//! signing. The memo can be filled from, and written to, the derivations remembered beside
//! the keystore ([`super::remembered`]).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use bitcoin::bip32::{ChainCode, ChildNumber, DerivationPath, Xpub};
use bitcoin::key::TapTweak;
use bitcoin::secp256k1::{All, PublicKey, Secp256k1, XOnlyPublicKey};
use miniscript::descriptor::{
    DefiniteDescriptorKey, Descriptor, DescriptorPublicKey, DescriptorXKey, Wildcard,
};
use miniscript::{translate_hash_clone, TranslatePk, Translator};

/// An extended public key's identity for derivation (network and depth do not matter).
pub(super) type Root = (ChainCode, PublicKey);

/// A branch: the number that names it in the derived keys, and its extended key (derived
/// when first needed: a branch recalled from the remembered file may never need it).
type Branch = (usize, Option<Xpub>);

/// An x-only public key, serialized.
type XOnly = [u8; 32];

/// What visits the taproot tweaks: (internal key, output key).
type TweakVisitor<'v> = dyn FnMut(&XOnly, &XOnly) -> std::io::Result<()> + 'v;

/// Memoised unhardened derivations from any number of extended public keys, and BIP341
/// tweaks of key-only taproot outputs.
#[derive(Default)]
pub struct PublicDerivations {
    /// Parents (everything but the last step), keyed by root and path.
    branches: RefCell<HashMap<(Root, DerivationPath), Branch>>,
    /// Derived keys, keyed by their parent's number and their last step (small keys: a
    /// review of thousands of inputs holds one entry per input).
    keys: RefCell<HashMap<(usize, ChildNumber), PublicKey>>,
    /// Taproot output keys (x-only) of key-only outputs, by internal key (x-only).
    tweaks: RefCell<HashMap<XOnly, XOnly>>,
    /// Whether anything was computed here rather than recalled.
    learned: Cell<bool>,
}

impl PublicDerivations {
    /// The public key at `path` (unhardened steps only) below `root`; `None` for a hardened
    /// step.
    pub fn derive(
        &self,
        secp: &Secp256k1<All>,
        root: &Xpub,
        path: &[ChildNumber],
    ) -> Option<PublicKey> {
        let Some((last, parent_path)) = path.split_last() else {
            return Some(root.public_key);
        };
        let branch = ((root.chain_code, root.public_key), parent_path.into());
        let (number, cached) = self.branch(&branch);
        if let Some(key) = self.keys.borrow().get(&(number, *last)) {
            return Some(*key);
        }
        let parent = match cached {
            Some(parent) => parent,
            None => {
                let parent = root.derive_pub(secp, &parent_path).ok()?;
                self.branches
                    .borrow_mut()
                    .insert(branch, (number, Some(parent)));
                parent
            }
        };
        let key = parent.ckd_pub(secp, *last).ok()?.public_key;
        self.keys.borrow_mut().insert((number, *last), key);
        self.learned.set(true);
        Some(key)
    }

    /// `branch`'s number and extended key, numbering it if it is new.
    fn branch(&self, branch: &(Root, DerivationPath)) -> Branch {
        if let Some(known) = self.branches.borrow().get(branch) {
            return *known;
        }
        let mut branches = self.branches.borrow_mut();
        let new = (branches.len(), None);
        branches.insert(branch.clone(), new);
        new
    }

    /// The output key (x-only) of a taproot output with `internal` key and no script tree.
    pub fn taproot_output(&self, secp: &Secp256k1<All>, internal: XOnlyPublicKey) -> [u8; 32] {
        let internal_bytes = internal.serialize();
        if let Some(output) = self.tweaks.borrow().get(&internal_bytes) {
            return *output;
        }
        let output = internal
            .tap_tweak(secp, None)
            .0
            .to_x_only_public_key()
            .serialize();
        self.tweaks.borrow_mut().insert(internal_bytes, output);
        self.learned.set(true);
        output
    }

    /// Forgets everything recalled or computed.
    pub(super) fn forget(&self) {
        self.branches.borrow_mut().clear();
        self.keys.borrow_mut().clear();
        self.tweaks.borrow_mut().clear();
    }

    /// Whether anything was computed rather than recalled since this memo was made.
    pub(super) fn learned(&self) -> bool {
        self.learned.get()
    }

    /// Numbers the branch `parent_path` below `root`, recalled from a file: its keys are
    /// then recalled under that number.
    pub(super) fn recall_branch(&self, root: Root, parent_path: DerivationPath) -> usize {
        self.branch(&(root, parent_path)).0
    }

    /// Recalls that key `child` of the branch numbered `branch` is `key`.
    pub(super) fn recall_key(&self, branch: usize, child: ChildNumber, key: PublicKey) {
        self.keys.borrow_mut().insert((branch, child), key);
    }

    /// Recalls that the key-only taproot output of `internal` has output key `output`.
    pub(super) fn recall_tweak(&self, internal: [u8; 32], output: [u8; 32]) {
        self.tweaks.borrow_mut().insert(internal, output);
    }

    /// Every branch as (its number, root, parent path), in no order.
    pub(super) fn branches(&self) -> Vec<(usize, Root, DerivationPath)> {
        self.branches
            .borrow()
            .iter()
            .map(|((root, path), (number, _))| (*number, *root, path.clone()))
            .collect()
    }

    /// Visits every derived key as (branch number, child, key), stopping at the first error.
    pub(super) fn for_each_key(
        &self,
        visit: &mut dyn FnMut(usize, ChildNumber, &PublicKey) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        self.keys
            .borrow()
            .iter()
            .try_for_each(|((branch, child), key)| visit(*branch, *child, key))
    }

    /// Visits every taproot tweak as (internal key, output key), x-only, stopping at the
    /// first error.
    pub(super) fn for_each_tweak(&self, visit: &mut TweakVisitor) -> std::io::Result<()> {
        self.tweaks
            .borrow()
            .iter()
            .try_for_each(|(internal, output)| visit(internal, output))
    }

    /// How many branches are numbered.
    pub(super) fn branch_count(&self) -> usize {
        self.branches.borrow().len()
    }

    /// How many keys and tweaks are held.
    pub(super) fn counts(&self) -> (usize, usize) {
        (self.keys.borrow().len(), self.tweaks.borrow().len())
    }

    /// `single` (a descriptor with at most an unhardened wildcard) with concrete keys at
    /// `index`, every extended key derived through this memo.
    pub fn descriptor_at(
        &self,
        secp: &Secp256k1<All>,
        single: &Descriptor<DescriptorPublicKey>,
        index: u32,
    ) -> Option<Descriptor<bitcoin::PublicKey>> {
        let mut at = AtIndex {
            memo: self,
            secp,
            index,
        };
        single.translate_pk(&mut at).ok()
    }
}

/// Replaces every key of a descriptor by the concrete key at one wildcard index.
struct AtIndex<'m> {
    memo: &'m PublicDerivations,
    secp: &'m Secp256k1<All>,
    index: u32,
}

impl Translator<DescriptorPublicKey, bitcoin::PublicKey, ()> for AtIndex<'_> {
    fn pk(&mut self, key: &DescriptorPublicKey) -> Result<bitcoin::PublicKey, ()> {
        match key {
            DescriptorPublicKey::XPub(DescriptorXKey {
                xkey,
                derivation_path,
                wildcard,
                ..
            }) => {
                let mut path: Vec<ChildNumber> = derivation_path.into_iter().copied().collect();
                match wildcard {
                    Wildcard::None => {}
                    Wildcard::Unhardened => {
                        path.push(ChildNumber::from_normal_idx(self.index).map_err(|_| ())?)
                    }
                    Wildcard::Hardened => return Err(()),
                }
                self.memo
                    .derive(self.secp, xkey, &path)
                    .map(bitcoin::PublicKey::new)
                    .ok_or(())
            }
            DescriptorPublicKey::Single(_) => DefiniteDescriptorKey::new(key.clone())
                .ok_or(())?
                .derive_public_key(self.secp)
                .map_err(|_| ()),
            DescriptorPublicKey::MultiXPub(_) => Err(()),
        }
    }

    translate_hash_clone!(DescriptorPublicKey, bitcoin::PublicKey, ());
}
