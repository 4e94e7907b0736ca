//! Creating a keystore: its path refused early when taken, the material sealed and written,
//! and a new mnemonic's paper backup confirmed before it is stored.

use std::path::{Path, PathBuf};

use secrecy::SecretString;

use super::dice::mnemonic_from_rolls;
use super::keystore::{KdfCost, Keystore};
use super::material::KeyMaterial;
use super::mnemonic::{SecretMnemonic, WordList};
use crate::files::Replace;
use crate::prompt::Prompt;
use crate::Result;

/// The keystore `path`, refused before any question when it exists without `force`.
pub fn target(path: PathBuf, force: bool) -> Result<PathBuf> {
    crate::files::refuse_taken(&path, Replace::allowed_if(force))?;
    Ok(path)
}

/// New words: from the OS RNG, or from the `dice` rolls as typed (mixed with the OS RNG when
/// its flag is set), then with a note saying where the words came from.
pub fn new_mnemonic(
    word_count: usize,
    list: WordList,
    dice: Option<(&str, bool)>,
) -> Result<(SecretMnemonic, Option<String>)> {
    match dice {
        Some((rolls, mix_os_rng)) => {
            let (mnemonic, note) = mnemonic_from_rolls(rolls, word_count, list, mix_os_rng)?;
            Ok((mnemonic, Some(note)))
        }
        None => Ok((SecretMnemonic::generate(word_count, list)?, None)),
    }
}

/// The material of a restored mnemonic: the `words` as typed, with `passphrase`.
pub fn restored(words: &str, passphrase: SecretString) -> Result<KeyMaterial> {
    Ok(KeyMaterial::Bip39 {
        mnemonic: SecretMnemonic::parse(words)?,
        passphrase,
    })
}

/// Where and how a new keystore is written.
pub struct NewKeystore<'a> {
    /// The keystore file.
    pub path: &'a Path,
    /// The label stored in its header.
    pub label: &'a str,
    /// Whether an existing file may be replaced.
    pub replace: Replace,
    /// The scrypt cost.
    pub cost: KdfCost,
}

impl<'a> NewKeystore<'a> {
    /// A keystore at `path` labelled `label`, replacing an existing file only with `force`.
    pub fn new(path: &'a Path, label: &'a str, force: bool, cost: KdfCost) -> Self {
        NewKeystore {
            path,
            label,
            replace: Replace::allowed_if(force),
            cost,
        }
    }

    /// Seals `material` under `password` and writes it.
    pub fn store(&self, material: &KeyMaterial, password: &SecretString) -> Result<Keystore> {
        let keystore = Keystore::seal(material, self.label, password, self.cost)?;
        keystore.save(self.path, self.replace)?;
        Ok(keystore)
    }
}

/// After new words were shown: `confirm` checks the paper backup (when asked), then `store`
/// writes the keystore. A failure says through `notes` what became of the words shown, never
/// discarding them silently.
pub fn confirm_and_store(
    notes: &dyn Prompt,
    confirm: Option<impl FnOnce(&SecretMnemonic) -> Result<()>>,
    store: impl FnOnce(&KeyMaterial) -> Result<Keystore>,
    mnemonic: SecretMnemonic,
    passphrase: SecretString,
) -> Result<Keystore> {
    if let Some(confirm) = confirm {
        confirm(&mnemonic).inspect_err(|_| {
            notes.show("the words shown were not stored: destroy that paper and run `coldsign key new` again")
        })?;
    }
    let material = KeyMaterial::Bip39 {
        mnemonic,
        passphrase,
    };
    store(&material).inspect_err(|_| {
        notes.show("the words shown were NOT stored: keep the paper backup, fix the problem, then store it with `coldsign key restore`")
    })
}
