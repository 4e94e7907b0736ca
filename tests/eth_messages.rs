//! Ethereum messages, typed data, policy, address book and keystore v3 keys through the CLI,
//! cross-checked with Foundry's `cast wallet sign` / `cast wallet verify` (independent
//! implementations of EIP-191 and EIP-712).

mod common;

use common::eth::{cast, ACCOUNT0};
use common::{find_secret, secret_needles, Sandbox, ABANDON};

const MAIL: &str = include_str!("../fixtures/eip712-mail.json");

fn signer() -> Sandbox {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb
}

/// Writes the EIP-712 Mail example and a request for ACCOUNT0 to sign it, `t.ur`, and puts
/// its domain's verifying contract in the address book (typed data the signer cannot explain
/// is high unless its domain is vouched for).
fn mail_request(sb: &Sandbox) {
    std::fs::write(sb.path("mail.json"), MAIL).unwrap();
    sb.run_keyed(
        &[
            "address",
            "add",
            "Ether Mail",
            "0xCcCCccccCCCCcCCCCCCcCcCccCcCCCcCcccccccC",
        ],
        "",
    )
    .ok();
    sb.run(
        &[
            "eth",
            "message",
            "--typed-data",
            "mail.json",
            "--from",
            ACCOUNT0,
            "-o",
            "t.ur",
        ],
        "",
    )
    .ok();
}

fn cast_out(args: &[&str]) -> Option<String> {
    let cast = cast()?;
    let out = std::process::Command::new(cast)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cast {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap().trim().to_string())
}

fn codes(review: &serde_json::Value) -> Vec<String> {
    common::warning_codes(review)
}

#[test]
fn personal_messages_sign_like_cast_and_verify_with_cast() {
    let sb = signer();
    let text = "I control this address: coldsign test";
    sb.run(
        &[
            "eth", "message", "--text", text, "--from", ACCOUNT0, "-o", "m.ur",
        ],
        "",
    )
    .ok();
    let signed = sb
        .run_offline(
            &["--json", "eth", "sign", "m.ur", "-o", "m.sig", "--yes"],
            "",
        )
        .ok()
        .json();
    assert!(signed["review"]["message"]["text"].as_str() == Some(text));
    let ours = std::fs::read_to_string(sb.path("m.sig"))
        .unwrap()
        .trim()
        .to_string();
    let Some(theirs) = cast_out(&["wallet", "sign", "--mnemonic", ABANDON, text]) else {
        return;
    };
    assert_eq!(
        ours, theirs,
        "EIP-191 signature differs from cast wallet sign"
    );
    cast_out(&["wallet", "verify", "--address", ACCOUNT0, text, &ours]).unwrap();
    assert!(find_secret(sb.transcript().as_bytes(), &secret_needles(ABANDON)).is_none());
}

#[test]
fn eip712_mail_is_shown_decoded_and_signed_like_cast() {
    let sb = signer();
    mail_request(&sb);
    let out = sb
        .run_offline(
            &["--json", "eth", "sign", "t.ur", "-o", "t.sig", "--yes"],
            "",
        )
        .ok()
        .json();
    let review = &out["review"];
    assert_eq!(
        review["signing_hash"],
        "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"
    );
    assert!(review["typed_data"]["message"]
        .to_string()
        .contains("Hello, Bob!"));
    assert_eq!(codes(review), ["eth.typed-data.unrecognised"]);
    let ours = std::fs::read_to_string(sb.path("t.sig"))
        .unwrap()
        .trim()
        .to_string();
    let mail = sb.path("mail.json");
    let Some(theirs) = cast_out(&[
        "wallet",
        "sign",
        "--mnemonic",
        ABANDON,
        "--data",
        "--from-file",
        mail.to_str().unwrap(),
    ]) else {
        return;
    };
    assert_eq!(
        ours, theirs,
        "EIP-712 signature differs from cast wallet sign --data"
    );
}

#[test]
fn permits_and_blind_messages_need_a_person() {
    let sb = signer();
    let permit = include_str!("../fixtures/eip712-permit.json");
    std::fs::write(sb.path("permit.json"), permit).unwrap();
    let review = sb
        .run_keyed(&["--json", "eth", "inspect", "permit.json"], "")
        .ok()
        .json();
    let found = codes(&review);
    for code in [
        "eth.permit",
        "eth.erc20.unlimited-approval",
        "eth.erc20.unknown-spender",
    ] {
        assert!(
            found.iter().any(|c| c == code),
            "{code} missing from {found:?}"
        );
    }
    sb.run_keyed(&["eth", "sign", "permit.json", "-o", "p.sig", "--yes"], "")
        .fails_after_review(1);
    assert!(!sb.path("p.sig").exists());
    sb.run(
        &[
            "eth",
            "message",
            "--hex",
            &format!("0x{}", "ab".repeat(32)),
            "--from",
            ACCOUNT0,
            "-o",
            "h.ur",
        ],
        "",
    )
    .ok();
    let refused = sb
        .run_keyed(&["eth", "sign", "h.ur", "-o", "h.sig", "--yes"], "")
        .fails_after_review(1);
    assert!(refused.stderr.contains("eth.message.blind"));
}

/// An unsigned EIP-1559 transfer of 1 ether to 0x…b0b0 on chain `chain`, nonce 0.
fn transfer_hex(chain: u64, to: &str) -> String {
    use alloy_consensus::{SignableTransaction, TxEip1559};
    let tx = TxEip1559 {
        chain_id: chain,
        nonce: 0,
        gas_limit: 21_000,
        max_fee_per_gas: 2_000_000_000,
        max_priority_fee_per_gas: 1_000_000_000,
        to: alloy_primitives::TxKind::Call(to.parse().unwrap()),
        value: alloy_primitives::U256::from(10u64.pow(18)),
        access_list: Default::default(),
        input: Default::default(),
    };
    alloy_primitives::hex::encode_prefixed(tx.encoded_for_signing())
}

#[test]
fn the_policy_and_the_address_book_apply_to_ethereum() {
    let sb = signer();
    let bob = "0x000000000000000000000000000000000000b0b0";
    std::fs::write(sb.path("tx.hex"), transfer_hex(31337, bob)).unwrap();
    sb.write_policy("policy.toml", "[ethereum]\nchain_ids = [1]\n");
    let denied = sb
        .run_keyed(
            &[
                "eth",
                "sign",
                "tx.hex",
                "-o",
                "tx.signed",
                "--yes",
                "--policy",
                "policy.toml",
            ],
            "",
        )
        .fails_after_review(1);
    assert!(
        denied.stderr.contains("ethereum.chain_ids"),
        "{}",
        denied.stderr
    );
    sb.write_policy("policy.toml", format!("[ethereum]\nchain_ids = [31337]\n[[ethereum.allow]]\nlabel = \"Bob\"\naddress = \"{bob}\"\n"));
    sb.run_keyed(
        &[
            "eth",
            "sign",
            "tx.hex",
            "-o",
            "tx.signed",
            "--yes",
            "--policy",
            "policy.toml",
        ],
        "",
    )
    .ok();
    // A look-alike of an address-book entry is high severity.
    sb.run_keyed(
        &[
            "address",
            "add",
            "Treasury",
            "0x1234567890123456789012345678901234567890",
        ],
        "",
    )
    .ok();
    std::fs::write(
        sb.path("poison.hex"),
        transfer_hex(31337, "0x123ffffffffffffffffffffffffffffffffff890"),
    )
    .unwrap();
    let review = sb
        .run_keyed(&["--json", "eth", "inspect", "poison.hex"], "")
        .ok()
        .json();
    assert!(codes(&review).contains(&"addr.lookalike".to_string()));
    let log = sb.run_keyed(&["--json", "log", "verify"], "").ok().json();
    assert!(log.to_string().contains("eth:31337") || log["entries"].as_u64().unwrap_or(0) > 0);
}

#[test]
fn a_keystore_v3_key_signs_as_itself() {
    let Some(cast) = cast() else { return };
    let sb = Sandbox::new();
    std::fs::create_dir(sb.path("v3")).unwrap();
    let key = "0x4646464646464646464646464646464646464646464646464646464646464646";
    let out = std::process::Command::new(cast)
        .args([
            "wallet",
            "import",
            "acct",
            "--keystore-dir",
            sb.path("v3").to_str().unwrap(),
            "--private-key",
            key,
            "--unsafe-password",
            "v3 password",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::write(sb.path("v3pass.txt"), "v3 password\n").unwrap();
    sb.run_keyed(
        &[
            "key",
            "import-v3",
            "v3/acct",
            "--v3-password-file",
            "v3pass.txt",
        ],
        "",
    )
    .ok();
    std::fs::write(
        sb.path("tx.hex"),
        transfer_hex(1, "0x3535353535353535353535353535353535353535"),
    )
    .unwrap();
    let signed = sb
        .run_keyed(
            &[
                "--json",
                "eth",
                "sign",
                "tx.hex",
                "-o",
                "tx.signed",
                "--yes",
            ],
            "",
        )
        .ok()
        .json();
    assert_eq!(
        signed["review"]["from"],
        "0x9d8A62f656a8d1615C1294fd71e9CFb3E4855A4F"
    );
    assert!(find_secret(
        sb.transcript().as_bytes(),
        &[key.trim_start_matches("0x").to_string()]
    )
    .is_none());
}

#[test]
fn ethereum_requests_cross_as_eip4527_qr_frames_and_back() {
    let sb = signer();
    mail_request(&sb);
    let text = sb
        .run(&["qr", "show", "t.ur", "--text", "--fragment", "80"], "")
        .ok();
    assert!(text.stdout.lines().count() > 1, "a multipart stream");
    assert!(text
        .stdout
        .to_lowercase()
        .starts_with("ur:eth-sign-request/"));
    sb.run(
        &[
            "qr",
            "show",
            "t.ur",
            "--png-dir",
            "frames",
            "--fragment",
            "80",
        ],
        "",
    )
    .ok();
    sb.run(&["qr", "read", "frames", "-o", "back.ur"], "").ok();
    let out = sb
        .run_offline(
            &[
                "--json", "eth", "sign", "back.ur", "-o", "t.sig", "--yes", "--ur",
            ],
            "",
        )
        .ok()
        .json();
    assert_eq!(
        out["review"]["signing_hash"],
        "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2"
    );
    let sig = std::fs::read_to_string(sb.path("t.sig")).unwrap();
    assert!(sig.starts_with("ur:eth-signature/"), "{sig}");
    sb.run(&["qr", "show", "t.sig", "--text"], "").ok();
}
