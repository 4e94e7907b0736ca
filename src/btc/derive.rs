//! Unhardened public-key derivation with memoised branch keys and results, so that reviewing
//! and signing N inputs costs one elliptic-curve step per key (from its cached branch key), and
//! a key the review derived is never derived again when signing.

use std::cell::RefCell;
use std::collections::HashMap;

use bitcoin::bip32::{ChainCode, ChildNumber, DerivationPath, Xpub};
use bitcoin::secp256k1::{All, PublicKey, Secp256k1};
use miniscript::descriptor::{
    DefiniteDescriptorKey, Descriptor, DescriptorPublicKey, DescriptorXKey, Wildcard,
};
use miniscript::{translate_hash_clone, TranslatePk, Translator};

/// An extended public key's identity for derivation (network and depth do not matter).
type Root = (ChainCode, PublicKey);

/// Memoised unhardened derivations from any number of extended public keys.
#[derive(Default)]
pub struct PublicDerivations {
    /// Parents (everything but the last step), keyed by root and path, each with a number
    /// that names it in `keys`.
    branches: RefCell<HashMap<(Root, DerivationPath), (usize, Xpub)>>,
    /// Derived keys, keyed by their parent's number and their last step (small keys: a
    /// review of thousands of inputs holds one entry per input).
    keys: RefCell<HashMap<(usize, ChildNumber), PublicKey>>,
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
        let cached = self.branches.borrow().get(&branch).copied();
        let (number, parent) = match cached {
            Some(known) => known,
            None => {
                let mut branches = self.branches.borrow_mut();
                let new = (branches.len(), root.derive_pub(secp, &parent_path).ok()?);
                branches.insert(branch, new);
                new
            }
        };
        if let Some(key) = self.keys.borrow().get(&(number, *last)) {
            return Some(*key);
        }
        let key = parent.ckd_pub(secp, *last).ok()?.public_key;
        self.keys.borrow_mut().insert((number, *last), key);
        Some(key)
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
