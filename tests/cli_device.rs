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

/// 0x6a82 from the open Bitcoin app is its refusal of a path (one it serves only on its
/// screen), not a wrong app: the error names the device, the step and the refusal, on one
/// line, with a hint towards a standard path or the screen.
#[test]
fn a_path_the_app_refuses_is_named_with_the_device_and_the_step() {
    let sb = Sandbox::new();
    let path = "m/44'/0'/0'/0/0";
    let request = "=> e10000011600058000002c80000000800000000000000000000000";
    let out = run_fake(
        &sb,
        &format!("{VERSION}{request}\n<= 6a82\n"),
        &["device", "xpub", "--device", "ledger", "--path", path],
    )
    .fails_with(3);
    let error = format!(
        "error: ledger: reading the xpub at {path}: the Bitcoin app refused the request (status 0x6a82)"
    );
    assert!(out.stderr.lines().any(|l| l == error), "{}", out.stderr);
    assert!(!out.stderr.contains("does not run"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("hint: the Bitcoin app shows a non-standard derivation path"),
        "{}",
        out.stderr
    );
    let json = run_fake(
        &sb,
        &format!("{VERSION}{request}\n<= 6a82\n"),
        &[
            "--json", "device", "xpub", "--device", "ledger", "--path", path,
        ],
    );
    assert_eq!(json.code, 3, "{}", json.stderr);
    let body: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(body["code"], "device");
    assert_eq!(body["error"], error.trim_start_matches("error: "));
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

// ---- eth sign --device ledger ----

/// A case of fixtures/ledger/eth.json (hw-app-eth's recorded exchanges).
fn eth_case(name: &str) -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/ledger/eth.json");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no case {name}"))
        .clone()
}

/// The device's getAddress exchange followed by the signing exchanges of `tx_case`: both
/// were recorded at m/44'/60'/0'/0'/0 on the same device.
fn eth_transcript(tx_case: &serde_json::Value) -> String {
    let lines = |c: &serde_json::Value| -> Vec<String> {
        serde_json::from_value(c["exchanges"].clone()).unwrap()
    };
    let mut all = lines(&eth_case("getAddress"));
    all.extend(lines(tx_case));
    all.join("\n") + "\n"
}

fn eth_sign_args<'a>(request: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "--json",
        "eth",
        "sign",
        request,
        "-o",
        out,
        "--path",
        "m/44'/60'/0'/0'/0",
        "--device",
        "ledger",
        "--yes",
    ]
}

// No hw-app-eth recording pairs a getAddress with a valid signature of the same device and
// path in the request format coldsign sends (the two valid transaction signatures come from
// devices whose address requests were not recorded, or recorded with a display chain id), so
// the successful device signature is checked at library level (tests/ledger_eth.rs) and
// against Speculos in tests/emulator_ledger.rs. These composed transcripts pair the
// recorded getAddress (0xCbA9…, m/44'/60'/0'/0'/0) with recordings at the same path.

/// The whole flow on recorded exchanges: the address comes from the device, the review runs,
/// the device signs the recorded transaction (chain 2716446429837000: the app truncates v, and
/// the parity is recomputed as hw-app-eth does), and the signature, which recovers to another
/// address than the device's, is refused with exit code 4 before anything is written.
#[test]
fn eth_sign_on_the_ledger_refuses_a_signature_that_does_not_recover_to_its_address() {
    let sb = Sandbox::new();
    let case = eth_case("signTransaction Large ChainID");
    std::fs::write(sb.path("tx.hex"), format!("0x{}\n", text(&case, "tx"))).unwrap();
    let out = run_fake(
        &sb,
        &eth_transcript(&case),
        &eth_sign_args("tx.hex", "signed.hex"),
    );
    assert_eq!(out.code, 4, "{}\n{}", out.stdout, out.stderr);
    let error = out.json();
    assert_eq!(error["code"], "verification_failed");
    let message = error["error"].as_str().unwrap().to_lowercase();
    // Parity 0 (v byte 0x13 for the id's first four bytes 0x09a697f8) recovers to 0x9e97….
    assert!(
        message.contains("0x9e97509321683818173a6b0f2e1b23b23d405107"),
        "{message}"
    );
    assert!(
        message.contains(&text(&eth_case("getAddress"), "address").to_lowercase()),
        "{message}"
    );
    assert!(!sb.path("signed.hex").exists());
}

/// A request that differs from the recorded transaction (another nonce) is not what the
/// device signed: the replay refuses it, exit code 3, and nothing is written.
#[test]
fn eth_sign_on_the_ledger_with_a_changed_request_fails_the_replay() {
    let sb = Sandbox::new();
    let case = eth_case("signTransaction Large ChainID");
    let unsigned = text(&case, "tx");
    // f2 01 85…: the nonce.
    let changed = unsigned.replacen("f201", "f202", 1);
    std::fs::write(sb.path("tx.hex"), format!("0x{changed}\n")).unwrap();
    let out = run_fake(
        &sb,
        &eth_transcript(&case),
        &eth_sign_args("tx.hex", "signed.hex"),
    );
    assert_eq!(out.code, 3, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains("replay mismatch at exchange 1"),
        "{}",
        out.stdout
    );
    assert!(!sb.path("signed.hex").exists());
}

/// A request stating another address than the device's at its path is refused before the
/// device signs anything (the transcript holds only the address exchange).
#[test]
fn eth_sign_on_the_ledger_refuses_a_request_for_another_address() {
    let sb = Sandbox::new();
    sb.run(
        &[
            "eth",
            "message",
            "--text",
            "test",
            "--from",
            "0x9858EfFD232B4033E47d90003D41EC34EcaEda94",
            "--path",
            "m/44'/60'/0'/0'/0",
            "-o",
            "request.txt",
        ],
        "",
    )
    .ok();
    let out = run_fake(
        &sb,
        &eth_transcript(&serde_json::json!({ "exchanges": [] })),
        &[
            "eth",
            "sign",
            "request.txt",
            "-o",
            "sig.hex",
            "--device",
            "ledger",
            "--yes",
        ],
    )
    .fails_after_review(2);
    assert!(
        out.stderr
            .contains("the Ledger's address at m/44'/60'/0'/0'/0 is 0xCbA98362e199c41E1864D0923AF9646d3A648451"),
        "{}",
        out.stderr
    );
    assert!(!sb.path("sig.hex").exists());
}

/// Typed data on a Ledger whose Ethereum app predates the full EIP-712 mode (1.9.0 here) is
/// signed in hashed mode, blind: the review raises the high warning
/// eth.device.blind-typed-data with both hashes, so `--yes` alone refuses (exit 1) before the
/// device is asked to sign. A current app (1.22.0) shows the fields: no blind warning, but
/// eth.device.typed-data-settings says which of its settings the fields need.
#[test]
fn eth_typed_data_on_the_ledger_is_flagged_by_app_version() {
    for (version, flagged, absent) in [
        (
            "00010900",
            "eth.device.blind-typed-data",
            "eth.device.typed-data-settings",
        ),
        (
            "00011600",
            "eth.device.typed-data-settings",
            "eth.device.blind-typed-data",
        ),
    ] {
        let sb = Sandbox::new();
        std::fs::write(sb.path("mail.json"), MAIL).unwrap();
        let args = [
            "eth",
            "sign",
            "mail.json",
            "-o",
            "sig.hex",
            "--path",
            "m/44'/60'/0'/0'/0",
            "--device",
            "ledger",
            "--yes",
        ];
        let configuration = serde_json::json!({
            "exchanges": ["=> e006000000", format!("<= {version}9000")]
        });
        let out = run_fake(&sb, &eth_transcript(&configuration), &args);
        assert_eq!(out.code, 1, "{}\n{}", out.stdout, out.stderr);
        assert!(out.stderr.contains(flagged), "{version}: {}", out.stderr);
        assert!(!out.stderr.contains(absent), "{version}: {}", out.stderr);
        assert!(!sb.path("sig.hex").exists());
    }
}

/// A contract call signed on a Ledger is blind on its screen: the review raises the high
/// warning eth.device.blind-contract-call and `--yes` alone refuses (exit 1) before the device
/// is asked to sign. Its benign twin, a plain payment, raises nothing: the review passes and
/// the device is asked (the transcript ends there: exit 3).
#[test]
fn a_contract_call_on_the_ledger_is_flagged_blind_and_a_payment_is_not() {
    let to = alloy_primitives::address!("A0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
    let transfer = data_encoding::HEXLOWER
        .decode(
            b"a9059cbb000000000000000000000000000000000000000000000000000000000000b0b0\
              00000000000000000000000000000000000000000000000000000000000f4240",
        )
        .unwrap();
    for (data, code) in [(transfer, 1), (Vec::new(), 3)] {
        let sb = Sandbox::new();
        let call = !data.is_empty();
        common::emulator::write_eip1559(&sb, "tx.hex", 0, to, 0, data);
        let args = [
            "eth",
            "sign",
            "tx.hex",
            "-o",
            "signed.hex",
            "--path",
            "m/44'/60'/0'/0'/0",
            "--device",
            "ledger",
            "--yes",
        ];
        let no_more = serde_json::json!({ "exchanges": [] });
        let out = run_fake(&sb, &eth_transcript(&no_more), &args);
        assert_eq!(out.code, code, "{}\n{}", out.stdout, out.stderr);
        assert_eq!(
            out.stderr.contains("eth.device.blind-contract-call"),
            call,
            "{}",
            out.stderr
        );
        assert!(!sb.path("signed.hex").exists());
    }
}

/// The EIP-712 specification's Mail example.
const MAIL: &str = r#"{"types":{"EIP712Domain":[{"name":"name","type":"string"},{"name":"version","type":"string"},{"name":"chainId","type":"uint256"},{"name":"verifyingContract","type":"address"}],"Person":[{"name":"name","type":"string"},{"name":"wallet","type":"address"}],"Mail":[{"name":"from","type":"Person"},{"name":"to","type":"Person"},{"name":"contents","type":"string"}]},"primaryType":"Mail","domain":{"name":"Ether Mail","version":"1","chainId":1,"verifyingContract":"0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC"},"message":{"from":{"name":"Cow","wallet":"0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"},"to":{"name":"Bob","wallet":"0xbBbBBBBbbBBBbbbBbbBbbbbBBbBbbbbBbBbbBBbB"},"contents":"Hello, Bob!"}}"#;

// The successful flow against Speculos (approved through its REST API) is in
// tests/emulator_ledger.rs (`ledger_signs_ethereum_transactions_and_messages`).
