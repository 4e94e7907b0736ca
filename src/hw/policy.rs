//! BIP388 wallet policies for the Ledger Bitcoin app: the default single-signature accounts
//! (no registration) and registered multisig/miniscript wallets converted from our
//! descriptors.

use bitcoin::bip32::{DerivationPath, Fingerprint, Xpub};
use ledger_bitcoin_client::wallet::{Version, WalletPolicy, WalletPubKey};
use miniscript::descriptor::DescriptorPublicKey;
use miniscript::ForEachKey;

use crate::btc::wallets::{origin, Wallet};
use crate::i18n::Text;
use crate::keys::accounts::Standard;
use crate::{Error, Result};

/// The template of a default single-signature account, as the Ledger app knows them
/// (none for the BIP48 multisig key, which needs a registered policy).
pub fn default_template(standard: Standard) -> Option<&'static str> {
    standard.descriptor_template().map(|_| match standard {
        Standard::Bip44 => "pkh(@0/**)",
        Standard::Bip49 => "sh(wpkh(@0/**))",
        Standard::Bip86 => "tr(@0/**)",
        _ => "wpkh(@0/**)",
    })
}

/// The standard layout of an account path by its purpose (44', 49', 84', 86').
pub fn standard_of(path: &DerivationPath) -> Option<Standard> {
    let purpose = path.into_iter().next().map(|c| u32::from(*c))?;
    [
        Standard::Bip44,
        Standard::Bip49,
        Standard::Bip84,
        Standard::Bip86,
    ]
    .into_iter()
    .find(|s| s.path(bitcoin::Network::Bitcoin, 0)[0] == bitcoin::bip32::ChildNumber::from(purpose))
}

/// A default single-signature policy (empty name, no HMAC needed) for the account key
/// `[fingerprint/path]xpub`.
pub fn default_policy(
    standard: Standard,
    fingerprint: Fingerprint,
    path: DerivationPath,
    xpub: Xpub,
) -> Option<WalletPolicy> {
    Some(WalletPolicy::new(
        String::new(),
        Version::V2,
        default_template(standard)?.into(),
        [WalletPubKey::from(((fingerprint, path), xpub))],
    ))
}

/// The BIP388 policy of a registered wallet: each distinct `[origin]xpub/<0;1>/*` key becomes
/// `@i/**` in order of first appearance.
pub fn wallet_policy(wallet: &Wallet) -> Result<WalletPolicy> {
    let text = wallet.descriptor.to_string();
    let mut template = text.split('#').next().unwrap_or_default().to_string();
    let mut keys: Vec<(String, WalletPubKey)> = Vec::new();
    let mut single = None;
    wallet.descriptor.for_each_key(|key| {
        match key {
            DescriptorPublicKey::MultiXPub(x) => {
                let shown = key.to_string();
                if !keys.iter().any(|(s, _)| *s == shown) {
                    let (fp, path) = origin(x);
                    keys.push((shown, WalletPubKey::from(((fp, path), x.xkey))));
                }
            }
            other => single = Some(other.to_string()),
        }
        true
    });
    if let Some(key) = single {
        return Err(Error::said(
            Text::new("error-ledger-fixed-key").arg("key", key),
            Some(Text::new("hint-ledger-fixed-key")),
        ));
    }
    for (i, (shown, _)) in keys.iter().enumerate() {
        template = template.replace(shown, &format!("@{i}/**"));
    }
    Ok(WalletPolicy::new(
        wallet.name.clone(),
        Version::V2,
        template,
        keys.into_iter().map(|(_, k)| k),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptor_becomes_a_bip388_template() {
        let w = Wallet::parse(
            Some("cold-storage"),
            "wsh(sortedmulti(2,[76223a6e/48'/1'/0'/2']tpubDE7NQymr4AFtewpAsWtnreyq9ghkzQBXpCZjWLFVRAvnbf7vya2eMTvT2fPapNqL8SuVvLQdbUbMfWLVDCZKnsEBqp6UK93QEzL8Ck23AwF/<0;1>/*,[f5acc2fd/48'/1'/0'/2']tpubDFAqEGNyad35aBCKUAXbQGDjdVhNueno5ZZVEn3sQbW5ci457gLR7HyTmHBg93oourBssgUxuWz1jX5uhc1qaqFo9VsybY1J5FuedLfm4dK/<0;1>/*))",
        )
        .unwrap();
        let p = wallet_policy(&w).unwrap();
        assert_eq!(p.descriptor_template, "wsh(sortedmulti(2,@0/**,@1/**))");
        assert_eq!(p.keys.len(), 2);
    }
}
