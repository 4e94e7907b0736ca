//! The attack suite: for every Bitcoin check of DESIGN.md §4, a crafted PSBT that must raise
//! its warning code (and be refused or flagged), and benign PSBTs that raise none of them.

mod common;

use bitcoin::psbt::{Psbt, PsbtSighashType};
use bitcoin::sighash::EcdsaSighashType;
use bitcoin::{Amount, ScriptBuf, TxOut};
use coldsign::btc::builder::SpendBuilder;
use coldsign::btc::wallets::Wallet;
use coldsign::review::bitcoin::OutputKind;
use coldsign::review::{gate, Gate, Severity};
use common::btc::*;
use common::{ABANDON, LEGAL};

/// Asserts `code` is raised at `severity` and that the gate then refuses `--yes` without
/// an explicit `--allow`.
#[track_caller]
fn assert_flagged(
    psbt: &Psbt,
    wallets: Vec<Wallet>,
    code: &str,
    severity: Severity,
) -> coldsign::review::bitcoin::BtcReview {
    let review = review_with(psbt, &hd(ABANDON), wallets);
    let found = review.warnings.iter().find(|w| w.code == code);
    assert!(
        found.is_some(),
        "expected {code}, got {:?}",
        review.warnings
    );
    assert_eq!(found.unwrap().severity, severity, "{code}");
    if severity >= Severity::High {
        assert!(
            matches!(gate(&review.warnings, &[], true), Gate::Refuse(_)),
            "{code}: --yes must not sign"
        );
    }
    review
}

#[test]
fn benign_spends_raise_nothing() {
    let review = review_with(&benign_spend(), &hd(ABANDON), vec![]);
    assert!(review.warnings.is_empty(), "{:?}", review.warnings);
    assert_eq!(gate(&review.warnings, &[], true), Gate::Proceed);
    assert_eq!(
        gate(&review.warnings, &[], false),
        Gate::Confirm { type_digest: false }
    );
}

#[test]
fn witness_utxo_without_previous_transaction_is_unverified() {
    let mut psbt = benign_spend();
    psbt.inputs[0].non_witness_utxo = None;
    let review = assert_flagged(&psbt, vec![], "btc.utxo.unverified", Severity::High);
    assert!(!review.inputs[0].amount_verified);
    // Taproot commits to every amount, so it needs no previous transaction.
    let ours = hd(ABANDON);
    let tr = standard(&ours, "tr({0})", "m/86'/1'/0'");
    let psbt = SpendBuilder::new()
        .fund(&at(&tr, 0, 0), Amount::from_sat(100_000))
        .pay(outside(), Amount::from_sat(90_000))
        .build();
    assert!(psbt.inputs[0].non_witness_utxo.is_none());
    assert!(review_with(&psbt, &ours, vec![]).warnings.is_empty());
}

#[test]
fn previous_transaction_that_is_not_the_prevout_is_refused() {
    let mut psbt = benign_spend();
    psbt.inputs[0].non_witness_utxo = psbt.inputs[1].non_witness_utxo.clone();
    assert_flagged(&psbt, vec![], "btc.utxo.txid_mismatch", Severity::Deny);
}

#[test]
fn witness_utxo_amount_that_differs_from_the_previous_transaction_is_refused() {
    // CVE-2020-14199: a host lies about one input's amount to hide a fee.
    let mut psbt = benign_spend();
    let w = psbt.inputs[1].witness_utxo.as_mut().unwrap();
    w.value = Amount::from_sat(5_000_000);
    assert_flagged(&psbt, vec![], "btc.utxo.amount_mismatch", Severity::Deny);
}

#[test]
fn change_that_claims_our_key_under_a_foreign_policy_is_not_change() {
    // Single-sig: the output says it is our m/84'/1'/0'/1/1 but pays someone else.
    let mut psbt = benign_spend();
    psbt.unsigned_tx.output[1].script_pubkey = outside();
    let review = assert_flagged(&psbt, vec![], "btc.change.unverified", Severity::High);
    assert_eq!(review.outputs[1].kind, OutputKind::External);
    assert_eq!(review.totals.change, 0);

    // Multisig (the 2019 Trezor change theft): change to a 2-of-3 with our key but the
    // attacker's two cosigners instead of ours.
    let signers = [hd(ABANDON), hd(LEGAL), hd(LETTER)];
    let keys: Vec<String> = signers.iter().map(|h| key(h, "m/48'/1'/0'/2'")).collect();
    let vault = multipath("wsh(sortedmulti(2,{0},{1},{2}))", &keys);
    let wallet = Wallet::parse(Some("vault"), &vault.to_string()).unwrap();
    let attacker = [hd("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong"), hd("abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon art")];
    let evil_keys = vec![
        keys[0].clone(),
        key(&attacker[0], "m/48'/1'/0'/2'"),
        key(&attacker[1], "m/48'/1'/0'/2'"),
    ];
    let evil = multipath("wsh(sortedmulti(2,{0},{1},{2}))", &evil_keys);
    let psbt = SpendBuilder::new()
        .fund(&at(&vault, 0, 0), Amount::from_sat(10_000_000))
        .pay(outside(), Amount::from_sat(1_000_000))
        .pay_to_descriptor(&at(&evil, 1, 0), Amount::from_sat(8_990_000))
        .build();
    let review = assert_flagged(
        &psbt,
        vec![wallet.clone()],
        "btc.change.unverified",
        Severity::High,
    );
    assert_eq!(review.outputs[1].kind, OutputKind::External);
    assert_eq!(review.totals.external, 9_990_000);
    // The honest change passes.
    let honest = SpendBuilder::new()
        .fund(&at(&vault, 0, 0), Amount::from_sat(10_000_000))
        .pay(outside(), Amount::from_sat(1_000_000))
        .pay_to_descriptor(&at(&vault, 1, 0), Amount::from_sat(8_990_000))
        .build();
    let review = review_with(&honest, &signers[0], vec![wallet]);
    assert!(review.warnings.is_empty(), "{:?}", review.warnings);
    assert_eq!(review.outputs[1].kind, OutputKind::Change);
}

#[test]
fn unusual_derivation_paths_are_flagged() {
    let ours = hd(ABANDON);
    let d = standard(&ours, "wpkh({0})", "m/84'/1'/0'");
    let far_change = SpendBuilder::new()
        .fund(&at(&d, 0, 0), Amount::from_sat(1_000_000))
        .pay(outside(), Amount::from_sat(500_000))
        .pay_to_descriptor(&at(&d, 1, 250_000), Amount::from_sat(490_000))
        .build();
    assert_flagged(&far_change, vec![], "btc.path.unusual", Severity::Warning);
    let odd_account = standard(&ours, "wpkh({0})", "m/84'/1'/5000'");
    let psbt = SpendBuilder::new()
        .fund(&at(&odd_account, 0, 0), Amount::from_sat(1_000_000))
        .pay(outside(), Amount::from_sat(990_000))
        .build();
    assert_flagged(&psbt, vec![], "btc.path.unusual", Severity::Warning);
}

#[test]
fn mainnet_paths_on_regtest_are_a_network_mismatch() {
    let ours = hd(ABANDON);
    let d = standard(&ours, "wpkh({0})", "m/84'/0'/0'");
    let psbt = SpendBuilder::new()
        .fund(&at(&d, 0, 0), Amount::from_sat(1_000_000))
        .pay(outside(), Amount::from_sat(990_000))
        .build();
    assert_flagged(&psbt, vec![], "btc.network.mismatch", Severity::Deny);
}

#[test]
fn non_default_sighash_is_refused_unless_allowed() {
    let mut psbt = benign_spend();
    psbt.inputs[0].sighash_type =
        Some(PsbtSighashType::from(EcdsaSighashType::AllPlusAnyoneCanPay));
    let review = assert_flagged(&psbt, vec![], "btc.sighash.nondefault", Severity::Deny);
    assert_eq!(
        gate(&review.warnings, &["btc.sighash.nondefault".into()], true),
        Gate::Proceed
    );
}

#[test]
fn sighash_single_without_matching_output_is_never_signed() {
    let ours = hd(ABANDON);
    let d = standard(&ours, "wpkh({0})", "m/84'/1'/0'");
    let mut psbt = SpendBuilder::new()
        .fund(&at(&d, 0, 0), Amount::from_sat(1_000_000))
        .fund(&at(&d, 0, 1), Amount::from_sat(1_000_000))
        .pay(outside(), Amount::from_sat(1_990_000))
        .build();
    psbt.inputs[1].sighash_type = Some(PsbtSighashType::from(EcdsaSighashType::Single));
    assert_flagged(&psbt, vec![], "btc.sighash.single_bug", Severity::Deny);
    // Even when the operator allows the code, the signer refuses that input.
    let (_, outcomes) = sign_with(&mut psbt, &ours, vec![]);
    assert_eq!(outcomes[1].signatures, 0);
    assert!(outcomes[1]
        .not_signed_because
        .as_deref()
        .unwrap()
        .contains("SIGHASH_SINGLE"));
    assert!(psbt.inputs[1].partial_sigs.is_empty());
}

#[test]
fn excessive_fees_are_flagged() {
    let ours = hd(ABANDON);
    let d = standard(&ours, "wpkh({0})", "m/84'/1'/0'");
    let absolute = SpendBuilder::new()
        .fund(&at(&d, 0, 0), Amount::from_sat(100_000_000))
        .pay(outside(), Amount::from_sat(90_000_000))
        .build();
    assert_flagged(&absolute, vec![], "fee.high", Severity::High);
    let relative = SpendBuilder::new()
        .fund(&at(&d, 0, 0), Amount::from_sat(1_000_000))
        .pay(outside(), Amount::from_sat(500_000))
        .build();
    assert_flagged(&relative, vec![], "fee.high", Severity::High);
}

#[test]
fn outputs_above_inputs_and_unknown_amounts_are_refused() {
    let ours = hd(ABANDON);
    let d = standard(&ours, "wpkh({0})", "m/84'/1'/0'");
    let negative = SpendBuilder::new()
        .fund(&at(&d, 0, 0), Amount::from_sat(1_000))
        .pay(outside(), Amount::from_sat(2_000))
        .build();
    assert_flagged(&negative, vec![], "btc.fee.negative", Severity::Deny);
    let mut unknown = benign_spend();
    unknown.inputs[0].non_witness_utxo = None;
    unknown.inputs[0].witness_utxo = None;
    assert_flagged(&unknown, vec![], "btc.input.no_utxo", Severity::Deny);
    assert_flagged(&unknown, vec![], "btc.fee.unknown", Severity::Deny);
}

#[test]
fn duplicate_inputs_are_refused() {
    let mut psbt = benign_spend();
    let first = psbt.unsigned_tx.input[0].clone();
    psbt.unsigned_tx.input.push(first);
    psbt.inputs.push(psbt.inputs[0].clone());
    assert_flagged(&psbt, vec![], "btc.input.duplicate", Severity::Deny);
}

#[test]
fn inputs_we_cannot_sign_are_listed() {
    let ours = hd(ABANDON);
    let theirs = standard(&hd(LEGAL), "wpkh({0})", "m/84'/1'/0'");
    let mine = standard(&ours, "wpkh({0})", "m/84'/1'/0'");
    let mut psbt = SpendBuilder::new()
        .fund(&at(&mine, 0, 0), Amount::from_sat(1_000_000))
        .fund(&at(&theirs, 0, 0), Amount::from_sat(1_000_000))
        .pay(outside(), Amount::from_sat(1_990_000))
        .build();
    let review = assert_flagged(&psbt, vec![], "btc.input.foreign", Severity::Info);
    assert!(!review.inputs[1].signable);
    let (_, outcomes) = sign_with(&mut psbt, &ours, vec![]);
    assert_eq!((outcomes[0].signatures, outcomes[1].signatures), (1, 0));
}

#[test]
fn op_return_dust_locktime_and_self_transfers_are_shown() {
    let ours = hd(ABANDON);
    let d = standard(&ours, "wpkh({0})", "m/84'/1'/0'");
    let data = ScriptBuf::new_op_return(b"invoice 42");
    let psbt = SpendBuilder::new()
        .fund(&at(&d, 0, 0), Amount::from_sat(1_000_000))
        .pay(data, Amount::ZERO)
        .pay(outside(), Amount::from_sat(100))
        .pay_to_descriptor(&at(&d, 0, 9), Amount::from_sat(989_000))
        .lock_time(800_000)
        .build();
    let review = assert_flagged(&psbt, vec![], "btc.output.op_return", Severity::Info);
    assert!(review
        .warnings
        .iter()
        .any(|w| w.message.contains("invoice 42")));
    assert_flagged(&psbt, vec![], "btc.output.dust", Severity::Warning);
    assert_flagged(&psbt, vec![], "btc.locktime", Severity::Info);
    let review = assert_flagged(&psbt, vec![], "btc.output.ours_not_change", Severity::Info);
    assert_eq!(review.outputs[2].kind, OutputKind::OursNotChange);
    assert!(review.rbf);
}

#[test]
fn global_xpubs_for_another_network_are_a_mismatch() {
    let mut psbt = benign_spend();
    let ours = hd(ABANDON);
    let path: bitcoin::bip32::DerivationPath = "m/84'/1'/0'".parse().unwrap();
    let xpub = ours.xpub(&path, bitcoin::NetworkKind::Main);
    psbt.xpub.insert(xpub, (ours.fingerprint(), path));
    assert_flagged(&psbt, vec![], "btc.network.mismatch", Severity::Deny);
}

#[test]
fn a_lying_key_origin_is_not_trusted() {
    // The input claims our fingerprint with a path whose key is not the one listed.
    let mut psbt = benign_spend();
    let (pk, (fp, _)) = psbt.inputs[0]
        .bip32_derivation
        .iter()
        .next()
        .map(|(k, v)| (*k, v.clone()))
        .unwrap();
    psbt.inputs[0]
        .bip32_derivation
        .insert(pk, (fp, "m/84'/1'/0'/0/77".parse().unwrap()));
    let review = assert_flagged(&psbt, vec![], "btc.input.unverified_key", Severity::High);
    assert!(!review.inputs[0].signable);
}

#[test]
fn the_intent_digest_depends_only_on_the_request() {
    let a = review_with(&benign_spend(), &hd(ABANDON), vec![]);
    let b = review_with(&benign_spend(), &hd(LEGAL), vec![]);
    assert_eq!(
        a.intent_digest, b.intent_digest,
        "the same request has one digest for every signer"
    );
    let mut changed = benign_spend();
    changed.unsigned_tx.output[0].value = Amount::from_sat(1_200_001);
    assert_ne!(
        review_with(&changed, &hd(ABANDON), vec![]).intent_digest,
        a.intent_digest
    );
    let mut extra = benign_spend();
    extra.unsigned_tx.output.push(TxOut {
        value: Amount::from_sat(1),
        script_pubkey: outside(),
    });
    extra.outputs.push(Default::default());
    assert_ne!(
        review_with(&extra, &hd(ABANDON), vec![]).intent_digest,
        a.intent_digest
    );
    assert_eq!(a.intent_digest.len(), 19);
}

#[test]
fn a_claimed_path_with_a_hardened_step_after_a_normal_one_is_not_a_crash() {
    // Found by fuzzing: m/0/1'/2 under our fingerprint made key derivation panic.
    let mut psbt = benign_spend();
    let (pk, (fp, _)) = psbt.inputs[0]
        .bip32_derivation
        .iter()
        .next()
        .map(|(k, v)| (*k, v.clone()))
        .unwrap();
    psbt.inputs[0]
        .bip32_derivation
        .insert(pk, (fp, "m/0/1'/2".parse().unwrap()));
    let (out_pk, out_fp) = psbt.outputs[1]
        .bip32_derivation
        .iter()
        .next()
        .map(|(k, v)| (*k, v.0))
        .unwrap();
    psbt.outputs[1]
        .bip32_derivation
        .insert(out_pk, (out_fp, "m/1'/0/5'".parse().unwrap()));
    let review = assert_flagged(&psbt, vec![], "btc.input.unverified_key", Severity::High);
    assert!(!review.inputs[0].signable);
    let (_, outcomes) = sign_with(&mut psbt, &hd(ABANDON), vec![]);
    assert_eq!(outcomes[0].signatures, 0);
}

/// Device-only review (no keystore, so no `wallet import` check of our key): a registered
/// wallet that puts a foreign xpub under the device's fingerprint must not turn an output
/// into change, even when the PSBT lists a key the device really derives for that origin.
#[test]
fn device_only_a_wallet_with_a_foreign_key_under_our_fingerprint_is_not_change() {
    use bitcoin::bip32::DerivationPath;
    use bitcoin::NetworkKind;
    use coldsign::btc::ownership::Policies;
    use coldsign::btc::psbt_v2::PsbtVersion;
    use coldsign::keys::accounts::key_expression;
    use coldsign::review::bitcoin::{review, FeeLimits};
    use std::str::FromStr;

    let device = hd(ABANDON);
    let account = "m/48'/1'/0'/2'";
    let path = DerivationPath::from_str(account).unwrap();
    let cosigner = key(&hd(common::btc::LETTER), account);
    let template = "wsh(sortedmulti(1,{0},{1}))";
    let honest = multipath(template, &[key(&device, account), cosigner.clone()]);
    let forged_key = key_expression(
        device.fingerprint(),
        &path,
        &hd(LEGAL).xpub(&path, NetworkKind::Test),
    );
    let forged = multipath(template, &[forged_key, cosigner]);
    let mut psbt = SpendBuilder::new()
        .fund(&at(&honest, 0, 0), Amount::from_sat(1_000_000))
        .pay(outside(), Amount::from_sat(600_000))
        .pay_to_descriptor(&at(&forged, 1, 0), Amount::from_sat(390_000))
        .build();
    let change_path = DerivationPath::from_str("m/48'/1'/0'/2'/1/0").unwrap();
    let derived = device
        .xpub(&path, NetworkKind::Test)
        .derive_pub(device.secp(), &DerivationPath::from_str("m/1/0").unwrap())
        .unwrap()
        .public_key;
    psbt.outputs[1]
        .bip32_derivation
        .insert(derived, (device.fingerprint(), change_path));
    let wallets = vec![
        Wallet::parse(Some("vault"), &honest.to_string()).unwrap(),
        Wallet::parse(Some("forged"), &forged.to_string()).unwrap(),
    ];
    let policies = Policies::device(
        device.fingerprint(),
        vec![(path.clone(), device.xpub(&path, NetworkKind::Test))],
        wallets,
    );
    let r = review(
        &psbt,
        PsbtVersion::V0,
        bitcoin::Network::Regtest,
        &policies,
        &FeeLimits::default(),
    );
    assert!(r.inputs[0].signable, "{:?}", r.inputs[0]);
    assert_eq!(r.outputs[1].kind, OutputKind::External);
    assert!(
        codes(&r).contains(&"btc.change.unverified"),
        "{:?}",
        codes(&r)
    );
}

/// Watch-only policies (the online host's): a global xpub that is the wallet's own key passes,
/// one that claims the wallet's origin with another key is flagged, and a change output that
/// pays the wallet's key in another script type is ours, but hidden.
#[test]
fn watch_only_checks_global_xpubs_and_names_stray_outputs() {
    use bitcoin::bip32::DerivationPath;
    use bitcoin::NetworkKind;
    use coldsign::btc::ownership::Policies;
    use coldsign::btc::psbt_v2::PsbtVersion;
    use coldsign::review::bitcoin::{review, FeeLimits};
    use std::str::FromStr;

    let ours = hd(ABANDON);
    let account = DerivationPath::from_str("m/84'/1'/0'").unwrap();
    let d = standard(&ours, "wpkh({0})", "m/84'/1'/0'");
    let wallet = Wallet::parse(Some("hot"), &d.to_string()).unwrap();
    let watch = |psbt: &Psbt| {
        review(
            psbt,
            PsbtVersion::V0,
            bitcoin::Network::Regtest,
            &Policies::watch_only(wallet.clone()),
            &FeeLimits::default(),
        )
    };
    let mut honest = benign_spend();
    honest.xpub.insert(
        ours.xpub(&account, NetworkKind::Test),
        (ours.fingerprint(), account.clone()),
    );
    let r = watch(&honest);
    assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    let mut forged = benign_spend();
    forged.xpub.insert(
        hd(LEGAL).xpub(&account, NetworkKind::Test),
        (ours.fingerprint(), account.clone()),
    );
    assert!(codes(&watch(&forged)).contains(&"btc.xpub.not_ours"));

    // Change to the wallet's own change key, but as P2PKH.
    let mut stray = benign_spend();
    let (key, _) = stray.outputs[1]
        .bip32_derivation
        .iter()
        .next()
        .map(|(k, v)| (*k, v.clone()))
        .unwrap();
    stray.unsigned_tx.output[1].script_pubkey =
        ScriptBuf::new_p2pkh(&bitcoin::PublicKey::new(key).pubkey_hash());
    let r = watch(&stray);
    assert_eq!(r.outputs[1].kind, OutputKind::OursNotChange);
    assert_eq!(
        r.outputs[1].owner.as_ref().unwrap().wallet,
        "none (p2pkh key)"
    );
    assert!(
        codes(&r).contains(&"btc.output.ours_hidden"),
        "{:?}",
        codes(&r)
    );
    assert!(r.totals.balance.balanced);
    assert_eq!(r.totals.balance.ours_not_change, 290_000);
}
