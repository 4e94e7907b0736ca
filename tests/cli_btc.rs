//! The Bitcoin commands through the real binary: inspect, sign (and its gate), finalize,
//! combine, convert, wallet import; exit codes, no output on refusal, no secret in output.

mod common;

use bitcoin::psbt::PsbtSighashType;
use bitcoin::Amount;
use coldsign::btc::builder::SpendBuilder;
use common::btc::*;
use common::{find_secret, secret_needles, Sandbox, ABANDON, LEGAL};

#[test]
fn inspect_reports_the_review_as_json_and_text() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("spend.psbt", &benign_spend());
    let json = sb
        .regtest(&["--json", "inspect", "spend.psbt"], "")
        .ok()
        .json();
    assert_eq!(json["network"], "regtest");
    assert_eq!(json["totals"]["fee"], 10_000);
    assert_eq!(json["inputs"][0]["owner"]["path"], "m/84'/1'/0'/0/0");
    assert_eq!(json["inputs"][0]["amount_verified"], true);
    assert_eq!(json["outputs"][1]["kind"], "change");
    assert_eq!(json["outputs"][0]["kind"], "external");
    assert_eq!(json["warnings"].as_array().unwrap().len(), 0);
    assert_eq!(json["intent_digest"].as_str().unwrap().len(), 19);
    let text = sb.regtest(&["inspect", "spend.psbt"], "").ok().stdout;
    assert!(
        text.contains("intent digest") && text.contains("change, verified"),
        "{text}"
    );
    // stdin, hex and binary inputs are recognised too.
    let hex = bitcoin::hex::DisplayHex::to_lower_hex_string(&benign_spend().serialize());
    std::fs::write(sb.path("spend.hex"), &hex).unwrap();
    std::fs::write(sb.path("spend.bin"), benign_spend().serialize()).unwrap();
    for f in ["spend.hex", "spend.bin"] {
        assert_eq!(
            sb.regtest(&["--json", "inspect", f], "").ok().json()["intent_digest"],
            json["intent_digest"]
        );
    }
    // The online host computes the same digest with no keystore at all.
    let keyless = Sandbox::new();
    std::fs::copy(sb.path("spend.psbt"), keyless.path("spend.psbt")).unwrap();
    let digest = keyless
        .run(
            &["--network", "regtest", "--json", "digest", "spend.psbt"],
            "",
        )
        .ok()
        .json();
    assert_eq!(digest["intent_digest"], json["intent_digest"]);
    let piped = sb
        .run_keyed(&["--network", "regtest", "--json", "inspect", "-"], &hex)
        .ok()
        .json();
    assert_eq!(piped["intent_digest"], json["intent_digest"]);
}

#[test]
fn sign_with_yes_writes_the_signed_psbt_and_per_input_results() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("spend.psbt", &benign_spend());
    let out = sb
        .regtest(
            &["--json", "sign", "spend.psbt", "-o", "signed.psbt", "--yes"],
            "",
        )
        .ok()
        .json();
    assert_eq!(out["inputs"][0]["signatures"], 1);
    assert_eq!(out["inputs"][1]["signatures"], 1);
    let before = std::fs::read(sb.path("spend.psbt")).unwrap();
    let signed = sb
        .regtest(&["finalize", "signed.psbt", "--extract"], "")
        .ok();
    assert!(signed.stdout.trim().chars().all(|c| c.is_ascii_hexdigit()));
    assert!(
        signed
            .stderr
            .contains("verified by Bitcoin Core's script interpreter"),
        "{}",
        signed.stderr
    );
    assert_eq!(
        std::fs::read(sb.path("spend.psbt")).unwrap(),
        before,
        "the input is never modified"
    );
    // Output files are never replaced silently.
    sb.regtest(&["sign", "spend.psbt", "-o", "signed.psbt", "--yes"], "")
        .fails_with(2);

    // A partial signature that fails verification: finalize refuses (exit 4) and writes
    // nothing, rather than leaving the input quietly unfinalized.
    let text = std::fs::read_to_string(sb.path("signed.psbt")).unwrap();
    let mut tampered = coldsign::request::PsbtFile::decode(text.as_bytes())
        .unwrap()
        .psbt;
    let secp = bitcoin::secp256k1::Secp256k1::new();
    let stranger = bitcoin::secp256k1::SecretKey::from_slice(&[7; 32]).unwrap();
    let wrong = secp.sign_ecdsa(
        &bitcoin::secp256k1::Message::from_digest([9; 32]),
        &stranger,
    );
    for sig in tampered.inputs[0].partial_sigs.values_mut() {
        sig.signature = wrong;
    }
    sb.write_psbt("tampered.psbt", &tampered);
    let refused = sb
        .regtest(&["finalize", "tampered.psbt", "-o", "final.psbt"], "")
        .fails_with(4);
    assert!(refused.stderr.contains("input 0"), "{}", refused.stderr);
    assert!(!sb.path("final.psbt").exists());
}

#[test]
fn the_gate_refuses_dangers_and_writes_nothing() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let mut deny = benign_spend();
    deny.inputs[0].sighash_type = Some(PsbtSighashType::from(
        bitcoin::sighash::EcdsaSighashType::NonePlusAnyoneCanPay,
    ));
    sb.write_psbt("deny.psbt", &deny);
    let out = sb
        .regtest(&["sign", "deny.psbt", "-o", "x.psbt", "--yes"], "")
        .fails_after_review(1);
    assert!(
        out.stderr.contains("btc.sighash.nondefault"),
        "{}",
        out.stderr
    );
    assert!(!sb.path("x.psbt").exists());
    sb.regtest(
        &[
            "sign",
            "deny.psbt",
            "-o",
            "x.psbt",
            "--yes",
            "--allow",
            "btc.sighash.nondefault",
        ],
        "",
    )
    .ok();

    let mut high = benign_spend();
    high.inputs[0].non_witness_utxo = None;
    sb.write_psbt("high.psbt", &high);
    let out = sb
        .regtest(&["sign", "high.psbt", "-o", "y.psbt", "--yes"], "")
        .fails_after_review(1);
    assert!(out.stderr.contains("btc.utxo.unverified"), "{}", out.stderr);
    assert!(!sb.path("y.psbt").exists());
    sb.regtest(
        &[
            "sign",
            "high.psbt",
            "-o",
            "y.psbt",
            "--yes",
            "--allow",
            "btc.utxo.unverified",
        ],
        "",
    )
    .ok();
    // Without --yes and without a terminal there is nobody to ask.
    sb.write_psbt("plain.psbt", &benign_spend());
    sb.regtest(&["sign", "plain.psbt", "-o", "z.psbt"], "")
        .fails_after_review(2);
    assert!(!sb.path("z.psbt").exists());
}

/// Runs `coldsign sign` in a pseudo-terminal and answers its prompt.
fn sign_at_terminal(sb: &Sandbox, file: &str, pattern: &str, answer: &str) -> i32 {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tty/answer.py");
    let ks = sb.keystore();
    let pw = sb.path("password.txt");
    std::process::Command::new("python3")
        // The screen is matched in English, whatever the machine's locale.
        .env("COLDSIGN_LANG", "en")
        .current_dir(sb.root())
        .env("COLDSIGN_SCRYPT_LOG_N", "10")
        .args([
            script,
            pattern,
            answer,
            "--",
            env!("CARGO_BIN_EXE_coldsign"),
        ])
        .args([
            "--network",
            "regtest",
            "--keystore",
            ks.to_str().unwrap(),
            "--password-file",
            pw.to_str().unwrap(),
        ])
        .args(["sign", file, "-o", &format!("{file}.signed")])
        .status()
        .unwrap()
        .code()
        .unwrap_or(-1)
}

#[test]
fn interactive_confirmation_and_typed_digest_for_high_warnings() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("a.psbt", &benign_spend());
    assert_eq!(sign_at_terminal(&sb, "a.psbt", r"\[y/N\]", "n"), 1);
    assert!(!sb.path("a.psbt.signed").exists());
    assert_eq!(sign_at_terminal(&sb, "a.psbt", r"\[y/N\]", "y"), 0);
    assert!(sb.path("a.psbt.signed").exists());
    let mut high = benign_spend();
    high.inputs[0].non_witness_utxo = None;
    sb.write_psbt("h.psbt", &high);
    let digest = sb.regtest(&["--json", "inspect", "h.psbt"], "").ok().json()["intent_digest"]
        .as_str()
        .unwrap()
        .to_string();
    let last = digest.rsplit('-').next().unwrap().to_string();
    assert_eq!(
        sign_at_terminal(&sb, "h.psbt", "intent digest to sign anyway", "y"),
        1,
        "a plain yes is not enough"
    );
    assert_eq!(
        sign_at_terminal(&sb, "h.psbt", "intent digest to sign anyway", &last),
        0
    );
}

#[test]
fn multisig_across_two_keystores_with_wallet_import_and_combine() {
    let (a, b) = (Sandbox::new(), Sandbox::new());
    a.restore(ABANDON);
    b.restore(LEGAL);
    let signers = [hd(ABANDON), hd(LEGAL), hd(LETTER)];
    let keys: Vec<String> = signers.iter().map(|h| key(h, "m/48'/1'/0'/2'")).collect();
    let vault = multipath("wsh(sortedmulti(2,{0},{1},{2}))", &keys);
    for (sb, named) in [(&a, false), (&b, true)] {
        std::fs::write(sb.path("vault.txt"), vault.to_string()).unwrap();
        // A descriptor carries no name: without --name the file's stem names the wallet.
        let mut import = vec!["--json", "wallet", "import", "vault.txt", "--yes"];
        if named {
            import.extend(["--name", "vault"]);
        }
        let imported = sb.regtest(&import, "").ok().json();
        assert_eq!(imported["cosigners"].as_array().unwrap().len(), 3);
        assert_eq!(
            imported["cosigners"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["ours"] == true)
                .count(),
            1
        );
        let listed = sb.regtest(&["--json", "wallet", "list"], "").ok().json();
        assert_eq!(listed[0]["name"], "vault");
    }
    // A wallet without our key is refused.
    let outsider = multipath("wsh(sortedmulti(1,{0},{1}))", &keys[1..]);
    std::fs::write(a.path("other.txt"), outsider.to_string()).unwrap();
    a.regtest(
        &["wallet", "import", "other.txt", "--name", "other", "--yes"],
        "",
    )
    .fails_with(2);

    let psbt = SpendBuilder::new()
        .fund(&at(&vault, 0, 0), Amount::from_sat(5_000_000))
        .pay(outside(), Amount::from_sat(3_000_000))
        .pay_to_descriptor(&at(&vault, 1, 0), Amount::from_sat(1_990_000))
        .build();
    a.write_psbt("spend.psbt", &psbt);
    a.regtest(&["sign", "spend.psbt", "-o", "a.psbt", "--yes"], "")
        .ok();
    b.write_psbt("spend.psbt", &psbt);
    b.regtest(&["sign", "spend.psbt", "-o", "b.psbt", "--yes"], "")
        .ok();
    std::fs::copy(b.path("b.psbt"), a.path("b.psbt")).unwrap();
    a.regtest(&["combine", "a.psbt", "b.psbt", "-o", "both.psbt"], "")
        .ok();
    let fin = a
        .regtest(&["--json", "finalize", "both.psbt", "-o", "final.psbt"], "")
        .ok()
        .json();
    assert_eq!(fin["complete"], true);
    // One signature is not enough to extract.
    a.regtest(&["finalize", "a.psbt", "--extract"], "")
        .fails_with(2);
    // Combining different transactions fails clearly.
    a.write_psbt("other.psbt", &benign_spend());
    a.regtest(&["combine", "a.psbt", "other.psbt"], "")
        .fails_with(2);
}

#[test]
fn convert_between_encodings() {
    let sb = Sandbox::new();
    sb.write_psbt("p.psbt", &benign_spend());
    let hex = sb
        .run(&["convert", "p.psbt", "--to", "hex"], "")
        .ok()
        .stdout;
    assert!(hex.starts_with("70736274ff"));
    sb.run(&["convert", "p.psbt", "--to", "binary", "-o", "p.bin"], "")
        .ok();
    assert!(std::fs::read(sb.path("p.bin"))
        .unwrap()
        .starts_with(b"psbt\xff"));
    let back = sb
        .run(&["convert", "p.bin", "--to", "base64"], "")
        .ok()
        .stdout;
    assert_eq!(
        back.trim(),
        std::fs::read_to_string(sb.path("p.psbt")).unwrap().trim()
    );
}

#[test]
fn bad_psbt_inputs_are_refused_with_exit_code_two() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    std::fs::write(sb.path("junk.txt"), "hello world").unwrap();
    std::fs::write(sb.path("empty.txt"), "").unwrap();
    std::fs::write(
        sb.path("truncated.psbt"),
        &std::fs::read_to_string({
            sb.write_psbt("full.psbt", &benign_spend());
            sb.path("full.psbt")
        })
        .unwrap()[..40],
    )
    .unwrap();
    std::fs::create_dir(sb.path("dir")).unwrap();
    for file in [
        "junk.txt",
        "empty.txt",
        "truncated.psbt",
        "dir",
        "missing.psbt",
    ] {
        let code = if file == "missing.psbt" { 6 } else { 2 };
        sb.regtest(&["inspect", file], "").fails_with(code);
        sb.regtest(&["sign", file, "-o", "out.psbt", "--yes"], "")
            .fails_after_review(code);
        assert!(!sb.path("out.psbt").exists());
    }
}

#[test]
fn bitcoin_commands_leak_no_secret() {
    let sb = Sandbox::new();
    sb.restore(LEGAL);
    let legal = hd(LEGAL);
    let d = standard(&legal, "wpkh({0})", "m/84'/1'/0'");
    let psbt = SpendBuilder::new()
        .fund(&at(&d, 0, 0), Amount::from_sat(1_000_000))
        .pay(outside(), Amount::from_sat(990_000))
        .build();
    sb.write_psbt("s.psbt", &psbt);
    sb.regtest(&["inspect", "s.psbt"], "").ok();
    sb.regtest(&["--json", "inspect", "s.psbt"], "").ok();
    sb.regtest(&["-v", "sign", "s.psbt", "-o", "t.psbt", "--yes"], "")
        .ok();
    sb.regtest(&["--json", "sign", "s.psbt", "-o", "-", "--yes"], "")
        .ok();
    sb.regtest(&["finalize", "t.psbt", "--extract"], "").ok();
    let needles = secret_needles(LEGAL);
    assert_eq!(find_secret(sb.transcript().as_bytes(), &needles), None);
    for (path, bytes) in sb.files() {
        if !path.ends_with("password.txt") {
            assert_eq!(find_secret(&bytes, &needles), None, "{}", path.display());
        }
    }
}

/// `convert --to v0` refuses to drop what version 0 cannot carry (BIP370's own vectors): the
/// modifiable flags and required lock times; `--lossy` drops them on purpose.
#[test]
fn convert_to_v0_refuses_to_lose_version_2_fields() {
    let path = format!("{}/fixtures/bip370.json", env!("CARGO_MANIFEST_DIR"));
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let sb = Sandbox::new();
    let (mut refused, mut converted) = (0, 0);
    for (i, case) in fixture["valid"].as_array().unwrap().iter().enumerate() {
        let name = case["case"].as_str().unwrap();
        let file = format!("v2-{i}.psbt");
        std::fs::write(sb.path(&file), case["hex"].as_str().unwrap()).unwrap();
        let lossy = name.contains("TX_MODIFIABLE flags set")
            || name.contains("Flag (bit")
            || name.contains("flag (bit 3)")
            || name.contains("locktime fields")
            || name.contains("all PSBTv2 fields");
        let out = sb.run(&["convert", &file, "--to", "v0"], "");
        if lossy {
            let out = out.fails_with(2);
            assert!(
                out.stderr.contains("version 0 cannot carry"),
                "{name}: {}",
                out.stderr
            );
            sb.run(&["convert", &file, "--to", "v0", "--lossy"], "")
                .ok();
            refused += 1;
        } else {
            out.ok();
            converted += 1;
        }
    }
    assert_eq!((refused, converted), (11, 3));
}

/// The intent digest is a function of the request alone: the host's `digest` (no keystore, no
/// network flag) equals the signer's review under any `--network`.
#[test]
fn the_digest_depends_on_the_request_alone() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("spend.psbt", &benign_spend());
    let host = sb.run(&["--json", "digest", "spend.psbt"], "").ok().json();
    for network in ["regtest", "bitcoin", "testnet"] {
        let review = sb
            .run_keyed(
                &["--json", "--network", network, "inspect", "spend.psbt"],
                "",
            )
            .ok()
            .json();
        assert_eq!(review["intent_digest"], host["intent_digest"], "{network}");
    }
}
