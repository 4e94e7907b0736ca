//! Which of our policies an address belongs to: the standard single-sig accounts
//! (BIP84/86/49/44, accounts 0 to a limit) and the registered wallets, receive and change
//! branches, indexes 0 to a gap. The address is proved ours by deriving its script from our
//! keys (SeedSigner's address check), so a "not ours" answer is exact up to those limits.

use std::str::FromStr;

use bitcoin::bip32::{ChildNumber, DerivationPath};
use bitcoin::{Address, Network, Script};
use miniscript::descriptor::{DefiniteDescriptorKey, Descriptor, DescriptorPublicKey};
use miniscript::ForEachKey;

use super::derive::PublicDerivations;
use super::wallets::{branches, Wallet};
use crate::i18n::Text;
use crate::keys::accounts::{account, Standard};
use crate::keys::material::HdKeys;
use crate::{Error, Result};

/// The single-sig layouts searched, most common first.
const SEARCHED: [Standard; 4] = [
    Standard::Bip84,
    Standard::Bip86,
    Standard::Bip49,
    Standard::Bip44,
];

/// How far to search.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Standard account numbers 0..accounts.
    pub accounts: u32,
    /// Address indexes 0..gap on each branch.
    pub gap: u32,
}

/// A policy we hold keys of: a standard account or a registered wallet.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `bip84/0` style for standard accounts, the registered name otherwise.
    pub name: String,
    /// The layout, for standard accounts.
    pub standard: Option<Standard>,
    /// Receive and change descriptors.
    pub branches: [Descriptor<DescriptorPublicKey>; 2],
}

/// Says where `address` is among our standard accounts and the wallets registered beside
/// `keystore`, or declines (exit 1) naming how far it searched.
pub fn locate(
    hd: &HdKeys,
    keystore: &std::path::Path,
    address: &Address,
    network: Network,
    limits: Limits,
) -> Result<crate::report::address::Ours> {
    let wallets = Wallet::load_all(&super::wallets::registry_dir(keystore))?;
    let policies = policies(hd, &wallets, network, limits.accounts)?;
    let found = search(hd, &policies, &address.script_pubkey(), limits).ok_or_else(|| {
        Error::declined(
            Text::new("error-declined-not-ours")
                .arg("address", address)
                .arg("accounts", limits.accounts)
                .arg("wallets", wallets.len())
                .arg("gap", limits.gap),
        )
    })?;
    Ok(crate::report::address::Ours {
        address: address.to_string(),
        wallet: found.policy.name.clone(),
        branch: if found.branch == 0 {
            "receive"
        } else {
            "change"
        },
        index: found.index,
        paths: found.our_key_paths(hd.fingerprint())?,
    })
}

/// Where an address was found.
#[derive(Debug, Clone)]
pub struct Found {
    /// The policy.
    pub policy: Policy,
    /// 0 = receive, 1 = change.
    pub branch: u32,
    /// Address index.
    pub index: u32,
}

impl Found {
    /// The descriptor of exactly this address, its keys with full origins.
    pub fn descriptor(&self) -> Result<Descriptor<DefiniteDescriptorKey>> {
        self.policy.branches[self.branch as usize]
            .at_derivation_index(self.index)
            .map_err(|e| Error::Internal(format!("cannot derive a found address: {e}")))
    }

    /// The full paths of our keys (master fingerprint `ours`) at this address, e.g.
    /// m/84'/0'/0'/0/5.
    pub fn our_key_paths(&self, ours: bitcoin::bip32::Fingerprint) -> Result<Vec<String>> {
        let mut paths = Vec::new();
        self.descriptor()?.for_each_key(|k| {
            if k.master_fingerprint() == ours {
                if let Some(path) = k.full_derivation_path() {
                    paths.push(crate::keys::accounts::display_path(&path));
                }
            }
            true
        });
        Ok(paths)
    }

    /// For a standard account, the full path of its key, e.g. m/84'/0'/0'/0/5.
    pub fn single_key_path(&self) -> Option<DerivationPath> {
        let descriptor = self.descriptor().ok()?;
        let mut path = None;
        descriptor.for_each_key(|k| {
            path = k.full_derivation_path();
            true
        });
        self.policy.standard.and(path)
    }
}

/// Our standard accounts 0..`accounts` and the registered `wallets`, as searchable policies.
pub fn policies(
    hd: &HdKeys,
    wallets: &[Wallet],
    network: Network,
    accounts: u32,
) -> Result<Vec<Policy>> {
    let mut out = Vec::new();
    for number in 0..accounts {
        for standard in SEARCHED {
            out.push(standard_policy(hd, standard, network, number)?);
        }
    }
    for wallet in wallets {
        out.push(Policy {
            name: wallet.name.clone(),
            standard: None,
            branches: branches(&wallet.descriptor)?,
        });
    }
    Ok(out)
}

/// The single-sig account `number` of layout `standard` (BIP44/49/84/86) as a policy.
pub fn standard_policy(
    hd: &HdKeys,
    standard: Standard,
    network: Network,
    number: u32,
) -> Result<Policy> {
    let text = account(hd, standard, network, number, false)
        .descriptor
        .ok_or_else(|| Error::bad_input("BIP48 keys are not single-sig accounts"))?;
    let descriptor = Descriptor::<DescriptorPublicKey>::from_str(&text)
        .map_err(|e| Error::Internal(format!("standard descriptor: {e}")))?;
    Ok(Policy {
        name: format!("{}/{number}", standard_name(standard)),
        standard: Some(standard),
        branches: branches(&descriptor)?,
    })
}

fn standard_name(standard: Standard) -> &'static str {
    match standard {
        Standard::Bip44 => "bip44",
        Standard::Bip49 => "bip49",
        Standard::Bip84 => "bip84",
        Standard::Bip86 => "bip86",
        Standard::Bip48 => "bip48",
    }
}

/// Parses `address` for `network` (a wrong network is bad input).
pub fn parse_address(address: &str, network: Network) -> Result<Address> {
    Address::from_str(address.trim())
        .map_err(|e| Error::bad_input(format!("invalid address {address:?}: {e}")))?
        .require_network(network)
        .map_err(|_| {
            Error::usage(
                format!("{address} is not a {network} address"),
                "pass the matching --network",
            )
        })
}

/// Searches `policies` for `script`: index by index (0..gap), so the lowest index is found
/// first, each policy's receive branch before its change branch.
pub fn search(hd: &HdKeys, policies: &[Policy], script: &Script, limits: Limits) -> Option<Found> {
    let memo = PublicDerivations::default();
    let secp = hd.secp();
    for index in 0..limits.gap {
        ChildNumber::from_normal_idx(index).ok()?;
        for policy in policies {
            for branch in 0..2u32 {
                let derived = memo.descriptor_at(secp, &policy.branches[branch as usize], index);
                if derived.is_some_and(|d| d.script_pubkey().as_script() == script) {
                    return Some(Found {
                        policy: policy.clone(),
                        branch,
                        index,
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::mnemonic::SecretMnemonic;
    use crate::keys::secret::MasterKey;
    use secrecy::SecretString;

    fn abandon() -> HdKeys {
        let words = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        let seed = SecretMnemonic::parse(words)
            .expect("valid")
            .to_seed(&SecretString::from(String::new()));
        HdKeys::from_master(MasterKey::from_seed(&seed, bitcoin::NetworkKind::Main))
    }

    #[test]
    fn finds_bip84_change_and_bip44_receive_with_their_paths() {
        let hd = abandon();
        let all = policies(&hd, &[], Network::Bitcoin, 1).expect("policies");
        let limits = Limits {
            accounts: 1,
            gap: 5,
        };
        let find = |a: &str| {
            let address = parse_address(a, Network::Bitcoin).expect("address");
            search(&hd, &all, &address.script_pubkey(), limits)
        };
        let change = find("bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el").expect("ours");
        assert_eq!(change.policy.name, "bip84/0");
        assert_eq!((change.branch, change.index), (1, 0));
        assert_eq!(
            change.single_key_path().expect("path").to_string(),
            "84'/0'/0'/1/0"
        );
        let legacy = find("1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA").expect("ours");
        assert_eq!(legacy.policy.name, "bip44/0");
        assert!(find("bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh").is_none());
    }
}
