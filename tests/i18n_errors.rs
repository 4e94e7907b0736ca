//! Errors and hints in the operator's language: Japanese on stderr, while `--json` errors,
//! exit codes and error codes stay English and unchanged.

mod common;

use std::path::PathBuf;

use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
use bitcoin::Amount;
use coldsign::btc::builder::SpendBuilder;
use coldsign::hw::{DeviceError, Step};
use coldsign::i18n::Lang;
use coldsign::keys::keystore::KeystoreError;
use coldsign::keys::keystore_v3::V3Error;
use coldsign::keys::mnemonic::MnemonicError;
use coldsign::keys::xkey::XkeyError;
use coldsign::request::RequestError;
use coldsign::Error;
use common::btc::*;
use common::{Sandbox, ABANDON};

/// A sandbox with a keystore and the bad inputs of the cases below.
fn prepare() -> Sandbox {
    let sb = Sandbox::new();
    sb.restore(ABANDON).ok();
    let good = BASE64_STANDARD.encode(benign_spend().serialize());
    let mainnet = standard(&hd(ABANDON), "wpkh({0})", "m/84'/0'/0'");
    let foreign_network = SpendBuilder::new()
        .fund(&at(&mainnet, 0, 0), Amount::from_sat(100_000))
        .pay(outside(), Amount::from_sat(90_000))
        .build();
    for (name, data) in [
        ("good.psbt", good.clone()),
        ("truncated.psbt", good[..good.len() / 2].to_string()),
        ("exists.out", "do not overwrite".into()),
        ("wrong.txt", "not the password\n".into()),
        (
            "mainnet.psbt",
            BASE64_STANDARD.encode(foreign_network.serialize()),
        ),
        ("token-list.json", TOKEN_LIST.into()),
    ] {
        std::fs::write(sb.path(name), data).unwrap();
    }
    sb
}

/// A token list of one token (the EIP-55 example address).
const TOKEN_LIST: &str = r#"{"name": "Example list", "timestamp": "2026-01-01T00:00:00Z",
    "version": {"major": 1, "minor": 0, "patch": 0},
    "tokens": [{"chainId": 1, "address": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                "name": "Example", "symbol": "EXM", "decimals": 9}]}"#;

/// Bad inputs: arguments, the exit code, and a Japanese word the error line must hold.
const CASES: &[(&[&str], i32, &str)] = &[
    (&["inspect", "missing.psbt"], 6, "読み込めません"),
    (
        &["sign", "good.psbt", "-o", "exists.out", "--yes"],
        2,
        "上書きしません",
    ),
    (
        &["--password-file", "wrong.txt", "key", "show"],
        5,
        "パスワードが違います",
    ),
    (
        &["inspect", "truncated.psbt"],
        2,
        "有効な base64 ではありません",
    ),
    (
        &["sign", "mainnet.psbt", "-o", "s.psbt", "--yes"],
        1,
        "署名を拒否します",
    ),
    (
        &["address", "import-tokens", "token-list.json"],
        2,
        "確認が必要です",
    ),
    (
        &["sign", "good.psbt", "-o", "unconfirmed.psbt"],
        2,
        "署名には確認が必要です",
    ),
    (&["address", "remove", "nobody"], 2, "エントリはありません"),
    (
        &["wallet", "show", "nobody"],
        2,
        "という名前のウォレットは登録されていません",
    ),
    (
        &[
            "multisig",
            "create",
            "--threshold",
            "0",
            "--key",
            "[73c5da0a/48h/1h/0h/2h]tpubDFH9dgzveyD8zTbPUFuLrGmCydNvxehyNdUXKJAQN8x4aZ4j6UZqGfnqFrD4NqyaTVGKbvEW54tsvPTK2UoSbCC1PJY8iCNiwTL3RWZEheQ",
        ],
        2,
        "0-of-1 のウォレットは作れません",
    ),
];

fn run(sb: &Sandbox, lang: &[&str], args: &[&str]) -> common::Outcome {
    let mut full = vec!["--network", "regtest"];
    full.extend_from_slice(lang);
    if !args.contains(&"--password-file") {
        full.extend(["--password-file", "password.txt"]);
    }
    full.extend(["--keystore", "keystore.json"]);
    full.extend_from_slice(args);
    sb.run(&full, "")
}

/// Whether `text` holds Japanese (kana or CJK ideographs).
fn is_japanese(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
}

#[test]
fn errors_and_hints_are_japanese_and_exit_codes_unchanged() {
    let sb = prepare();
    for (args, code, word) in CASES {
        let english = run(&sb, &[], args);
        let japanese = run(&sb, &["--lang", "ja"], args);
        let shown = format!("{args:?}\n{}\n{}", english.stderr, japanese.stderr);
        assert_eq!(english.code, *code, "{shown}");
        assert_eq!(japanese.code, *code, "{shown}");
        let error = japanese.stderr.lines().find(|l| l.starts_with("エラー: "));
        let error = error.unwrap_or_else(|| panic!("no Japanese error line: {shown}"));
        assert!(error.contains(word) && is_japanese(error), "{shown}");
        assert!(english.stderr.lines().any(|l| l.starts_with("error: ")));
        let hints = |out: &common::Outcome, prefix: &str| {
            out.stderr.lines().filter(|l| l.starts_with(prefix)).count()
        };
        assert_eq!(
            hints(&english, "hint: "),
            hints(&japanese, "ヒント: "),
            "{shown}"
        );
        assert!(
            japanese
                .stderr
                .lines()
                .filter(|l| l.starts_with("ヒント: "))
                .all(is_japanese),
            "{shown}"
        );
    }
}

#[test]
fn json_errors_are_the_same_in_every_language() {
    let sb = prepare();
    for (args, code, _) in CASES {
        let mut json = vec!["--json"];
        json.extend_from_slice(args);
        let english = run(&sb, &[], &json);
        let japanese = run(&sb, &["--lang", "ja"], &json);
        assert_eq!(japanese.code, *code);
        assert_eq!(english.stdout, japanese.stdout, "{args:?}");
        assert!(english.json()["error"].is_string(), "{args:?}");
    }
}

/// Errors of every kind the catalogs say.
fn said_errors() -> Vec<Error> {
    let path = PathBuf::from("/tmp/k.json");
    let io = || std::io::Error::from(std::io::ErrorKind::NotFound);
    let mut errors = vec![
        Error::Exists(path.clone()),
        Error::PolicyDenied {
            rule: "bitcoin.max_per_tx".into(),
            detail: "2 BTC > 1 BTC".into(),
        },
        Error::Refused(vec!["btc.fee.high", "btc.dust"]),
        Error::Refused(vec!["btc.network.mismatch"]),
        Error::Internal("x".into()),
        Error::declined(coldsign::i18n::Text::new("error-declined-sign")),
        KeystoreError::Missing(path.clone()).into(),
        KeystoreError::WrongPassword(path.clone()).into(),
        KeystoreError::Malformed {
            path: path.clone(),
            reason: "bad json".into(),
        }
        .into(),
        V3Error::Malformed("x".into()).into(),
        V3Error::Unsupported("x".into()).into(),
        V3Error::WrongPassword.into(),
        V3Error::AddressMismatch {
            stated: "0xaa".into(),
            actual: "0xbb".into(),
        }
        .into(),
        MnemonicError::WordCount(11).into(),
        MnemonicError::UnknownWord {
            position: 3,
            word: "abandom".into(),
            list: "english",
            suggestions: vec!["abandon"],
        }
        .into(),
        MnemonicError::Checksum.into(),
        MnemonicError::EntropyLength(100).into(),
        MnemonicError::Language.into(),
        XkeyError::Base58.into(),
        XkeyError::Length(77).into(),
        XkeyError::Version("00000000".into()).into(),
        XkeyError::MasterFields.into(),
        XkeyError::KeyData("public").into(),
        RequestError::Empty.into(),
        RequestError::Unrecognised.into(),
        RequestError::BadText("hex").into(),
        RequestError::Psbt("x".into()).into(),
        RequestError::NotARequest("input").into(),
        RequestError::NotARequest("content of the ur:bytes transfer").into(),
        DeviceError::Declined.into(),
        DeviceError::Locked("Ledger").into(),
        DeviceError::WrongApp {
            expected: "Bitcoin",
            status: 0x6e01,
        }
        .into(),
        DeviceError::NotFound("Ledger").into(),
        DeviceError::Unavailable("no /dev/bus/usb".into()).into(),
        DeviceError::Transport("x".into()).into(),
        DeviceError::Protocol("x".into()).into(),
        DeviceError::Refused {
            app: "Bitcoin",
            status: 0x6a82,
        }
        .into(),
        DeviceError::Timeout {
            device: "Trezor",
            after: std::time::Duration::from_secs(300),
        }
        .into(),
        DeviceError::Locked("Ledger")
            .during("ledger", Step::Xpub("m/84'/0'/0'".into()))
            .into(),
        DeviceError::Refused {
            app: "Bitcoin",
            status: 0x6a82,
        }
        .during("ledger", Step::Address("m/44'/0'/0'/0/0".into()))
        .into(),
        DeviceError::Refused {
            app: "Ethereum",
            status: 0x6a82,
        }
        .during("ledger", Step::EthAddress("m/44'/60'/0'/0/0".into()))
        .into(),
    ];
    for action in [
        "cannot read",
        "cannot write",
        "cannot create",
        "cannot append to",
        "cannot create directory",
        "cannot remove",
    ] {
        errors.push(Error::File {
            action,
            path: path.clone(),
            source: io(),
        });
    }
    errors
}

#[test]
fn the_english_catalog_says_each_error_byte_for_byte() {
    for e in said_errors() {
        let said = e
            .catalog_texts()
            .unwrap_or_else(|| panic!("{e} is not in the catalogs"));
        assert_eq!(said.message.english(), e.to_string());
        assert_eq!(said.hint.as_ref().map(|h| h.english()), e.hint(), "{e}");
        let japanese = said.message.in_lang(Lang::Ja);
        assert!(is_japanese(&japanese), "{e}: {japanese}");
        assert_ne!(japanese, e.to_string());
    }
}

#[test]
fn values_reach_the_japanese_error_unchanged() {
    let e = Error::from(KeystoreError::WrongPassword(PathBuf::from("/v/ks 1.json")));
    let said = e.catalog_texts().unwrap();
    assert!(said.message.in_lang(Lang::Ja).contains("/v/ks 1.json"));
    let e = Error::File {
        action: "cannot read",
        path: PathBuf::from("x.psbt"),
        source: std::io::Error::from_raw_os_error(2),
    };
    let japanese = e.catalog_texts().unwrap().message.in_lang(Lang::Ja);
    assert!(japanese.contains("x.psbt"));
    assert!(japanese.contains("(os error 2)"));
}

#[test]
fn usage_errors_said_by_the_catalogs_keep_their_english() {
    use coldsign::i18n::Text;
    let cases = [
        (
            Text::new("hint-no-password").arg("variable", "COLDSIGN_PASSWORD"),
            "pass --password-file FILE or set COLDSIGN_PASSWORD",
        ),
        (
            Text::new("error-derivation-path")
                .arg("path", "\"m/x\"")
                .arg("reason", "invalid child number format"),
            "invalid derivation path \"m/x\": invalid child number format",
        ),
        (
            Text::new("hint-derivation-path-eth"),
            "write it like m/44'/60'/0'/0/0",
        ),
        (
            Text::new("error-device-too-many-accounts")
                .arg("count", 9)
                .arg("max", 8),
            "the PSBT names 9 account paths of this device; at most 8 are read",
        ),
        (
            Text::new("error-policy-invalid")
                .arg("path", "p.toml")
                .text_arg("reason", Text::new("error-request-empty")),
            "policy p.toml: the input is empty",
        ),
        (
            Text::new("error-book-address-listed")
                .arg("address", "bcrt1qexample")
                .arg("label", "\"cold\""),
            "bcrt1qexample is already in the book as \"cold\"",
        ),
    ];
    for (text, english) in cases {
        assert_eq!(text.english(), english);
        assert!(is_japanese(&text.in_lang(Lang::Ja)), "{english}");
    }
}

#[test]
fn a_decline_is_japanese_with_the_same_exit_code() {
    let sb = Sandbox::new();
    sb.restore(ABANDON).ok();
    let theirs = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh";
    let verify = |lang: &[&str]| {
        let args = ["address", "verify", theirs, "--gap", "20"];
        let full: Vec<&str> = lang.iter().chain(&args).copied().collect();
        sb.run_keyed(&full, "")
    };
    let english = verify(&[]).fails_with(1);
    let japanese = verify(&["--lang", "ja"]);
    assert_eq!(japanese.code, 1, "{}", japanese.stderr);
    let says = |out: &common::Outcome, line: &str| out.stderr.lines().any(|l| l == line);
    assert!(
        says(&english, &format!("error: {theirs} is NOT ours: not in standard accounts 0..3 nor in 0 registered wallet(s), indexes 0..20 on receive and change")),
        "{}",
        english.stderr
    );
    assert!(
        says(&japanese, &format!("エラー: {theirs} は自分のアドレスではありません: 標準アカウント 0..3 にも登録済みウォレット 0 個にも（受取・お釣りのインデックス 0..20）見つかりません")),
        "{}",
        japanese.stderr
    );
}

#[test]
fn a_failed_verification_is_japanese_with_the_same_exit_code_and_json() {
    let sb = prepare();
    // The imported tokens changed outside coldsign: signing stops before the review.
    std::fs::write(sb.path("tokens.json"), TOKEN_LIST).unwrap();
    let args = ["sign", "good.psbt", "-o", "s.psbt", "--yes"];
    let english = run(&sb, &[], &args);
    let japanese = run(&sb, &["--lang", "ja"], &args);
    assert_eq!((english.code, japanese.code), (4, 4), "{}", japanese.stderr);
    assert!(
        english
            .stderr
            .contains("error: the imported tokens (tokens.json) changed outside coldsign: sha256 "),
        "{}",
        english.stderr
    );
    assert!(
        japanese.stderr.contains(
            "エラー: インポートしたトークン（tokens.json）が coldsign の外で変更されました: sha256 "
        ),
        "{}",
        japanese.stderr
    );
    let json: Vec<&str> = ["--json"].iter().chain(&args).copied().collect();
    let (english, japanese) = (run(&sb, &[], &json), run(&sb, &["--lang", "ja"], &json));
    assert_eq!(english.stdout, japanese.stdout);
    assert_eq!(
        english.json()["code"],
        "verification_failed",
        "{}",
        english.stdout
    );
}

#[test]
fn an_argument_error_keeps_clap_s_words_under_japanese_labels() {
    let sb = Sandbox::new();
    let english = sb.run(&["sign", "--no-such-flag"], "");
    let japanese = sb.run(&["--lang", "ja", "sign", "--no-such-flag"], "");
    assert_eq!((english.code, japanese.code), (2, 2));
    assert!(english
        .stderr
        .contains("\nhint: run with --help to see the accepted arguments"));
    assert!(
        japanese.stderr.starts_with("エラー: ")
            && japanese
                .stderr
                .contains("\nヒント: --help で受け付ける引数を確認してください"),
        "{}",
        japanese.stderr
    );
    let json = |lang: &[&str]| {
        let args: Vec<&str> = lang
            .iter()
            .chain(&["--json", "sign", "--no-such-flag"])
            .copied()
            .collect();
        sb.run(&args, "").stdout
    };
    assert_eq!(json(&[]), json(&["--lang", "ja"]));
}
