//! What a person compares when registering a wallet: its policy in a few words ("2-of-3
//! P2WSH") and its first receive address, which every cosigner's device must show too.

use bitcoin::Network;
use miniscript::descriptor::{Descriptor, DescriptorPublicKey, DescriptorType};
use miniscript::ForEachKey;
use serde::Serialize;

use super::wallets::branches;
use crate::i18n::{Phrase, Text};
use crate::review::bitcoin::signatures::multisig_threshold;
use crate::{Error, Result};

/// A registered wallet in a few words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WalletSummary {
    /// "2-of-3 P2WSH", or "miniscript policy over 3 keys, P2WSH".
    pub policy: Phrase,
    /// The first receive address (branch 0, index 0).
    pub first_receive: String,
}

/// Summarizes `descriptor` (a `<0;1>` multipath descriptor) on `network`.
pub fn summarize(
    descriptor: &Descriptor<DescriptorPublicKey>,
    network: Network,
) -> Result<WalletSummary> {
    let [receive, _] = branches(descriptor)?;
    let first = receive
        .at_derivation_index(0)
        .map_err(|e| Error::bad_input(format!("cannot derive the first address: {e}")))?;
    let first_receive = first
        .address(network)
        .map_err(|e| Error::bad_input(format!("the wallet has no address: {e}")))?
        .to_string();
    let mut keys = 0usize;
    descriptor.for_each_key(|_| {
        keys = keys.saturating_add(1);
        true
    });
    let script = script_name(descriptor.desc_type());
    let threshold = first
        .explicit_script()
        .ok()
        .and_then(|s| multisig_threshold(&s));
    let policy = match threshold {
        Some((needed, total)) => Text::new("wallet-policy-threshold")
            .arg("needed", needed)
            .arg("total", total),
        None => Text::new("wallet-policy-miniscript").arg("keys", keys),
    };
    Ok(WalletSummary {
        policy: policy.arg("script", script).into(),
        first_receive,
    })
}

fn script_name(kind: DescriptorType) -> &'static str {
    match kind {
        DescriptorType::Bare => "bare script",
        DescriptorType::Sh | DescriptorType::ShSortedMulti => "P2SH",
        DescriptorType::Pkh => "P2PKH",
        DescriptorType::Wpkh => "P2WPKH",
        DescriptorType::ShWpkh => "P2SH-P2WPKH",
        DescriptorType::Wsh | DescriptorType::WshSortedMulti => "P2WSH",
        DescriptorType::ShWsh | DescriptorType::ShWshSortedMulti => "P2SH-P2WSH",
        DescriptorType::Tr => "P2TR",
    }
}

#[cfg(test)]
mod tests {
    use bitcoin::bip32::{DerivationPath, Xpriv, Xpub};
    use bitcoin::secp256k1::Secp256k1;

    use super::*;
    use crate::btc::wallets::parse_descriptor;

    fn cosigner(seed: u8) -> String {
        let secp = Secp256k1::new();
        let master = Xpriv::new_master(Network::Regtest, &[seed; 32]).unwrap();
        let path: DerivationPath = "m/48'/1'/0'/2'".parse().unwrap();
        let account = Xpub::from_priv(&secp, &master.derive_priv(&secp, &path).unwrap());
        format!(
            "[{}/48h/1h/0h/2h]{account}/<0;1>/*",
            master.fingerprint(&secp)
        )
    }

    #[test]
    fn multisig_and_single_key_wallets_are_summarized() {
        let (a, b, c) = (cosigner(1), cosigner(2), cosigner(3));
        let d = parse_descriptor(&format!("wsh(sortedmulti(2,{a},{b},{c}))")).unwrap();
        let s = summarize(&d, Network::Regtest).unwrap();
        assert_eq!(&*s.policy, "2-of-3 P2WSH");
        assert!(s.first_receive.starts_with("bcrt1q"), "{}", s.first_receive);
        let d = parse_descriptor(&format!("sh(wsh(multi(1,{a},{b})))")).unwrap();
        assert_eq!(
            &*summarize(&d, Network::Regtest).unwrap().policy,
            "1-of-2 P2SH-P2WSH"
        );
        let d = parse_descriptor(&format!("wsh(and_v(v:pk({a}),pk({b})))")).unwrap();
        assert_eq!(
            &*summarize(&d, Network::Regtest).unwrap().policy,
            "miniscript policy over 2 keys, P2WSH"
        );
    }
}
