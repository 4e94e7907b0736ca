//! Wallet formats round-trip with published examples (fixtures/wallet-formats/README.md):
//! BIP388's test vectors, Coinkite's Coldcard multisig files and xpub exports, Keystone's
//! setup files, and Caravan configurations.

use std::str::FromStr;

use coldsign::btc::multisig::{parse_key_source, CosignerKey, MultisigSetup, MultisigType};
use coldsign::btc::wallets::Wallet;
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use serde_json::Value;

fn read(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/fixtures/wallet-formats/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// Same policy, ignoring checksum and hardened-marker spelling.
fn same(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        Descriptor::<DescriptorPublicKey>::from_str(s)
            .unwrap()
            .to_string()
    };
    norm(a) == norm(b)
}

#[test]
fn bip388_valid_policies_give_the_bips_descriptors() {
    let f: Value = serde_json::from_str(&read("bip388.json")).unwrap();
    let mut imported = 0;
    for v in f["valid"].as_array().unwrap() {
        let template = v["descriptor_template"].as_str().unwrap();
        let policy = serde_json::json!({"name": "x", "descriptor_template": template, "keys_info": v["keys_info"]});
        match Wallet::parse(None, &policy.to_string()) {
            Ok(wallet) => {
                imported += 1;
                assert!(
                    same(
                        &wallet.descriptor.to_string(),
                        v["descriptor"].as_str().unwrap()
                    ),
                    "{template}"
                );
            }
            // Not supported by this signer: keys on other branches than <0;1>, and MuSig2.
            Err(_) => assert!(
                template.contains("<2;3>") || template.contains("musig"),
                "{template} was refused"
            ),
        }
    }
    assert!(imported >= 8, "only {imported} BIP388 examples imported");
}

fn cosigners_of(wallet: &Wallet) -> Vec<CosignerKey> {
    let mut keys = Vec::new();
    miniscript::ForEachKey::for_each_key(&wallet.descriptor, |k| {
        if let DescriptorPublicKey::MultiXPub(x) = k {
            let (fingerprint, path) = x.origin.clone().unwrap();
            keys.push(CosignerKey {
                fingerprint,
                path,
                xpub: x.xkey,
            });
        }
        true
    });
    keys
}

#[test]
fn coldcard_and_keystone_setup_files_import_and_round_trip() {
    for (file, kind, n) in [
        ("coldcard-multisig.txt", Some(MultisigType::Wsh), 4),
        (
            "coldcard-multisig-p2sh-p2wsh.txt",
            Some(MultisigType::ShWsh),
            4,
        ),
        ("coldcard-multisig-p2sh.txt", None, 4),
        ("keystone-multisig-setup.txt", None, 2),
        (
            "keystone-multisig-setup-multipath.txt",
            Some(MultisigType::ShWsh),
            3,
        ),
    ] {
        let wallet = Wallet::parse(None, &read(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let keys = cosigners_of(&wallet);
        assert_eq!(keys.len(), n, "{file}");
        let Some(kind) = kind else { continue };
        let network = if keys[0].xpub.network == bitcoin::NetworkKind::Main {
            bitcoin::Network::Bitcoin
        } else {
            bitcoin::Network::Testnet
        };
        let m: usize = read(file)
            .lines()
            .find_map(|l| l.strip_prefix("Policy: "))
            .unwrap()
            .split(" of ")
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let setup = MultisigSetup::new(&wallet.name, m, kind, keys, network).unwrap();
        assert_eq!(
            setup.descriptor().to_string(),
            wallet.descriptor.to_string(),
            "{file}"
        );
        for text in [
            setup.coldcard().unwrap(),
            setup.bip388().unwrap().to_string(),
            setup.caravan().unwrap().to_string(),
        ] {
            let again = Wallet::parse(Some("again"), &text)
                .unwrap_or_else(|e| panic!("{file}: {e}\n{text}"));
            assert_eq!(
                again.descriptor.to_string(),
                wallet.descriptor.to_string(),
                "{file}"
            );
        }
    }
}

#[test]
fn coldcard_xpub_exports_give_cosigner_keys() {
    for file in [
        "coldcard-xpub-export.json",
        "coldcard-xpub-export-6BA6CFD0.json",
        "coldcard-xpub-export-747B698E.json",
        "coldcard-xpub-export-7BB026BE.json",
    ] {
        let text = read(file);
        let v: Value = serde_json::from_str(&text).unwrap();
        let key = parse_key_source(&text, MultisigType::Wsh).unwrap();
        assert_eq!(
            key.fingerprint.to_string(),
            v["xfp"].as_str().unwrap().to_lowercase(),
            "{file}"
        );
        assert_eq!(
            coldsign::keys::accounts::display_path(&key.path).replace('\'', "h"),
            v["p2wsh_deriv"].as_str().unwrap().replace('\'', "h")
        );
        let nested = parse_key_source(&text, MultisigType::ShWsh).unwrap();
        assert_ne!(nested.path, key.path);
    }
}

#[test]
fn caravan_configurations_import() {
    let wallet = Wallet::parse(None, &read("caravan.json")).unwrap();
    // BDK publishes this receive descriptor checksum for the same Caravan configuration.
    let receive = wallet.descriptor.clone().into_single_descriptors().unwrap()[0].to_string();
    assert!(receive.ends_with("#nv5k65uf"), "{receive}");
    let mainnet = Wallet::parse(None, &read("caravan-p2wsh-mainnet.json")).unwrap();
    assert!(mainnet
        .descriptor
        .to_string()
        .starts_with("wsh(sortedmulti(2,"));
}
