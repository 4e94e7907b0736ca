//! Derivations remembered beside the keystore (src/btc/remembered.rs): a later review recalls
//! what an earlier one proved and reaches the same verdicts; a file changed by anyone, or
//! written under another seed, is ignored (every key derived again) and rewritten; the file
//! is the owner's only and holds no secret; and through the binary, `sign` after `inspect`
//! writes the very same signed PSBT as a `sign` that derived everything itself.

mod common;
#[path = "support/psbt_forge.rs"]
#[allow(dead_code)]
mod forge;

use std::os::unix::fs::PermissionsExt;

use bitcoin::psbt::Psbt;
use bitcoin::Network;
use coldsign::btc::ownership::Policies;
use coldsign::btc::psbt_v2::PsbtVersion;
use coldsign::btc::remembered::{Ignored, Remembered, FILE_NAME};
use coldsign::review::bitcoin::{review, FeeLimits};
use common::btc::hd;
use common::{Sandbox, ABANDON, LEGAL};
use forge::{stranger, Forge, Form, Seed};

/// Our coins of two script types (BIP84 and BIP86), paid out with change to both.
fn spend() -> Psbt {
    spend_of(ABANDON)
}

/// [`spend`] of the coins of `words`.
fn spend_of(words: &str) -> Psbt {
    let seed = Seed::new(words);
    Forge::new()
        .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/3", 400_000)
        .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/7", 300_000)
        .fund(&seed, Form::Tr, "m/86'/1'/0'/0/2", 500_000)
        .pay(stranger("alice"), 700_000)
        .pay_ours(&seed, Form::Wpkh, "m/84'/1'/0'/1/4", 250_000)
        .pay_ours(&seed, Form::Tr, "m/86'/1'/0'/1/1", 240_000)
        .build()
}

/// The review's JSON with these policies.
fn reviewed(psbt: &Psbt, policies: &Policies) -> serde_json::Value {
    let r = review(
        psbt,
        PsbtVersion::V0,
        Network::Regtest,
        policies,
        &FeeLimits::default(),
    );
    serde_json::to_value(&r).unwrap()
}

/// A store beside a keystore in `dir`, with the review of [`spend_of`] the words of `hd`
/// remembered in it; returns the review.
fn remembered_review(dir: &std::path::Path, words: &str) -> (Remembered, serde_json::Value) {
    let hd = hd(words);
    let store = Remembered::for_keystore(&dir.join("keystore.json"), &hd);
    let policies = Policies::new(&hd, vec![]);
    policies.recall(&store).expect("no file yet");
    let json = reviewed(&spend_of(words), &policies);
    policies.remember(&store).unwrap();
    (store, json)
}

#[test]
fn a_later_review_recalls_what_an_earlier_one_proved() {
    let dir = tempfile::tempdir().unwrap();
    let hd = hd(ABANDON);
    let (store, cold) = remembered_review(dir.path(), ABANDON);
    assert!(cold["warnings"].as_array().unwrap().is_empty(), "{cold}");
    let file = dir.path().join(FILE_NAME);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the file is the owner's only");

    let warm = Policies::new(&hd, vec![]);
    warm.recall(&store).expect("the file is authentic");
    assert_eq!(reviewed(&spend(), &warm), cold);
    // Nothing was derived again: with nothing learned, nothing is written.
    std::fs::remove_file(&file).unwrap();
    warm.remember(&store).unwrap();
    assert!(
        !file.exists(),
        "a review that only recalled rewrote the file"
    );
}

#[test]
fn a_changed_file_is_ignored_and_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let hd = hd(ABANDON);
    let (store, cold) = remembered_review(dir.path(), ABANDON);
    let file = dir.path().join(FILE_NAME);
    let original = std::fs::read(&file).unwrap();
    let mut changes: Vec<Vec<u8>> = [0, original.len() / 2, original.len() - 1]
        .into_iter()
        .map(|at| {
            let mut bytes = original.clone();
            bytes[at] ^= 1;
            bytes
        })
        .collect();
    changes.push(original[..original.len() - 1].to_vec());
    changes.push([original.as_slice(), b"\0"].concat());
    changes.push(Vec::new());
    for (n, changed) in changes.iter().enumerate() {
        std::fs::write(&file, changed).unwrap();
        let policies = Policies::new(&hd, vec![]);
        assert_eq!(
            policies.recall(&store),
            Err(Ignored::NotAuthentic),
            "change {n}"
        );
        assert_eq!(reviewed(&spend(), &policies), cold, "change {n}");
        policies.remember(&store).unwrap();
        let again = Policies::new(&hd, vec![]);
        assert_eq!(again.recall(&store), Ok(()), "change {n}: not rewritten");
    }
}

#[test]
fn a_file_written_under_another_seed_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let (_, _) = remembered_review(dir.path(), LEGAL);
    assert!(dir.path().join(FILE_NAME).exists());
    let ours = hd(ABANDON);
    let store = Remembered::for_keystore(&dir.path().join("keystore.json"), &ours);
    let policies = Policies::new(&ours, vec![]);
    assert_eq!(policies.recall(&store), Err(Ignored::NotAuthentic));
    let json = reviewed(&spend(), &policies);
    assert!(json["warnings"].as_array().unwrap().is_empty(), "{json}");
}

#[test]
fn the_file_holds_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    remembered_review(dir.path(), ABANDON);
    let bytes = std::fs::read(dir.path().join(FILE_NAME)).unwrap();
    let needles = common::secret_needles(ABANDON);
    assert_eq!(common::find_secret(&bytes, &needles), None);
}

/// `sign` of `psbt` in a fresh sandbox, after an `inspect` when `inspect_first`: the signed
/// file, and what was said on stderr.
fn sign(psbt: &Psbt, inspect_first: bool) -> (Vec<u8>, String) {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("spend.psbt", psbt);
    if inspect_first {
        let inspected = sb.regtest(&["inspect", "spend.psbt"], "").ok();
        assert!(
            !inspected.stderr.contains("remembered"),
            "{}",
            inspected.stderr
        );
        assert!(sb.path(FILE_NAME).exists(), "inspect remembered nothing");
    }
    let signed = sb
        .regtest(&["sign", "spend.psbt", "-o", "signed.psbt", "--yes"], "")
        .ok();
    assert!(sb.path(FILE_NAME).exists(), "sign remembered nothing");
    (
        std::fs::read(sb.path("signed.psbt")).unwrap(),
        signed.stderr,
    )
}

#[test]
fn sign_after_inspect_writes_what_a_cold_sign_writes() {
    // ECDSA signatures are deterministic (RFC 6979), so P2WPKH inputs alone compare byte for
    // byte.
    let seed = Seed::new(ABANDON);
    let psbt = Forge::new()
        .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/3", 400_000)
        .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/7", 300_000)
        .pay(stranger("alice"), 500_000)
        .pay_ours(&seed, Form::Wpkh, "m/84'/1'/0'/1/4", 190_000)
        .build();
    let (cold, _) = sign(&psbt, false);
    let (warm, _) = sign(&psbt, true);
    assert_eq!(cold, warm);
}

#[test]
fn the_binary_says_when_it_ignores_a_changed_file() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("spend.psbt", &spend());
    let first = sb.regtest(&["--json", "inspect", "spend.psbt"], "").ok();
    let file = sb.path(FILE_NAME);
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x80;
    std::fs::write(&file, &bytes).unwrap();
    let second = sb.regtest(&["--json", "inspect", "spend.psbt"], "").ok();
    assert!(
        second.stderr.contains("fail their authentication check"),
        "{}",
        second.stderr
    );
    assert_eq!(second.json(), first.json());
    let third = sb.regtest(&["--json", "inspect", "spend.psbt"], "").ok();
    assert!(third.stderr.is_empty(), "{}", third.stderr);
}

#[test]
fn an_unusable_file_is_a_note_not_a_failure() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("spend.psbt", &spend());
    std::fs::create_dir(sb.path(FILE_NAME)).unwrap();
    let out = sb.regtest(&["--json", "inspect", "spend.psbt"], "").ok();
    let notes: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(notes.len(), 2, "{}", out.stderr);
    assert!(notes[0].starts_with("note: cannot read the remembered derivations"));
    assert!(notes[1].starts_with("note: cannot remember the derivations: cannot write"));
}
