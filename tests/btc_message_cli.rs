//! `coldsign message sign / verify / finalize` and `coldsign address verify`, run through the
//! real binary.

mod common;

use common::btc::{at, hd, key, multipath};
use common::message::verify_on;
use common::{Sandbox, ABANDON, LEGAL};
use serde_json::{json, Value};

const P2WPKH: &str = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu";
const P2PKH: &str = "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA";
const P2TR: &str = "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr";
const P2SH_P2WPKH: &str = "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf";

fn signer() -> Sandbox {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb
}

/// Writes `request` to req.json and signs it with `--yes` plus `extra`.
fn sign(sb: &Sandbox, request: &Value, extra: &[&str]) -> common::Outcome {
    std::fs::write(sb.path("req.json"), request.to_string()).unwrap();
    let mut args = vec!["--json", "message", "sign", "req.json", "--yes"];
    args.extend_from_slice(extra);
    sb.run_keyed(&args, "")
}

/// Signs `request` without `--json` and expects exit `code` with one `error:` line last.
fn sign_fails(sb: &Sandbox, request: &Value, extra: &[&str], code: i32) -> common::Outcome {
    std::fs::write(sb.path("req.json"), request.to_string()).unwrap();
    let mut args = vec!["message", "sign", "req.json", "--yes"];
    args.extend_from_slice(extra);
    sb.run_keyed(&args, "").fails_after_review(code)
}

fn verify(sb: &Sandbox, address: &str, message: &str, signature: &str) -> common::Outcome {
    verify_on(sb, "bitcoin", address, message, signature)
}

#[test]
fn every_single_key_type_signs_in_its_format_and_verifies() {
    let sb = signer();
    for (address, format, prefix) in [
        (P2WPKH, "bip322-simple", "smp"),
        (P2TR, "bip322-simple", "smp"),
        (P2SH_P2WPKH, "bip322-full", "ful"),
        (P2PKH, "legacy", ""),
    ] {
        let out = sign(
            &sb,
            &json!({"message": "Hello World", "address": address}),
            &[],
        )
        .ok()
        .json();
        assert_eq!(out["format"], format, "{address}");
        let signature = out["signature"].as_str().unwrap();
        assert!(signature.starts_with(prefix), "{signature}");
        assert_eq!(out["review"]["wallet"].as_str().unwrap().len(), 7);
        verify(&sb, address, "Hello World", signature).ok();
        verify(&sb, address, "Hello World!", signature).fails_with(4);
        verify(&sb, P2WPKH.trim_end_matches('u'), "Hello World", signature).fails_with(2);
    }
    // p2pkh in BIP-322's full format, p2wpkh as Electrum's legacy signature.
    for (address, format, header) in [(P2PKH, "bip322", "ful"), (P2WPKH, "legacy", "H")] {
        let out = sign(
            &sb,
            &json!({"message": "x", "address": address}),
            &["--format", format],
        )
        .ok()
        .json();
        let signature = out["signature"].as_str().unwrap();
        assert!(
            signature.starts_with(header) || signature.starts_with('I'),
            "{signature}"
        );
        verify(&sb, address, "x", signature).ok();
    }
    sign_fails(
        &sb,
        &json!({"message": "x", "address": P2TR}),
        &["--format", "legacy"],
        2,
    );
}

#[test]
fn a_path_request_a_hex_message_and_a_ur_bytes_request_sign_the_same_bytes() {
    let sb = signer();
    let by_path = sign(
        &sb,
        &json!({"message_hex": "48656c6c6f", "path": "m/84'/0'/0'/0/0"}),
        &["--no-prefix"],
    )
    .ok()
    .json();
    assert_eq!(by_path["review"]["address"], P2WPKH);
    assert_eq!(by_path["review"]["text"], "Hello");
    let signature = by_path["signature"].as_str().unwrap();
    assert!(!signature.starts_with("smp"));
    verify(&sb, P2WPKH, "Hello", signature).ok();
    // Any account number is one derivation, not a search up to it.
    sign(
        &sb,
        &json!({"message": "x", "path": "m/84'/0'/2147483647'/1/2147483647"}),
        &[],
    )
    .ok();
    // The same request as ur:bytes (a CBOR byte string), as a QR code would carry it.
    let body = json!({"message": "Hello", "address": P2WPKH}).to_string();
    let mut cbor = vec![0x58, body.len() as u8];
    cbor.extend_from_slice(body.as_bytes());
    let ur = coldsign::transport::ur::encode_single("bytes", &cbor);
    std::fs::write(sb.path("req.ur"), &ur).unwrap();
    let out = sb
        .run_keyed(&["--json", "message", "sign", "req.ur", "--yes"], "")
        .ok()
        .json();
    verify(&sb, P2WPKH, "Hello", out["signature"].as_str().unwrap()).ok();
    // The same request as a plain-text QR image (what `qrencode` makes), the signature
    // shown back as a QR code.
    let code = coldsign::transport::qr::encode(&body).unwrap();
    coldsign::transport::qr::write_png(
        &coldsign::transport::qr::to_image(&code, 4),
        &sb.path("req.png"),
    )
    .unwrap();
    let out = sb
        .run_keyed(&["message", "sign", "req.png", "--yes", "--qr"], "")
        .ok();
    verify(&sb, P2WPKH, "Hello", out.stdout.trim()).ok();
    assert!(out.stderr.contains('█'), "{}", out.stderr);
    // A path that does not derive the named address, and an address that is not ours.
    sign_fails(
        &sb,
        &json!({"message": "x", "path": "m/84'/0'/0'/0/1", "address": P2WPKH}),
        &[],
        2,
    );
    let out = sign_fails(
        &sb,
        &json!({"message": "x", "address": "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"}),
        &["--gap", "5"],
        2,
    );
    assert!(out.stderr.contains("is not ours"), "{}", out.stderr);
}

#[test]
fn malformed_requests_are_refused() {
    let sb = signer();
    for bad in [
        r#"{"message": "x"}"#,
        r#"{"message": "x", "message_hex": "00", "address": "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"}"#,
        r#"{"message": "x", "message": "y", "address": "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"}"#,
        r#"{"message": "x", "address": "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA", "extra": 1}"#,
        r#"{"message": "x", "address": "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"} {}"#,
        r#"{"message_hex": "0g", "address": "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"}"#,
    ] {
        std::fs::write(sb.path("bad.json"), bad).unwrap();
        sb.run_keyed(&["message", "sign", "bad.json", "--yes"], "")
            .fails_after_review(2);
    }
}

#[test]
fn suspicious_text_binary_and_hash_like_messages_need_an_explicit_allow() {
    let sb = signer();
    for (request, code) in [
        (
            json!({"message": "pay to p\u{0430}ypal", "address": P2WPKH}),
            "msg.text.suspicious",
        ),
        (
            json!({"message": "ok\u{202e}txt", "address": P2WPKH}),
            "msg.text.suspicious",
        ),
        (
            json!({"message_hex": "ff00", "address": P2WPKH}),
            "msg.binary",
        ),
        (
            json!({"message_hex": "11".repeat(32), "address": P2WPKH}),
            "msg.hash-like",
        ),
    ] {
        let out = sign_fails(&sb, &request, &[], 1);
        assert!(out.stderr.contains(code), "{}", out.stderr);
        let all = ["msg.text.suspicious", "msg.binary", "msg.hash-like"];
        let allow: Vec<&str> = all.iter().flat_map(|c| ["--allow", c]).collect();
        let out = sign(&sb, &request, &allow).ok().json();
        let codes: Vec<&str> = out["review"]["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&code), "{codes:?}");
    }
    // The review shows the look-alike letter escaped.
    let out = sign(
        &sb,
        &json!({"message": "p\u{0430}ypal", "address": P2WPKH}),
        &["--allow", "msg.text.suspicious"],
    )
    .ok()
    .json();
    assert_eq!(out["review"]["text"], "p\\u{0430}ypal");
}

/// A 2-of-2 proof from two signers' shares, for each multisig form a wallet can have: P2WSH
/// (simple), P2SH-P2WSH (full) and taproot `multi_a` behind an unspendable key (simple).
#[test]
fn two_of_two_multisig_proofs_are_made_from_two_shares() {
    let keys: Vec<String> = [ABANDON, LEGAL]
        .iter()
        .map(|w| key(&hd(w), "m/48'/1'/0'/2'"))
        .collect();
    for (template, prefix) in [
        ("wsh(sortedmulti(2,{0},{1}))", "smp"),
        ("sh(wsh(sortedmulti(2,{0},{1})))", "ful"),
        (
            &format!(
                "tr({},multi_a(2,{{0}},{{1}}))",
                coldsign::btc::multisig::NUMS
            ) as &str,
            "smp",
        ),
    ] {
        multisig_proof(&multipath(template, &keys), prefix);
    }
}

/// When our key alone meets the threshold (1-of-2), the signature is complete at once.
#[test]
fn a_one_of_two_wallet_signs_a_whole_proof() {
    let keys: Vec<String> = [ABANDON, LEGAL]
        .iter()
        .map(|w| key(&hd(w), "m/48'/1'/0'/2'"))
        .collect();
    let descriptor = multipath("wsh(sortedmulti(1,{0},{1}))", &keys);
    let sb = signer();
    std::fs::write(sb.path("vault.txt"), descriptor.to_string()).unwrap();
    sb.regtest(
        &["wallet", "import", "vault.txt", "--name", "one", "--yes"],
        "",
    )
    .ok();
    let address = at(&descriptor, 1, 0)
        .address(bitcoin::Network::Regtest)
        .unwrap()
        .to_string();
    std::fs::write(
        sb.path("req.json"),
        json!({"message": "m", "address": address}).to_string(),
    )
    .unwrap();
    let out = sb
        .regtest(&["--json", "message", "sign", "req.json", "--yes"], "")
        .ok()
        .json();
    assert_eq!(out["format"], "bip322-simple");
    verify_on(
        &sb,
        "regtest",
        &address,
        "m",
        out["signature"].as_str().unwrap(),
    )
    .ok();
    // address verify finds it in the registered wallet, with our key's path.
    let found = sb
        .regtest(&["--json", "address", "verify", &address], "")
        .ok()
        .json();
    assert_eq!(found["wallet"], "one");
    assert_eq!(found["branch"], "change");
    assert_eq!(found["paths"], json!(["m/48'/1'/0'/2'/1/0"]));
}

fn multisig_proof(
    descriptor: &miniscript::Descriptor<miniscript::DescriptorPublicKey>,
    prefix: &str,
) {
    let signers = [Sandbox::new(), Sandbox::new()];
    for (sb, words) in signers.iter().zip([ABANDON, LEGAL]) {
        sb.restore(words);
        std::fs::write(sb.path("vault.txt"), descriptor.to_string()).unwrap();
        sb.regtest(
            &["wallet", "import", "vault.txt", "--name", "vault", "--yes"],
            "",
        )
        .ok();
    }
    let address = at(descriptor, 0, 3)
        .address(bitcoin::Network::Regtest)
        .unwrap()
        .to_string();
    let request = json!({"message": "vault proof", "address": address}).to_string();
    for (i, sb) in signers.iter().enumerate() {
        std::fs::write(sb.path("req.json"), &request).unwrap();
        let out = sb
            .regtest(
                &[
                    "--json",
                    "message",
                    "sign",
                    "req.json",
                    "--yes",
                    "-o",
                    "share.psbt",
                ],
                "",
            )
            .ok()
            .json();
        assert_eq!(out["format"], "bip322-psbt-share");
        assert_eq!(out["review"]["wallet"], "vault");
        assert_eq!(out["review"]["index"], 3);
        std::fs::copy(
            sb.path("share.psbt"),
            signers[0].path(&format!("share{i}.psbt")),
        )
        .unwrap();
    }
    let a = &signers[0];
    // One share is not a proof.
    a.regtest(&["message", "finalize", "share0.psbt"], "")
        .fails_with(4);
    a.regtest(
        &["combine", "share0.psbt", "share1.psbt", "-o", "both.psbt"],
        "",
    )
    .ok();
    let out = a
        .regtest(&["--json", "message", "finalize", "both.psbt"], "")
        .ok()
        .json();
    let signature = out["signature"].as_str().unwrap();
    assert!(signature.starts_with(prefix), "{descriptor}: {signature}");
    verify_on(a, "regtest", &address, "vault proof", signature).ok();
    verify_on(a, "regtest", &address, "other", signature).fails_with(4);
}

#[test]
fn address_verify_names_the_account_or_says_not_ours() {
    let sb = signer();
    let out = sb
        .run_keyed(
            &[
                "--json",
                "address",
                "verify",
                "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el",
            ],
            "",
        )
        .ok()
        .json();
    assert_eq!(out["wallet"], "bip84/0");
    assert_eq!(out["branch"], "change");
    assert_eq!(out["paths"][0], "m/84'/0'/0'/1/0");
    let out = sb.run_keyed(&["address", "verify", P2TR], "").ok();
    assert!(out.stdout.contains("bip86/0 receive #0"), "{}", out.stdout);
    let out = sb
        .run_keyed(
            &[
                "address",
                "verify",
                "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh",
                "--gap",
                "20",
            ],
            "",
        )
        .fails_with(1);
    assert!(out.stderr.contains("NOT ours"), "{}", out.stderr);
    // A testnet address on mainnet is bad input, not "not ours".
    sb.run_keyed(
        &[
            "address",
            "verify",
            "tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl",
        ],
        "",
    )
    .fails_with(2);
}

#[test]
fn malformed_signatures_are_bad_input_and_wrong_ones_fail_verification() {
    let sb = Sandbox::new();
    let header_50 = {
        use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
        let mut bytes = vec![50u8];
        bytes.extend([1u8; 64]);
        BASE64_STANDARD.encode(bytes)
    };
    for bad in [
        "not-base64!!",
        "smp",
        "fulAAAA",
        "pofcHNidP8=",
        header_50.as_str(),
    ] {
        verify(&sb, P2WPKH, "x", bad).fails_with(2);
    }
    // Well formed, but an empty witness proves nothing.
    verify(&sb, P2WPKH, "x", "smpAA==").fails_with(4);
    // No message at all is a usage error.
    sb.run(&["message", "verify", "--address", P2WPKH, "smpAA=="], "")
        .fails_with(2);
}
