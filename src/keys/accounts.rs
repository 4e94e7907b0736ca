//! Standard single-signature accounts (BIP44/49/84/86) and the BIP48 multisig key, with their
//! output descriptors and first addresses.

use std::str::FromStr;

use bitcoin::bip32::{ChildNumber, DerivationPath, Fingerprint, Xpub};
use bitcoin::Network;
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use serde::Serialize;

use super::material::HdKeys;
use super::slip132::{self, Slip132Kind};

/// A standard account layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Standard {
    /// BIP44 legacy P2PKH.
    Bip44,
    /// BIP49 P2WPKH nested in P2SH.
    Bip49,
    /// BIP84 native segwit P2WPKH.
    Bip84,
    /// BIP86 taproot key path.
    Bip86,
    /// BIP48 multisig key, script type 2' (native P2WSH).
    Bip48,
}

impl Standard {
    /// Every layout, in display order.
    pub const ALL: [Standard; 5] = [
        Standard::Bip84,
        Standard::Bip86,
        Standard::Bip49,
        Standard::Bip44,
        Standard::Bip48,
    ];

    fn purpose(self) -> u32 {
        match self {
            Standard::Bip44 => 44,
            Standard::Bip49 => 49,
            Standard::Bip84 => 84,
            Standard::Bip86 => 86,
            Standard::Bip48 => 48,
        }
    }

    /// A human name of the script type.
    pub fn script_name(self) -> &'static str {
        match self {
            Standard::Bip44 => "p2pkh",
            Standard::Bip49 => "p2sh-p2wpkh",
            Standard::Bip84 => "p2wpkh",
            Standard::Bip86 => "p2tr",
            Standard::Bip48 => "p2wsh multisig key",
        }
    }

    fn slip132(self) -> Slip132Kind {
        match self {
            Standard::Bip44 | Standard::Bip86 => Slip132Kind::Legacy,
            Standard::Bip49 => Slip132Kind::NestedSegwit,
            Standard::Bip84 => Slip132Kind::NativeSegwit,
            Standard::Bip48 => Slip132Kind::NativeSegwitMultisig,
        }
    }

    /// The account path, e.g. m/84'/0'/0' (BIP48 adds the script type 2').
    pub fn path(self, network: Network, account: u32) -> DerivationPath {
        let coin = if network == Network::Bitcoin { 0 } else { 1 };
        let mut steps = vec![hardened(self.purpose()), hardened(coin), hardened(account)];
        if self == Standard::Bip48 {
            steps.push(hardened(2));
        }
        DerivationPath::from(steps)
    }

    pub(crate) fn descriptor_template(self) -> Option<(&'static str, &'static str)> {
        match self {
            Standard::Bip44 => Some(("pkh(", ")")),
            Standard::Bip49 => Some(("sh(wpkh(", "))")),
            Standard::Bip84 => Some(("wpkh(", ")")),
            Standard::Bip86 => Some(("tr(", ")")),
            Standard::Bip48 => None,
        }
    }
}

fn hardened(index: u32) -> ChildNumber {
    ChildNumber::from_hardened_idx(index).expect("small constant index")
}

/// One account of a wallet, as shown by `key show` and exported watch-only.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    /// The layout.
    pub standard: Standard,
    /// Script type name.
    pub script: &'static str,
    /// Account derivation path.
    pub path: String,
    /// The account extended public key (xpub or tpub).
    pub xpub: String,
    /// The same key in its SLIP-132 form, when asked for and different from `xpub`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slip132: Option<String>,
    /// The key with its origin, `[fingerprint/path]xpub`.
    pub key: String,
    /// Receive and change descriptor (`<0;1>` multipath) with checksum; none for BIP48 keys.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub descriptor: Option<String>,
    /// First receive address (…/0/0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_receive: Option<String>,
    /// First change address (…/1/0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_change: Option<String>,
}

/// Derives one standard account.
pub fn account(
    hd: &HdKeys,
    standard: Standard,
    network: Network,
    index: u32,
    with_slip132: bool,
) -> Account {
    let path = standard.path(network, index);
    let xpub = hd.xpub(&path, network.into());
    let key = key_expression(hd.fingerprint(), &path, &xpub);
    let slip = slip132::encode(&xpub, standard.slip132());
    let mut account = Account {
        standard,
        script: standard.script_name(),
        path: display_path(&path),
        xpub: xpub.to_string(),
        slip132: (with_slip132 && slip != xpub.to_string()).then_some(slip),
        key: key.clone(),
        descriptor: None,
        first_receive: None,
        first_change: None,
    };
    if let Some((open, close)) = standard.descriptor_template() {
        let descriptor =
            Descriptor::<DescriptorPublicKey>::from_str(&format!("{open}{key}/<0;1>/*{close}"))
                .expect("standard descriptor templates parse");
        let [receive, change] = first_addresses(&descriptor, network);
        account.descriptor = Some(descriptor.to_string());
        account.first_receive = Some(receive);
        account.first_change = Some(change);
    }
    account
}

/// All standard accounts at `index`.
pub fn standard_accounts(
    hd: &HdKeys,
    network: Network,
    index: u32,
    with_slip132: bool,
) -> Vec<Account> {
    Standard::ALL
        .iter()
        .map(|s| account(hd, *s, network, index, with_slip132))
        .collect()
}

/// `[fingerprint/path]xpub`, the key-origin form every descriptor wallet reads.
pub fn key_expression(fingerprint: Fingerprint, path: &DerivationPath, xpub: &Xpub) -> String {
    format!("[{fingerprint}/{}]{xpub}", path_string(path))
}

/// A path without the leading `m/`, hardened steps marked `'` as descriptors print them.
pub fn path_string(path: &DerivationPath) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(path.len() * 4);
    for (step, child) in path.into_iter().enumerate() {
        if step > 0 {
            out.push('/');
        }
        // Writing to a String cannot fail.
        let _ = match child {
            ChildNumber::Hardened { index } => write!(out, "{index}'"),
            ChildNumber::Normal { index } => write!(out, "{index}"),
        };
    }
    out
}

/// A path as people write it: `m/84'/0'/0'`.
pub fn display_path(path: &DerivationPath) -> String {
    format!("m/{}", path_string(path))
}

fn first_addresses(descriptor: &Descriptor<DescriptorPublicKey>, network: Network) -> [String; 2] {
    let singles = descriptor
        .clone()
        .into_single_descriptors()
        .expect("multipath <0;1> splits in two");
    let address = |d: &Descriptor<DescriptorPublicKey>| {
        d.at_derivation_index(0)
            .expect("index 0 is unhardened")
            .address(network)
            .expect("standard descriptors have addresses")
            .to_string()
    };
    [address(&singles[0]), address(&singles[1])]
}
