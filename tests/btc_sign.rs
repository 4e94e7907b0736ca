//! Signing every script type the signer supports, finalizing (BIP174 finalizer role) and
//! verifying each input with Bitcoin Core's interpreter (libbitcoinconsensus).

mod common;

use bitcoin::Amount;
use coldsign::btc::builder::SpendBuilder;
use coldsign::btc::wallets::Wallet;
use coldsign::review::bitcoin::OutputKind;
use common::btc::*;
use common::{ABANDON, LEGAL};

#[test]
fn single_sig_every_script_type() {
    let ours = hd(ABANDON);
    for (template, account) in [
        ("wpkh({0})", "m/84'/1'/0'"),
        ("sh(wpkh({0}))", "m/49'/1'/0'"),
        ("pkh({0})", "m/44'/1'/0'"),
        ("tr({0})", "m/86'/1'/0'"),
    ] {
        let d = standard(&ours, template, account);
        let mut psbt = SpendBuilder::new()
            .fund(&at(&d, 0, 3), Amount::from_sat(1_000_000))
            .fund(&at(&d, 1, 7), Amount::from_sat(2_000_000))
            .pay(outside(), Amount::from_sat(2_500_000))
            .pay_to_descriptor(&at(&d, 1, 8), Amount::from_sat(490_000))
            .build();
        let (review, outcomes) = sign_with(&mut psbt, &ours, vec![]);
        assert!(
            review.warnings.is_empty(),
            "{template}: {:?}",
            review.warnings
        );
        assert_eq!(review.outputs[1].kind, OutputKind::Change, "{template}");
        assert_eq!(review.totals.fee, Some(10_000));
        assert!(
            outcomes.iter().all(|o| o.signatures == 1),
            "{template}: {outcomes:?}"
        );
        let tx = finalize_and_verify(&psbt);
        // The size estimate is an upper bound within a few bytes of the real size.
        let real = tx.vsize() as u64;
        assert!(
            review.totals.vsize >= real && review.totals.vsize <= real + 4,
            "{template}: estimated {} real {real}",
            review.totals.vsize
        );
    }
}

/// Three cosigners, their 48'/1'/0'/2' keys, and the wallet registered on each signer.
fn multisig(template: &str) -> (Vec<coldsign::keys::material::HdKeys>, Wallet) {
    let signers = vec![hd(ABANDON), hd(LEGAL), hd(LETTER)];
    let keys: Vec<String> = signers.iter().map(|h| key(h, "m/48'/1'/0'/2'")).collect();
    let descriptor = multipath(template, &keys);
    let wallet = Wallet::parse(Some("vault"), &descriptor.to_string()).unwrap();
    (signers, wallet)
}

fn two_of_three(template: &str, signing: [usize; 2]) {
    let (signers, wallet) = multisig(template);
    let d = &wallet.descriptor;
    let unsigned = SpendBuilder::new()
        .fund(&at(d, 0, 0), Amount::from_sat(5_000_000))
        .fund(&at(d, 1, 2), Amount::from_sat(1_000_000))
        .pay(outside(), Amount::from_sat(4_000_000))
        .pay_to_descriptor(&at(d, 1, 3), Amount::from_sat(1_990_000))
        .build();
    let mut parts = Vec::new();
    for s in signing {
        let mut psbt = unsigned.clone();
        let (review, outcomes) = sign_with(&mut psbt, &signers[s], vec![wallet.clone()]);
        assert!(
            review.warnings.is_empty(),
            "{template}: {:?}",
            review.warnings
        );
        assert_eq!(review.outputs[1].kind, OutputKind::Change, "{template}");
        assert!(
            outcomes.iter().all(|o| o.signatures >= 1),
            "{template} signer {s}: {outcomes:?}"
        );
        parts.push(psbt);
    }
    let mut combined = parts[0].clone();
    combined.combine(parts[1].clone()).unwrap();
    finalize_and_verify(&combined);
    // One signature is not enough.
    let mut one = parts[0].clone();
    assert!(coldsign::btc::finalize::finalize(&mut one)
        .iter()
        .any(|f| !f.finalized));
}

#[test]
fn wsh_sortedmulti_2_of_3() {
    two_of_three("wsh(sortedmulti(2,{0},{1},{2}))", [0, 2]);
}

#[test]
fn sh_wsh_sortedmulti_2_of_3() {
    two_of_three("sh(wsh(sortedmulti(2,{0},{1},{2})))", [1, 2]);
}

#[test]
fn wsh_multi_2_of_3() {
    two_of_three("wsh(multi(2,{0},{1},{2}))", [0, 1]);
}

#[test]
fn taproot_multi_a_script_path() {
    // The internal key is the BIP341 NUMS point: only the script path can spend.
    two_of_three(
        "tr(50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0,multi_a(2,{0},{1},{2}))",
        [0, 1],
    );
}

#[test]
fn taproot_key_path_with_a_script_tree() {
    let ours = hd(ABANDON);
    let other = hd(LEGAL);
    let keys = vec![key(&ours, "m/86'/1'/0'"), key(&other, "m/86'/1'/5'")];
    let d = multipath("tr({0},pk({1}))", &keys);
    let wallet = Wallet::parse(Some("tree"), &d.to_string()).unwrap();
    let mut psbt = SpendBuilder::new()
        .fund(&at(&d, 0, 0), Amount::from_sat(3_000_000))
        .pay(outside(), Amount::from_sat(2_990_000))
        .build();
    let (_, outcomes) = sign_with(&mut psbt, &ours, vec![wallet]);
    assert_eq!(outcomes[0].signatures, 1);
    assert!(
        psbt.inputs[0].tap_key_sig.is_some(),
        "key path signature with the merkle root tweak"
    );
    finalize_and_verify(&psbt);
}

#[test]
fn miniscript_policy_with_a_timelocked_recovery_key() {
    let ours = hd(ABANDON);
    let heir = hd(LEGAL);
    let keys = vec![key(&ours, "m/48'/1'/0'/2'"), key(&heir, "m/48'/1'/0'/2'")];
    let d = multipath("wsh(or_d(pk({0}),and_v(v:pk({1}),older(144))))", &keys);
    let wallet = Wallet::parse(Some("inheritance"), &d.to_string()).unwrap();
    let mut psbt = SpendBuilder::new()
        .fund(&at(&d, 0, 1), Amount::from_sat(3_000_000))
        .pay(outside(), Amount::from_sat(2_990_000))
        .build();
    let (review, outcomes) = sign_with(&mut psbt, &ours, vec![wallet.clone()]);
    assert!(review.warnings.is_empty(), "{:?}", review.warnings);
    assert_eq!(outcomes[0].signatures, 1);
    finalize_and_verify(&psbt);
    // Without the wallet registered the signer refuses the input.
    let mut unregistered = SpendBuilder::new()
        .fund(&at(&d, 0, 1), Amount::from_sat(3_000_000))
        .pay(outside(), Amount::from_sat(2_990_000))
        .build();
    let (review, outcomes) = sign_with(&mut unregistered, &ours, vec![]);
    assert!(codes(&review).contains(&"btc.input.unverified_key"));
    assert_eq!(outcomes[0].signatures, 0);
}

#[test]
fn ecdsa_signatures_are_low_r_and_deterministic() {
    let ours = hd(ABANDON);
    let d = standard(&ours, "wpkh({0})", "m/84'/1'/0'");
    let build = || {
        SpendBuilder::new()
            .fund(&at(&d, 0, 0), Amount::from_sat(1_000_000))
            .pay(outside(), Amount::from_sat(990_000))
            .build()
    };
    let (mut a, mut b) = (build(), build());
    sign_with(&mut a, &ours, vec![]);
    sign_with(&mut b, &ours, vec![]);
    let sig = |p: &bitcoin::psbt::Psbt| p.inputs[0].partial_sigs.values().next().unwrap().to_vec();
    assert_eq!(sig(&a), sig(&b), "RFC 6979 is deterministic");
    // Low R: the DER-encoded R is at most 32 bytes (no leading 0x00 pad), so the whole
    // signature with its sighash byte is at most 71 bytes.
    assert!(sig(&a).len() <= 71);
}

#[test]
fn wallet_formats_import_and_refuse_foreign_wallets() {
    let (signers, wallet) = multisig("wsh(sortedmulti(2,{0},{1},{2}))");
    assert!(wallet.check_contains(&signers[0]).is_ok());
    let outsider = hd("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong");
    assert!(wallet.check_contains(&outsider).is_err());
    // BIP388 policy form.
    let keys: Vec<String> = signers.iter().map(|h| key(h, "m/48'/1'/0'/2'")).collect();
    let policy = serde_json::json!({"name": "vault", "descriptor_template": "wsh(sortedmulti(2,@0/**,@1/**,@2/**))", "keys_info": keys});
    let from_policy = Wallet::parse(None, &policy.to_string()).unwrap();
    assert_eq!(
        from_policy.descriptor.to_string(),
        wallet.descriptor.to_string()
    );
    // Coldcard text form (with SLIP-132 Vpub keys, as Coldcard exports testnet multisig).
    let mut coldcard = String::from("# Coldcard Multisig setup file\nName: vault\nPolicy: 2 of 3\nDerivation: m/48'/1'/0'/2'\nFormat: P2WSH\n\n");
    for h in &signers {
        let xpub = h.xpub(
            &"m/48'/1'/0'/2'".parse().unwrap(),
            bitcoin::NetworkKind::Test,
        );
        let vpub = coldsign::keys::slip132::encode(
            &xpub,
            coldsign::keys::slip132::Slip132Kind::NativeSegwitMultisig,
        );
        coldcard.push_str(&format!(
            "{}: {vpub}\n",
            h.fingerprint().to_string().to_uppercase()
        ));
    }
    let from_coldcard = Wallet::parse(None, &coldcard).unwrap();
    assert_eq!(
        from_coldcard.descriptor.to_string(),
        wallet.descriptor.to_string()
    );
    // A wallet that lists our fingerprint with someone else's xpub is refused.
    let swapped = wallet.descriptor.to_string().replace(
        &keys[0][keys[0].find(']').unwrap() + 1..],
        &keys[1][keys[1].find(']').unwrap() + 1..],
    );
    let swapped = swapped.split('#').next().unwrap();
    let bad = Wallet::parse(Some("evil"), swapped).unwrap();
    assert!(bad.check_contains(&signers[0]).is_err());
}

/// A signature that does not verify is never finalized: the finalizer checks each input it
/// completes with Bitcoin Core's interpreter and leaves a failing one as it was, naming the
/// failure; the good input next to it is finalized.
#[test]
fn finalize_refuses_a_signature_that_does_not_verify() {
    let ours = hd(ABANDON);
    for (template, account) in [("wpkh({0})", "m/84'/1'/0'"), ("tr({0})", "m/86'/1'/0'")] {
        let d = standard(&ours, template, account);
        let signed = |locktime: u32| {
            let mut psbt = SpendBuilder::new()
                .fund(&at(&d, 0, 3), Amount::from_sat(1_000_000))
                .fund(&at(&d, 0, 4), Amount::from_sat(1_000_000))
                .pay(outside(), Amount::from_sat(1_990_000))
                .build();
            psbt.unsigned_tx.lock_time = bitcoin::absolute::LockTime::from_consensus(locktime);
            sign_with(&mut psbt, &ours, vec![]);
            psbt
        };
        let mut psbt = signed(1);
        // Input 0 carries a signature over another transaction (locktime 0).
        psbt.inputs[0] = signed(0).inputs[0].clone();
        let before = psbt.inputs[0].clone();
        let outcomes = coldsign::btc::finalize::finalize(&mut psbt);
        assert!(!outcomes[0].finalized, "{template}: {outcomes:?}");
        let error = outcomes[0].error.as_deref().unwrap_or_default();
        assert!(
            error.contains("fails Bitcoin Core's script verification"),
            "{template}: {error}"
        );
        assert_eq!(psbt.inputs[0], before, "{template}: input left as it was");
        assert!(outcomes[1].finalized, "{template}: {outcomes:?}");
    }
}
