//! The Ledger Bitcoin app against real-device transcripts, replayed byte for byte by a FAKE
//! transport (no Ledger app binary exists in any registry, so neither a device nor Speculos
//! runs here). Every request coldsign sends must equal the recorded one; returned signatures
//! must verify against coldsign's own sighash; a changed PSBT must break the replay; and the
//! software signer must reproduce the device's deterministic ECDSA signatures.
//!
//! Opt-in: `COLDSIGN_SPECULOS=host:port` runs `speculos_*` against a Speculos started with the
//! test seed (fixtures/ledger); `COLDSIGN_DEVICE_TESTS=1` runs `device_*` against a plugged-in
//! Ledger with the Bitcoin Test app open.

mod common;

use std::str::FromStr;

use bitcoin::bip32::{DerivationPath, Xpub};
use bitcoin::psbt::Psbt;
use bitcoin::secp256k1::Secp256k1;
use bitcoin::sighash::SighashCache;
use coldsign::btc::wallets::Wallet;
use coldsign::hw::ledger_btc::LedgerBtc;
use coldsign::hw::policy::{default_policy, standard_of, wallet_policy};
use coldsign::hw::DeviceError;
use coldsign::signer::software::sign_ecdsa_input;
use common::ledger::{cases, hmac, keys, replay, text, SPECULOS_SEED};
use ledger_bitcoin_client::wallet::{Version, WalletPolicy, WalletPubKey};
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};

fn psbt_of(case: &serde_json::Value) -> Psbt {
    let bytes = data_encoding::BASE64
        .decode(text(case, "psbt").as_bytes())
        .unwrap();
    Psbt::deserialize(&bytes).unwrap()
}

fn policy_of(case: &serde_json::Value) -> WalletPolicy {
    WalletPolicy::new(
        text(case, "name"),
        Version::V2,
        text(case, "policy"),
        keys(case)
            .iter()
            .map(|k| WalletPubKey::from_str(k).unwrap()),
    )
}

#[test]
fn xpubs_replay_byte_exact() {
    for case in cases("get_extended_pubkey") {
        let mut t = replay(&case);
        let path = DerivationPath::from_str(&text(&case, "derivation_path")).unwrap();
        let display = case["display"].as_bool().unwrap();
        let xpub = LedgerBtc::new(&mut t).xpub(&path, display).unwrap();
        assert_eq!(xpub.to_string(), text(&case, "result"));
        assert!(t.finished(), "every recorded exchange replayed");
    }
}

/// Every xpub in the transcripts is the speculos seed's at its path, derived here with BIP32
/// from the seed by the `bip39` and `bitcoin` crates alone (the serialization version is the
/// recorded one). The two `m/44'/0'/…` responses are derived this way, not recorded: the
/// published transcripts carried keys of another seed.
#[test]
fn transcript_xpubs_are_the_speculos_seeds() {
    let secp = Secp256k1::new();
    let seed = bip39::Mnemonic::parse(SPECULOS_SEED).unwrap().to_seed("");
    let master = bitcoin::bip32::Xpriv::new_master(bitcoin::Network::Bitcoin, &seed).unwrap();
    for case in cases("get_extended_pubkey") {
        let path = DerivationPath::from_str(&text(&case, "derivation_path")).unwrap();
        let ours = Xpub::from_priv(&secp, &master.derive_priv(&secp, &path).unwrap());
        let recorded = Xpub::from_str(&text(&case, "result")).unwrap();
        let ours = Xpub {
            network: recorded.network,
            ..ours
        };
        assert_eq!(ours, recorded, "{path}: the seed gives {ours}");
    }
}

#[test]
fn asking_for_another_path_breaks_the_replay() {
    let case = &cases("get_extended_pubkey")[0];
    let mut t = replay(case);
    let err = LedgerBtc::new(&mut t)
        .xpub(&DerivationPath::from_str("m/44'/0'/0'/0/9").unwrap(), false)
        .unwrap_err();
    assert!(
        matches!(err, DeviceError::ReplayMismatch { index: 0, .. }),
        "{err}"
    );
}

/// Our descriptor → BIP388 conversion produces the very policy bytes the device registered.
#[test]
fn registering_our_wallet_replays_and_returns_the_recorded_hmac() {
    for case in cases("register_wallet")
        .iter()
        .filter(|c| c["version"] == 2)
    {
        let bip388 = serde_json::json!({
            "name": "w",
            "descriptor_template": text(case, "policy"),
            "keys_info": keys(case),
        });
        let wallet = Wallet::parse(None, &bip388.to_string()).unwrap();
        let mut policy = wallet_policy(&wallet).unwrap();
        assert_eq!(policy.descriptor_template, text(case, "policy"));
        policy.name = text(case, "name");
        let mut t = replay(case);
        let got = LedgerBtc::new(&mut t).register(&policy).unwrap();
        assert_eq!(Some(got), hmac(case));
        assert!(t.finished());
    }
}

/// The address the device shows equals the one coldsign derives itself.
#[test]
fn device_addresses_equal_our_derivation() {
    for case in cases("get_wallet_address") {
        let policy = policy_of(&case);
        let mut t = replay(&case);
        let address = LedgerBtc::new(&mut t)
            .address(
                &policy,
                hmac(&case).as_ref(),
                case["change"].as_bool().unwrap(),
                case["address_index"].as_u64().unwrap() as u32,
                case["display"].as_bool().unwrap(),
            )
            .unwrap()
            .assume_checked();
        assert_eq!(address.to_string(), text(&case, "address"));
        assert!(t.finished());
        // Our own derivation from the policy's keys.
        let mut descriptor = text(&case, "policy");
        for (i, key) in keys(&case).iter().enumerate().rev() {
            descriptor = descriptor.replace(&format!("@{i}/**"), &format!("{key}/<0;1>/*"));
        }
        let ours = Descriptor::<DescriptorPublicKey>::from_str(&descriptor)
            .unwrap()
            .into_single_descriptors()
            .unwrap()[0]
            .at_derivation_index(case["address_index"].as_u64().unwrap() as u32)
            .unwrap()
            .script_pubkey();
        assert_eq!(ours, address.script_pubkey());
    }
}

/// The default single-sig policy coldsign builds for an account key is the recorded one.
#[test]
fn default_taproot_policy_matches_the_recorded_request() {
    let case = &cases("get_wallet_address")[0];
    let key = WalletPubKey::from_str(&keys(case)[0]).unwrap();
    let (fp, path) = key.source.clone().unwrap();
    let standard = standard_of(&path).unwrap();
    let policy = default_policy(standard, fp, path, key.inner).unwrap();
    let mut t = replay(case);
    let address = LedgerBtc::new(&mut t)
        .address(&policy, None, false, 0, true)
        .unwrap();
    assert_eq!(address.assume_checked().to_string(), text(case, "address"));
}

#[test]
fn signatures_replay_verify_and_merge() {
    for case in cases("sign_psbt") {
        let mut psbt = psbt_of(&case);
        let policy = policy_of(&case);
        let mut t = replay(&case);
        let outcomes = LedgerBtc::new(&mut t)
            .sign_into(&mut psbt, &policy, hmac(&case).as_ref())
            .unwrap_or_else(|e| panic!("{}: {e}", text(&case, "name")));
        assert!(t.finished());
        let expected = case["sigs"].as_array().unwrap();
        assert_eq!(
            outcomes.iter().map(|o| o.signatures).sum::<usize>(),
            expected.len()
        );
        for sig in expected {
            let key = text(sig, "key");
            let want = text(sig, "sig");
            let found = psbt.inputs.iter().any(|i| {
                i.partial_sigs
                    .iter()
                    .any(|(k, s)| k.to_string() == key && hex(&s.to_vec()) == want)
                    || i.tap_script_sigs
                        .iter()
                        .any(|((k, _), s)| k.to_string() == key && hex(&s.to_vec()) == want)
            });
            assert!(found, "{}: signature {want} merged", text(&case, "name"));
        }
    }
}

fn hex(b: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(b)
}

#[test]
fn a_changed_psbt_fails_the_replay() {
    let case = &cases("sign_psbt")[0];
    let mut psbt = psbt_of(case);
    psbt.unsigned_tx.output[0].value += bitcoin::Amount::from_sat(1);
    let mut t = replay(case);
    let err = LedgerBtc::new(&mut t)
        .sign(&psbt, &policy_of(case), hmac(case).as_ref())
        .unwrap_err();
    assert!(matches!(err, DeviceError::ReplayMismatch { .. }), "{err}");
}

/// A signature that does not belong to the PSBT is refused before it is merged.
#[test]
fn a_signature_for_another_transaction_is_refused() {
    let cases = cases("sign_psbt");
    let mut t = replay(&cases[0]);
    let sigs = LedgerBtc::new(&mut t)
        .sign(&psbt_of(&cases[0]), &policy_of(&cases[0]), None)
        .unwrap();
    let mut other = psbt_of(&cases[0]);
    other.unsigned_tx.lock_time = bitcoin::absolute::LockTime::from_consensus(1);
    let err = coldsign::hw::merge::merge(&mut other, sigs).unwrap_err();
    assert!(err.to_string().contains("does not verify"), "{err}");
}

/// The software signer, given the speculos seed, produces the device's signature bytes
/// (both sign ECDSA with RFC 6979).
#[test]
fn software_signer_reproduces_the_device_ecdsa_signatures() {
    let hd = common::btc::hd(SPECULOS_SEED);
    assert_eq!(hd.fingerprint().to_string(), "f5acc2fd");
    let secp = Secp256k1::new();
    let mut compared = 0;
    for case in cases("sign_psbt") {
        let mut psbt = psbt_of(&case);
        let tx = psbt.unsigned_tx.clone();
        let mut cache = SighashCache::new(&tx);
        for sig in case["sigs"].as_array().unwrap() {
            let Ok(pk) = bitcoin::PublicKey::from_str(&text(sig, "key")) else {
                continue; // x-only: Schnorr with random aux data, not reproducible
            };
            let (index, input) = psbt
                .inputs
                .iter_mut()
                .enumerate()
                .find(|(_, i)| i.bip32_derivation.contains_key(&pk.inner))
                .unwrap();
            let (fp, path) = input.bip32_derivation[&pk.inner].clone();
            assert_eq!(fp, hd.fingerprint());
            let secret = hd.private_key(&path);
            let out =
                coldsign::review::bitcoin::spent_output(input, &tx.input[index].previous_output)
                    .unwrap()
                    .clone();
            input.partial_sigs.clear();
            sign_ecdsa_input(
                &secp,
                &mut cache,
                index,
                input,
                &out,
                &[(pk.inner, secret.expose_secret())],
            )
            .unwrap();
            assert_eq!(hex(&input.partial_sigs[&pk].to_vec()), text(sig, "sig"));
            compared += 1;
        }
    }
    assert_eq!(compared, 2);
}

/// Opt-in: the same requests against Speculos (`COLDSIGN_SPECULOS=host:port`, started with
/// the speculos test seed and the Bitcoin Test app). The expected `m/44'/0'/…` xpubs are
/// derived from the seed, not recorded (see `transcript_xpubs_are_the_speculos_seeds`).
#[test]
fn speculos_xpubs_match_the_transcripts() {
    let Some(mut t) = common::ledger::speculos() else {
        return;
    };
    check_live_xpubs(&mut *t);
}

/// Opt-in: a plugged-in Ledger (`COLDSIGN_DEVICE_TESTS=1`, Bitcoin Test app open). The xpubs
/// are compared with the device's own answers only, as its seed is not the test seed.
#[test]
fn device_answers_xpub_and_fingerprint() {
    if std::env::var("COLDSIGN_DEVICE_TESTS").as_deref() != Ok("1") {
        eprintln!("skipped: set COLDSIGN_DEVICE_TESTS=1 with a Ledger plugged in");
        return;
    }
    let mut t = coldsign::hw::hid::HidTransport::open().unwrap();
    let ledger = LedgerBtc::new(&mut t);
    ledger.check_app().unwrap();
    let fp = ledger.fingerprint().unwrap();
    let xpub = ledger
        .xpub(&DerivationPath::from_str("m/84'/1'/0'").unwrap(), false)
        .unwrap();
    assert_eq!(xpub.depth, 3);
    eprintln!("device {fp}: {xpub}");
}

fn check_live_xpubs(t: &mut dyn coldsign::hw::Transport) {
    let ledger = LedgerBtc::new(t);
    ledger.check_app().unwrap();
    for case in cases("get_extended_pubkey")
        .iter()
        .filter(|c| c["display"] == false)
    {
        let path = DerivationPath::from_str(&text(case, "derivation_path")).unwrap();
        let coin = path.into_iter().nth(1).map(|c| u32::from(*c) & 0x7fff_ffff);
        let xpub: Xpub = match ledger.xpub(&path, false) {
            // The Bitcoin Test app serves mainnet paths (coin type 0') only on its screen:
            // the emulator runs found it refusing them with 0x6a82, as a real device does.
            Err(DeviceError::Refused { status: 0x6a82, .. }) if coin == Some(0) => {
                eprintln!("{path}: refused without display by the Bitcoin Test app");
                continue;
            }
            other => other.unwrap(),
        };
        // The key, not the serialization version: that is the app's network (Bitcoin or
        // Bitcoin Test), while the two derived `m/44'/0'/…` cases keep the recorded `xpub`.
        let expected = Xpub::from_str(&text(case, "result")).unwrap();
        assert_eq!(
            Xpub {
                network: expected.network,
                ..xpub
            },
            expected,
            "{path}: the device answered {xpub}"
        );
    }
}

// ---- device-only review (no keystore) ----
//
// `sign --device` without a keystore reads the device's master fingerprint and the account
// xpub of each key origin the PSBT names, and reviews with those. The transcripts hold no
// GET_MASTER_FINGERPRINT exchange and no GET_EXTENDED_PUBKEY for m/49'/1'/0', so the device's
// answers come from what the recorded SIGN_PSBT request carries: its wallet policy key
// `[f5acc2fd/49'/1'/0']tpub…`, which the device accepted and signed under (and which the
// speculos seed derives). The signing itself replays the recorded exchanges byte for byte.

use bitcoin::bip32::Fingerprint;
use coldsign::btc::ownership::Policies;
use coldsign::btc::psbt_v2::PsbtVersion;
use coldsign::hw::watch::{account_paths, account_xpubs};
use coldsign::review::bitcoin::{review, FeeLimits, OutputKind};

/// The single-sig case's device key: fingerprint, account path, xpub.
fn recorded_device_key(case: &serde_json::Value) -> (Fingerprint, DerivationPath, Xpub) {
    let key = WalletPubKey::from_str(&keys(case)[0]).unwrap();
    let (fp, path) = key.source.clone().unwrap();
    (fp, path, key.inner)
}

#[test]
fn device_only_review_proves_ownership_with_the_device_xpubs_and_the_ledger_signs() {
    let case = &cases("sign_psbt")[0];
    let (fp, account, xpub) = recorded_device_key(case);
    // The recorded key is the speculos seed's, at the same path.
    let hd = common::btc::hd(SPECULOS_SEED);
    assert_eq!(hd.fingerprint(), fp);
    assert_eq!(
        hd.xpub(&account, bitcoin::NetworkKind::Test).to_string(),
        xpub.to_string()
    );

    let mut psbt = psbt_of(case);
    assert_eq!(account_paths(&psbt, fp), vec![account.clone()]);
    let mut asked = Vec::new();
    let xpubs = account_xpubs(&psbt, fp, |p| {
        asked.push(p.clone());
        Ok(xpub)
    })
    .unwrap();
    assert_eq!(asked, vec![account.clone()]);

    let policies = Policies::device(fp, xpubs, Vec::new());
    assert!(policies.hd().is_none());
    let r = review(
        &psbt,
        PsbtVersion::V0,
        bitcoin::Network::Testnet,
        &policies,
        &FeeLimits::default(),
    );
    assert!(!r.inputs.is_empty());
    for input in &r.inputs {
        assert!(
            input.signable,
            "input {}: {:?}",
            input.index, input.not_signed_because
        );
        assert_eq!(input.owner.as_ref().unwrap().wallet, "bip49/0");
    }
    assert!(
        !r.warnings
            .iter()
            .any(|w| w.code == "btc.input.unverified_key"),
        "{:?}",
        r.warnings
    );
    // The change output derives from the device's xpub too.
    let kinds: Vec<OutputKind> = r.outputs.iter().map(|o| o.kind).collect();
    assert_eq!(kinds, vec![OutputKind::External, OutputKind::Change]);

    // The policy coldsign builds for the Ledger from that xpub is the recorded one: the
    // replay only passes with byte-identical requests.
    let standard = standard_of(&account).unwrap();
    let policy = default_policy(standard, fp, account, xpub).unwrap();
    let mut t = replay(case);
    let outcomes = LedgerBtc::new(&mut t)
        .sign_into(&mut psbt, &policy, None)
        .unwrap();
    assert!(t.finished());
    assert_eq!(outcomes.iter().map(|o| o.signatures).sum::<usize>(), 1);
}

/// An xpub that is not the one behind the PSBT's keys proves nothing: the input is claimed
/// but not ours, and nothing is signable.
#[test]
fn device_only_review_with_another_xpub_signs_nothing() {
    let case = &cases("sign_psbt")[0];
    let (fp, account, _) = recorded_device_key(case);
    let other = common::btc::hd(common::ABANDON).xpub(&account, bitcoin::NetworkKind::Test);
    let psbt = psbt_of(case);
    let xpubs = account_xpubs(&psbt, fp, |_| Ok(other)).unwrap();
    let r = review(
        &psbt,
        PsbtVersion::V0,
        bitcoin::Network::Testnet,
        &Policies::device(fp, xpubs, Vec::new()),
        &FeeLimits::default(),
    );
    assert!(r.inputs.iter().all(|i| !i.signable));
    assert!(r.outputs.iter().all(|o| o.kind == OutputKind::External));
    for code in ["btc.input.unverified_key", "btc.change.unverified"] {
        assert!(r.warnings.iter().any(|w| w.code == code), "{code}");
    }
}

/// A PSBT that names no key of the device is refused before anything is asked.
#[test]
fn device_only_review_needs_a_key_of_the_device() {
    let case = &cases("sign_psbt")[0];
    let psbt = psbt_of(case);
    let err = account_xpubs(&psbt, Fingerprint::from([1, 2, 3, 4]), |_| {
        panic!("nothing is asked")
    })
    .unwrap_err();
    assert_eq!(err.exit_code() as i32, 2);
}

/// A registered miniscript wallet (the Liana case): the device's key in it must be the very
/// xpub the device returns for that origin, or the wallet proves nothing.
#[test]
fn device_only_review_uses_registered_wallets_holding_the_device_xpub() {
    let case = &cases("sign_psbt")[1];
    let bip388 = serde_json::json!({
        "name": text(case, "name"),
        "descriptor_template": text(case, "policy"),
        "keys_info": keys(case),
    });
    let wallet = Wallet::parse(None, &bip388.to_string()).unwrap();
    let (fp, origin, device_xpub) = recorded_device_key(case);
    let psbt = psbt_of(case);
    assert_eq!(account_paths(&psbt, fp), vec![origin.clone()]);
    let with = |xpub: Xpub| {
        let xpubs = account_xpubs(&psbt, fp, |_| Ok(xpub)).unwrap();
        review(
            &psbt,
            PsbtVersion::V0,
            bitcoin::Network::Testnet,
            &Policies::device(fp, xpubs, vec![wallet.clone()]),
            &FeeLimits::default(),
        )
    };
    let r = with(device_xpub);
    assert!(r.inputs.iter().all(|i| i.signable), "{:?}", r.inputs);
    assert_eq!(r.inputs[0].owner.as_ref().unwrap().wallet, "Liana");
    let other = common::btc::hd(common::ABANDON).xpub(&origin, bitcoin::NetworkKind::Test);
    let r = with(other);
    assert!(r.inputs.iter().all(|i| !i.signable));
}
