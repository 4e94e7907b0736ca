//! Device-only review: when the keys live only on a hardware wallet, the account xpubs it
//! returns stand in for a key tree ([`crate::btc::ownership::Policies::device`]). They are
//! read for exactly the key origins the PSBT names under the device's master fingerprint;
//! the review then proves from them which inputs and which change are ours.

use bitcoin::bip32::{DerivationPath, Fingerprint, Xpub};
use bitcoin::psbt::Psbt;

use crate::i18n::Text;
use crate::{Error, Result};

/// Most distinct account paths read from a device for one PSBT (each is a device round trip).
pub const MAX_ACCOUNTS: usize = 16;

/// `path` up to and including its last hardened step (the master for an unhardened path).
pub fn account_of(path: &DerivationPath) -> DerivationPath {
    let end = path
        .into_iter()
        .rposition(|c| c.is_hardened())
        .map_or(0, |i| i + 1);
    DerivationPath::from(&path[..end])
}

/// The account paths under which `psbt` lists keys of `fingerprint` (inputs and outputs,
/// BIP32 and taproot origins), first seen first.
pub fn account_paths(psbt: &Psbt, fingerprint: Fingerprint) -> Vec<DerivationPath> {
    let inputs = psbt.inputs.iter().flat_map(|i| {
        i.bip32_derivation
            .values()
            .chain(i.tap_key_origins.values().map(|(_, source)| source))
    });
    let outputs = psbt.outputs.iter().flat_map(|o| {
        o.bip32_derivation
            .values()
            .chain(o.tap_key_origins.values().map(|(_, source)| source))
    });
    let mut paths: Vec<DerivationPath> = Vec::new();
    for (fp, path) in inputs.chain(outputs) {
        let account = account_of(path);
        if *fp == fingerprint && !paths.contains(&account) {
            paths.push(account);
        }
    }
    paths
}

/// Asks the device (`xpub`) for the xpub of every account path of `fingerprint` in `psbt`.
pub fn account_xpubs(
    psbt: &Psbt,
    fingerprint: Fingerprint,
    mut xpub: impl FnMut(&DerivationPath) -> Result<Xpub>,
) -> Result<Vec<(DerivationPath, Xpub)>> {
    let paths = account_paths(psbt, fingerprint);
    if paths.is_empty() {
        return Err(Error::said(
            Text::new("error-device-no-key").arg("fingerprint", fingerprint),
            Some(Text::new("hint-device-no-key")),
        ));
    }
    if paths.len() > MAX_ACCOUNTS {
        let message = Text::new("error-device-too-many-accounts")
            .arg("count", paths.len())
            .arg("max", MAX_ACCOUNTS);
        return Err(Error::said(message, None));
    }
    paths
        .into_iter()
        .map(|path| xpub(&path).map(|x| (path, x)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn the_account_ends_at_the_last_hardened_step() {
        let p = |s: &str| DerivationPath::from_str(s).unwrap();
        assert_eq!(account_of(&p("m/84'/0'/0'/1/7")), p("m/84'/0'/0'"));
        assert_eq!(account_of(&p("m/48'/1'/0'/2'/0/3")), p("m/48'/1'/0'/2'"));
        assert_eq!(account_of(&p("m/0/3")), p("m"));
    }
}
