//! `coldsign device …` and `coldsign sign --device ledger` through the real binary, with
//! `COLDSIGN_FAKE_LEDGER` pointing at a transcript replayed by the FAKE transport. The app
//! version answer is the one recorded in ledger_bitcoin_client's tests; status-word answers
//! (rejected, locked) are written here to check the exit codes and hints.

mod common;

use common::ledger::{cases, text};
use common::Sandbox;

/// The Bitcoin Test 2.1.0 app's answer to GET_VERSION (recorded in ledger_bitcoin_client).
const VERSION: &str = "=> b001000000\n<= 010c426974636f696e205465737405322e312e3001009000\n";

fn run_fake(sb: &Sandbox, transcript: &str, args: &[&str]) -> common::Outcome {
    let file = sb.path("transcript.txt");
    std::fs::write(&file, transcript).unwrap();
    let mut cmd = sb.command();
    cmd.env("COLDSIGN_FAKE_LEDGER", &file);
    sb.run_with(cmd, args, "")
}

fn xpub_case() -> (String, String, String) {
    let case = &cases("get_extended_pubkey")[2];
    let lines: Vec<String> = serde_json::from_value(case["exchanges"].clone()).unwrap();
    (
        lines.join("\n"),
        text(case, "derivation_path"),
        text(case, "result"),
    )
}

#[test]
fn device_xpub_from_the_replayed_ledger() {
    let sb = Sandbox::new();
    let (exchanges, path, xpub) = xpub_case();
    let out = run_fake(
        &sb,
        &format!("{VERSION}{exchanges}"),
        &[
            "--json",
            "--network",
            "testnet",
            "device",
            "xpub",
            "--device",
            "ledger",
            "--path",
            &path,
        ],
    )
    .ok();
    assert_eq!(out.json()["xpub"], xpub);
}

#[test]
fn rejection_on_the_ledger_exits_declined() {
    let sb = Sandbox::new();
    let (exchanges, path, _) = xpub_case();
    let request = exchanges.lines().next().unwrap();
    let out = run_fake(
        &sb,
        &format!("{VERSION}{request}\n<= 6985\n"),
        &["device", "xpub", "--device", "ledger", "--path", &path],
    )
    .fails_with(1);
    assert!(
        out.stderr.contains("declined on the device"),
        "{}",
        out.stderr
    );
}

#[test]
fn locked_and_wrong_app_exit_with_the_device_code_and_a_hint() {
    let sb = Sandbox::new();
    let (_, path, _) = xpub_case();
    for (answer, hint) in [
        ("5515", "unlock the device"),
        ("6e00", "open the Bitcoin app"),
    ] {
        let out = run_fake(
            &sb,
            &format!("=> b001000000\n<= {answer}\n"),
            &["device", "xpub", "--device", "ledger", "--path", &path],
        )
        .fails_with(3);
        assert!(
            out.stderr.contains(&format!("hint: {hint}")),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_bad_path_is_bad_input() {
    let sb = Sandbox::new();
    run_fake(
        &sb,
        VERSION,
        &["device", "xpub", "--device", "ledger", "--path", "m/x"],
    )
    .fails_with(2);
}

/// With no keystore, `sign --device ledger` reviews with the device's own keys: after the
/// app check it asks the Ledger for its master fingerprint (GET_MASTER_FINGERPRINT,
/// e105000100) instead of failing for the missing keystore. No transcript records that
/// answer, so the FAKE's recording ends there and the replay stops with the device exit code;
/// the library-level tests in ledger_btc.rs cover the review and signing that follow.
#[test]
fn sign_on_a_ledger_without_a_keystore_asks_the_device_for_its_keys() {
    let sb = Sandbox::new();
    let psbt = &cases("sign_psbt")[0];
    std::fs::write(sb.path("spend.psbt"), text(psbt, "psbt")).unwrap();
    let out = run_fake(
        &sb,
        VERSION,
        &[
            "--network",
            "testnet",
            "sign",
            "spend.psbt",
            "-o",
            "signed.psbt",
            "--device",
            "ledger",
        ],
    )
    .fails_after_review(3);
    assert!(
        out.stderr.contains("no audit entry is written"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("sent e105000100"), "{}", out.stderr);
    assert!(!sb.path("signed.psbt").exists());
}
