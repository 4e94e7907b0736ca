//! Official test vectors (fixtures/README.md names each source): BIP39 English and Japanese,
//! BIP32 vectors 1-5, BIP44/49/84/86 accounts, EIP-55 and Web3 Secret Storage (keystore v3).

use std::str::FromStr;

use bitcoin::bip32::DerivationPath;
use bitcoin::hex::DisplayHex;
use bitcoin::{Network, NetworkKind};
use coldsign::keys::accounts::{self, Standard};
use coldsign::keys::keystore::KdfCost;
use coldsign::keys::keystore_v3::{self, V3Error};
use coldsign::keys::material::HdKeys;
use coldsign::keys::mnemonic::{SecretMnemonic, WordList};
use coldsign::keys::secret::{MasterKey, PrivateKey, Seed};
use coldsign::keys::{ethereum, slip132, xkey};
use secrecy::SecretString;
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

fn unhex(h: &str) -> Vec<u8> {
    bitcoin::hex::FromHex::from_hex(h).unwrap()
}

fn check_bip39(vector: &Value, passphrase: &str, list: WordList) {
    let entropy = unhex(s(&vector["entropy"]));
    let from_entropy = SecretMnemonic::from_entropy(&entropy, list).unwrap();
    assert_eq!(
        from_entropy.expose_phrase().as_str(),
        s(&vector["mnemonic"])
    );
    let parsed = SecretMnemonic::parse(s(&vector["mnemonic"])).unwrap();
    assert_eq!(parsed.entropy().as_slice(), entropy.as_slice());
    let seed = parsed.to_seed(&SecretString::from(passphrase));
    assert_eq!(
        seed.expose_secret().to_lower_hex_string(),
        s(&vector["seed"])
    );
    let master = MasterKey::from_seed(&seed, NetworkKind::Main);
    assert_eq!(master.expose_secret().to_string(), s(&vector["xprv"]));
}

#[test]
fn bip39_english_vectors() {
    let f = fixture("bip39-english.json");
    let vectors = f["vectors"].as_array().unwrap();
    assert_eq!(vectors.len(), 24);
    for v in vectors {
        check_bip39(v, s(&f["passphrase"]), WordList::English);
    }
}

#[test]
fn bip39_japanese_vectors_with_passphrase() {
    let f = fixture("bip39-japanese.json");
    let vectors = f["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 24);
    for v in vectors {
        assert!(s(&v["mnemonic"]).contains('\u{3000}'));
        check_bip39(v, s(&v["passphrase"]), WordList::Japanese);
        // Words typed with ASCII spaces restore the same seed.
        let ascii = s(&v["mnemonic"]).replace('\u{3000}', " ");
        let seed = SecretMnemonic::parse(&ascii)
            .unwrap()
            .to_seed(&SecretString::from(s(&v["passphrase"])));
        assert_eq!(seed.expose_secret().to_lower_hex_string(), s(&v["seed"]));
    }
}

#[test]
fn bip32_vectors_1_to_4() {
    let f = fixture("bip32.json");
    for vector in f["vectors"].as_array().unwrap() {
        let mut bytes = [0u8; 64];
        let seed_bytes = unhex(s(&vector["seed"]));
        // BIP32 seeds vary in length; Xpriv::new_master takes any length, MasterKey 64 bytes.
        let master = bitcoin::bip32::Xpriv::new_master(NetworkKind::Main, &seed_bytes).unwrap();
        let secp = bitcoin::secp256k1::Secp256k1::new();
        for chain in vector["chains"].as_array().unwrap() {
            let path = DerivationPath::from_str(s(&chain["path"])).unwrap();
            let xprv = master.derive_priv(&secp, &path).unwrap();
            assert_eq!(xprv.to_string(), s(&chain["xprv"]), "{}", s(&chain["path"]));
            let xpub = bitcoin::bip32::Xpub::from_priv(&secp, &xprv);
            assert_eq!(xpub.to_string(), s(&chain["xpub"]));
            // Our strict parsers accept every valid key and round-trip it.
            assert_eq!(xkey::parse_xpub(s(&chain["xpub"])).unwrap(), xpub);
            assert_eq!(xkey::parse_xpriv(s(&chain["xprv"])).unwrap(), xprv);
        }
        if seed_bytes.len() == 64 {
            bytes.copy_from_slice(&seed_bytes);
            let hd =
                HdKeys::from_master(MasterKey::from_seed(&Seed::new(bytes), NetworkKind::Main));
            let last = vector["chains"].as_array().unwrap().last().unwrap();
            let path = DerivationPath::from_str(s(&last["path"])).unwrap();
            assert_eq!(
                hd.xpub(&path, NetworkKind::Main).to_string(),
                s(&last["xpub"])
            );
        }
    }
}

#[test]
fn bip32_vector_5_invalid_keys_are_rejected() {
    let f = fixture("bip32.json");
    let invalid = f["invalid"].as_array().unwrap();
    assert!(invalid.len() >= 16);
    for case in invalid {
        let key = s(&case["key"]);
        let (public, private) = (xkey::parse_xpub(key), xkey::parse_xpriv(key));
        assert!(
            public.is_err() && private.is_err(),
            "accepted invalid key ({}): {key}",
            s(&case["reason"])
        );
        // The error is the specific one, not a version mismatch, for keys of the right kind.
        if key.starts_with("xpub") {
            assert!(
                !matches!(public, Err(xkey::XkeyError::Version(_)))
                    || case["reason"].as_str().unwrap().contains("version")
            );
        }
    }
}

#[test]
fn standard_accounts_match_the_bips_for_abandon_about() {
    let f = fixture("bip44-84-86-abandon.json");
    let seed = SecretMnemonic::parse(s(&f["mnemonic"]))
        .unwrap()
        .to_seed(&SecretString::from(""));
    let hd = HdKeys::from_master(MasterKey::from_seed(&seed, NetworkKind::Main));
    assert_eq!(hd.fingerprint().to_string(), "73c5da0a");
    for v in f["vectors"].as_array().unwrap() {
        let network = if s(&v["network"]) == "bitcoin" {
            Network::Bitcoin
        } else {
            Network::Testnet
        };
        let standard = match v["bip"].as_u64().unwrap() {
            44 => Standard::Bip44,
            49 => Standard::Bip49,
            84 => Standard::Bip84,
            86 => Standard::Bip86,
            other => panic!("unexpected bip {other}"),
        };
        let account = accounts::account(&hd, standard, network, 0, true);
        assert_eq!(account.path, s(&v["path"]));
        let (expected_xpub, _) = slip132::decode(s(&v["account_xpub"])).unwrap();
        assert_eq!(account.xpub, expected_xpub.to_string(), "bip{}", v["bip"]);
        if s(&v["account_xpub"]) != account.xpub {
            assert_eq!(account.slip132.as_deref(), Some(s(&v["account_xpub"])));
        }
        assert_eq!(
            account.first_receive.as_deref(),
            Some(s(&v["first_receive"]["address"]))
        );
        if let Some(change) = v.get("first_change") {
            assert_eq!(account.first_change.as_deref(), Some(s(&change["address"])));
        }
    }
    let eth = ethereum::accounts(&hd, ethereum::EthLayout::Bip44, 1);
    assert_eq!(eth[0].address, s(&f["ethereum"][0]["address"]));
}

#[test]
fn eip55_checksums_and_key_addresses() {
    let f = fixture("ethereum-addresses.json");
    for address in f["eip55"].as_array().unwrap() {
        let parsed = alloy_primitives::Address::from_str(s(address)).unwrap();
        assert_eq!(parsed.to_checksum(None), s(address));
    }
    let secp = bitcoin::secp256k1::Secp256k1::new();
    for k in f["keys"].as_array().unwrap() {
        let key = PrivateKey::from_slice(&unhex(s(&k["private_key"]))).unwrap();
        assert_eq!(
            ethereum::address_of_private(&secp, &key).to_checksum(None),
            s(&k["address"])
        );
    }
}

#[test]
fn keystore_v3_vectors_decrypt() {
    let f = fixture("keystore-v3.json");
    for v in f["vectors"].as_array().unwrap() {
        let json = serde_json::to_vec(&v["keystore"]).unwrap();
        if v["spec_conformant"] == false {
            // ethereum.org's scrypt example was generated over the salt's hex text, not its
            // bytes (fixtures/README.md): a conforming reader must reject its MAC.
            let result = keystore_v3::decrypt(&json, &SecretString::from(s(&v["password"])));
            assert!(
                matches!(result, Err(V3Error::WrongPassword)),
                "{}",
                s(&v["name"])
            );
            continue;
        }
        let key = keystore_v3::decrypt(&json, &SecretString::from(s(&v["password"])))
            .unwrap_or_else(|e| panic!("{}: {e}", s(&v["name"])));
        let expected = format!("{:0>64}", s(&v["private_key"]));
        assert_eq!(
            key.expose_secret().secret_bytes().to_lower_hex_string(),
            expected,
            "{}",
            s(&v["name"])
        );
        let wrong = keystore_v3::decrypt(&json, &SecretString::from("not the password"));
        assert!(
            matches!(wrong, Err(V3Error::WrongPassword)),
            "{}",
            s(&v["name"])
        );
    }
}

#[test]
fn keystore_v3_round_trip_and_hostile_parameters() {
    let key = PrivateKey::from_slice(&unhex(
        "7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d",
    ))
    .unwrap();
    let password = SecretString::from("testpassword");
    let document = keystore_v3::encrypt(&key, &password, KdfCost::new(10).unwrap());
    let parsed: Value = serde_json::from_slice(&document).unwrap();
    assert_eq!(
        parsed["address"],
        "008aeeda4d805471df9b2a5b0f38a0c3bcba786b"
    );
    assert_eq!(parsed["version"], 3);
    let back = keystore_v3::decrypt(&document, &password).unwrap();
    assert_eq!(back.expose_secret(), key.expose_secret());
    // A wrong stated address is a verification failure, not a silent import.
    let mut lied = parsed.clone();
    lied["address"] = "970e8128ab834e8eac17ab8e3812f010678cf791".into();
    let err = keystore_v3::decrypt(&serde_json::to_vec(&lied).unwrap(), &password).unwrap_err();
    assert!(matches!(err, V3Error::AddressMismatch { .. }));
    // Memory-exhausting scrypt costs are refused before any work.
    let mut heavy = parsed.clone();
    heavy["crypto"]["kdfparams"]["n"] = (1u64 << 24).into();
    assert!(matches!(
        keystore_v3::decrypt(&serde_json::to_vec(&heavy).unwrap(), &password),
        Err(V3Error::Unsupported(_))
    ));
    for bad in [&b"{}"[..], b"not json", b"{\"version\":3}"] {
        assert!(matches!(
            keystore_v3::decrypt(bad, &password),
            Err(V3Error::Malformed(_))
        ));
    }
}
