//! The operator's language: the catalogs are complete and clean, and the language never
//! changes what a machine reads.

use std::collections::BTreeSet;

use coldsign::i18n::{Lang, Phrase, Text, LANGS};

/// The message identifiers a catalog defines (lines `id = …` outside comments).
fn ids(lang: Lang) -> BTreeSet<String> {
    lang.catalog()
        .iter()
        .flat_map(|source| source.lines())
        .filter(|line| line.starts_with(|c: char| c.is_ascii_alphabetic()))
        .filter_map(|line| line.split_once(" =").map(|(id, _)| id.trim().to_string()))
        .collect()
}

#[test]
fn every_catalog_parses_without_errors() {
    for lang in LANGS {
        for source in lang.catalog() {
            if let Err((_, errors)) = fluent_bundle::FluentResource::try_new(source.to_string()) {
                panic!("the {} catalog does not parse: {errors:?}", lang.tag());
            }
        }
    }
}

#[test]
fn every_message_exists_in_every_language() {
    let english = ids(Lang::En);
    assert!(!english.is_empty());
    for lang in LANGS {
        let theirs: BTreeSet<String> = ids(lang).into_iter().filter(|id| !is_help(id)).collect();
        let missing: Vec<_> = english.difference(&theirs).collect();
        let extra: Vec<_> = theirs.difference(&english).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.tag());
        assert!(extra.is_empty(), "{} has unknown {extra:?}", lang.tag());
        for id in &english {
            assert!(
                coldsign::i18n::has(lang, id),
                "{} cannot load {id}",
                lang.tag()
            );
        }
    }
}

#[test]
fn the_locale_picks_the_language_and_english_is_the_fallback() {
    assert_eq!(Lang::from_tag("ja_JP.UTF-8"), Some(Lang::Ja));
    assert_eq!(Lang::from_tag("ja-JP"), Some(Lang::Ja));
    assert_eq!(Lang::from_tag("ja"), Some(Lang::Ja));
    assert_eq!(Lang::from_tag("C"), Some(Lang::En));
    assert_eq!(Lang::from_tag("C.UTF-8"), Some(Lang::En));
    assert_eq!(Lang::from_tag("en_US.UTF-8"), Some(Lang::En));
    assert_eq!(Lang::from_tag("fr_FR.UTF-8"), None);
    let missing = Text::new("no-such-message");
    assert_eq!(missing.in_lang(Lang::Ja), "no-such-message");
    assert_eq!(Text::new("language-name").in_lang(Lang::Ja), "日本語");
    assert_eq!(Text::new("language-name").in_lang(Lang::En), "English");
}

/// Whether `id` is a `--help` text (Japanese only: English is in the doc comments).
fn is_help(id: &str) -> bool {
    id == "help" || id.starts_with("help-")
}

#[test]
fn every_help_text_names_a_real_command_or_option() {
    let keys = coldsign::i18n::help::keys(&coldsign::cli::command());
    for lang in LANGS {
        let unknown: Vec<_> = ids(lang)
            .into_iter()
            .filter(|id| is_help(id) && !keys.contains(id))
            .collect();
        assert!(
            unknown.is_empty(),
            "{}: no such command or option: {unknown:?}",
            lang.tag()
        );
    }
}

#[test]
fn help_is_shown_in_japanese_and_the_parse_is_unchanged() {
    let help = |lang: Lang| {
        let mut cmd = coldsign::i18n::help::localize(coldsign::cli::command(), lang);
        let sign = cmd.find_subcommand_mut("sign").expect("sign");
        sign.render_long_help().to_string()
    };
    let ja = help(Lang::Ja);
    assert!(ja.contains("使い方:"), "{ja}");
    assert!(ja.contains("質問せずに署名する"), "{ja}");
    assert!(help(Lang::En).contains("Sign without asking"));
    let parsed = coldsign::i18n::help::localize(coldsign::cli::command(), Lang::Ja)
        .try_get_matches_from([
            "coldsign", "--lang", "ja", "sign", "x.psbt", "-o", "-", "--yes",
        ])
        .expect("parses");
    let (name, sign) = parsed.subcommand().expect("a command");
    assert_eq!(name, "sign");
    assert!(sign.get_flag("yes"));
}

/// The signing-side commands (paths joined with `-`) whose `--help` the operator reads in Japanese.
const SIGNING_SIDE: &[&str] = &[
    "inspect",
    "digest",
    "sign",
    "approve",
    "approver-key",
    "demo",
    "finalize",
    "combine",
    "convert",
    "verify-binary",
    "qr",
    "qr-show",
    "qr-read",
    "eth",
    "eth-inspect",
    "eth-sign",
    "eth-message",
    "message",
    "message-sign",
    "message-verify",
    "message-finalize",
    "key",
    "key-new",
    "key-restore",
    "key-show",
    "key-export",
    "key-passwd",
    "key-import-v3",
    "key-export-v3",
    "wallet",
    "wallet-import",
    "wallet-show",
    "wallet-list",
    "multisig",
    "multisig-create",
    "address",
    "address-add",
    "address-list",
    "address-remove",
    "address-import-tokens",
    "address-verify",
    "device",
    "device-list",
    "device-xpub",
    "device-address",
    "device-register",
    "log",
    "log-verify",
    "log-export",
    "log-attest",
    "registry",
    "registry-import",
    "registry-list",
    "registry-show",
    "registry-remove",
];

#[test]
fn every_signing_side_help_text_is_in_japanese() {
    let cli = coldsign::cli::command();
    let keys = coldsign::i18n::help::keys(&cli);
    let global: BTreeSet<String> = cli
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .chain(["help".to_string(), "version".to_string()])
        .collect();
    let mut missing = Vec::new();
    for path in SIGNING_SIDE {
        let command = format!("help-{path}");
        assert!(keys.contains(&command), "no command {path}");
        let own = keys.iter().filter(|key| {
            **key == command
                || key
                    .strip_prefix(&format!("{command}--"))
                    .is_some_and(|id| !global.contains(id))
        });
        missing.extend(own.filter(|key| !coldsign::i18n::has(Lang::Ja, key)));
    }
    assert!(missing.is_empty(), "no Japanese --help for {missing:?}");
}
/// The warning codes docs/warnings.md documents (the first column of its tables).
fn documented_codes() -> BTreeSet<String> {
    include_str!("../docs/warnings.md")
        .lines()
        .filter_map(|line| line.strip_prefix("| `"))
        .filter_map(|rest| rest.split_once('`').map(|(code, _)| code.to_string()))
        .filter(|code| code.contains('.'))
        .collect()
}

/// The message identifier prefix of a warning code: `btc.fee.high` → `warning-btc-fee-high`.
fn warning_id(code: &str) -> String {
    format!("warning-{}", code.replace(['.', '_'], "-"))
}

#[test]
fn every_documented_warning_code_has_a_message_in_every_language() {
    let codes = documented_codes();
    assert!(codes.len() > 50, "docs/warnings.md lists {codes:?}");
    for lang in LANGS {
        let ids = ids(lang);
        for code in &codes {
            let id = warning_id(code);
            let found = ids
                .iter()
                .any(|i| *i == id || i.strip_prefix(&id).is_some_and(|s| s.starts_with('-')));
            assert!(found, "{} has no message for {code} ({id})", lang.tag());
        }
    }
}

/// The identifiers starting with `prefix` (`warning-`, `error-`) the library's source uses.
fn used_ids(dir: &std::path::Path, prefix: &str, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            used_ids(&path, prefix, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let source = std::fs::read_to_string(&path).unwrap();
            for piece in source.split(&format!("\"{prefix}")).skip(1) {
                let id: String = piece
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                    .collect();
                out.insert(format!("{prefix}{id}"));
            }
        }
    }
}

#[test]
fn every_warning_message_the_code_uses_is_in_the_catalogs() {
    let mut used = BTreeSet::new();
    used_ids(&source_dir(), "warning-", &mut used);
    assert!(used.len() > 50, "found only {used:?}");
    assert_in_every_catalog(&used);
}

/// Asserts that every message of `used` is in every language's catalog.
fn assert_in_every_catalog(used: &BTreeSet<String>) {
    for lang in LANGS {
        let theirs = ids(lang);
        let missing: Vec<_> = used.difference(&theirs).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.tag());
    }
}

/// The library's source folder.
fn source_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn every_error_and_hint_message_the_code_uses_is_in_the_catalogs() {
    let mut used = BTreeSet::new();
    used_ids(&source_dir(), "error-", &mut used);
    used_ids(&source_dir(), "hint-", &mut used);
    assert!(used.len() > 40, "found only {used:?}");
    assert_in_every_catalog(&used);
}

/// Whether `text` holds Japanese (kana or CJK ideographs).
fn is_japanese(text: &str) -> bool {
    text.chars()
        .any(|c| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}'))
}

#[test]
fn japanese_warnings_keep_every_value_unchanged() {
    let address = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh";
    let entry = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlx";
    let spender = "0x000000000022D473030F116dDEE9F6B43aC78BA3";
    let token = "USDC (0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48)";
    let cases = [
        (
            Text::new("warning-btc-fee-negative")
                .arg("outputs", "150000")
                .arg("inputs", "100000"),
            vec!["150000", "100000"],
        ),
        (
            Text::new("warning-fee-high-fraction")
                .arg("fee", "250000")
                .arg("percent", "12.5")
                .arg("base_kind", "sent")
                .arg("base", "2000000"),
            vec!["250000", "12.5%", "2000000"],
        ),
        (
            Text::new("warning-addr-lookalike-output")
                .arg("index", 1)
                .arg("address", address)
                .arg("label", "\"cold storage\"")
                .arg("entry", entry),
            vec![address, entry, "\"cold storage\""],
        ),
        (
            Text::new("warning-btc-path-unusual")
                .arg("what", "output")
                .arg("index", 0)
                .arg("path", "m/84'/0'/0'/0/200000"),
            vec!["m/84'/0'/0'/0/200000"],
        ),
        (
            Text::new("warning-eth-erc20-unlimited-approval")
                .arg("place", "call")
                .arg("spender", spender)
                .arg("token", token),
            vec![spender, token],
        ),
        (
            Text::new("warning-eth-fee-high")
                .arg("gwei", "2000")
                .arg("gas", "21000")
                .arg("cost", "0.042 ETH"),
            vec!["2000 gwei", "21000", "0.042 ETH"],
        ),
    ];
    for (text, values) in cases {
        let ja = text.in_lang(Lang::Ja);
        assert!(is_japanese(&ja), "{} is not Japanese: {ja}", text.key);
        assert_ne!(ja, text.english());
        for value in values {
            assert!(ja.contains(value), "{} lost {value:?}: {ja}", text.key);
            assert!(text.english().contains(value), "{}", text.key);
        }
    }
}

#[test]
fn selected_variants_give_the_english_wording() {
    let fee = |kind: &str| {
        Text::new("warning-fee-high-fraction")
            .arg("fee", 20000)
            .arg("percent", "20.0")
            .arg("base_kind", kind)
            .arg("base", 100000)
            .english()
    };
    assert_eq!(
        fee("sent"),
        "the fee (20000 sat) is 20.0% of the amount sent (100000 sat)"
    );
    assert_eq!(
        fee("moved"),
        "the fee (20000 sat) is 20.0% of the amount moved (100000 sat)"
    );
    let path = |what: &str| {
        Text::new("warning-btc-path-unusual")
            .arg("what", what)
            .arg("index", 2)
            .arg("path", "m/1'/0'/0'")
            .in_lang(Lang::Ja)
    };
    assert!(path("input").starts_with("入力 2 "), "{}", path("input"));
    assert!(path("output").starts_with("出力 2 "), "{}", path("output"));
}

#[test]
fn nested_texts_and_lists_are_said_in_the_language_of_the_whole() {
    let allows = Text::list([
        Text::new("warning-btc-psbt-modifiable-inputs"),
        Text::new("warning-btc-psbt-modifiable-outputs"),
        Text::new("warning-btc-psbt-modifiable-undefined").arg("bits", "0x08"),
    ])
    .unwrap();
    let whole = Text::new("warning-btc-psbt-modifiable")
        .arg("flags", "0x0b")
        .text_arg("allows", allows);
    assert_eq!(
        whole.english(),
        "the PSBT's modifiable flags (0x0b) say: inputs may still be added or removed; \
         outputs may still be added or removed; undefined bits 0x08 whose meaning no \
         specification gives"
    );
    let ja = whole.in_lang(Lang::Ja);
    assert!(is_japanese(&ja) && !ja.contains("added"), "{ja}");
    assert!(ja.contains("0x0b") && ja.contains("0x08"), "{ja}");
    assert!(Text::list([]).is_none());
}

#[test]
fn a_phrase_reads_as_its_english_wherever_it_is_data() {
    let phrase = Phrase::from(
        Text::new("review-relative-blocks")
            .arg("blocks", 144)
            .arg("plural", "other"),
    );
    assert_eq!(&*phrase, "144 blocks after the spent coin confirms");
    assert_eq!(phrase.to_string(), &*phrase);
    assert_eq!(
        serde_json::to_string(&phrase).unwrap(),
        "\"144 blocks after the spent coin confirms\""
    );
    let ja = phrase.text().in_lang(Lang::Ja);
    assert!(is_japanese(&ja) && ja.contains("144"), "{ja}");
}

#[test]
fn clap_annotations_and_the_help_command_are_said_in_japanese() {
    let rendered = |lang: Lang, long: bool, path: &[&str]| {
        let mut cmd = coldsign::i18n::help::localize(coldsign::cli::command(), lang);
        cmd.build();
        let mut at = &mut cmd;
        for name in path {
            at = at.find_subcommand_mut(name).expect("a command");
        }
        if long {
            at.render_long_help().to_string()
        } else {
            at.render_help().to_string()
        }
    };
    let long = rendered(Lang::Ja, true, &["sign"]);
    for piece in [
        "指定できる値:\n",
        "- bitcoin: ビットコインのメインネット",
        "- ledger: Bitcoin アプリ",
        "[既定: 18]",
    ] {
        assert!(long.contains(piece), "{piece:?} missing from\n{long}");
    }
    assert!(
        !long.contains("Possible values") && !long.contains("[default:"),
        "{long}"
    );
    let short = rendered(Lang::Ja, false, &["sign"]);
    assert!(
        short.contains("[指定できる値: bitcoin, testnet, signet, regtest]"),
        "{short}"
    );
    let root = rendered(Lang::Ja, false, &[]);
    assert!(
        root.contains("このメッセージ、または指定したサブコマンドのヘルプを表示"),
        "{root}"
    );
    // English keeps clap's own words.
    let english = rendered(Lang::En, true, &["sign"]);
    assert!(english.contains("Possible values:") && english.contains("[default: 18]"));
    assert!(rendered(Lang::En, false, &[]).contains("Print this message or the help"));
}

#[test]
fn counts_and_reasons_built_inside_lines_keep_their_english() {
    use coldsign::review::bitcoin::signatures::SignatureCount;
    let count = SignatureCount {
        present: 1,
        needed: 2,
    };
    assert_eq!(count.said().english(), count.to_string());
    let missing = Text::new("finalize-missing-signatures").text_arg("count", count.said());
    assert_eq!(
        missing.english(),
        "it has 1 of 2 signatures; collect the missing signatures"
    );
    let ja = missing.in_lang(Lang::Ja);
    assert!(is_japanese(&ja) && ja.contains("1 / 2"), "{ja}");
    let unbalanced = Text::new("balance-input-amount-unknown").arg("index", 3);
    assert_eq!(
        unbalanced.english(),
        "input 3's amount is unknown, so the fee cannot be known and the totals cannot balance"
    );
}

#[test]
fn why_text_is_deceptive_is_said_in_japanese_with_the_word_unchanged() {
    let (_, reasons) =
        coldsign::review::text::suspicious_text("login to p\u{0430}ypal\u{200b} now").unwrap();
    let reasons = Text::comma_list(reasons).unwrap();
    assert_eq!(
        reasons.english(),
        "invisible character U+200B, look-alike letters: \"pаypal\" mixes Latin and Cyrillic letters"
    );
    let ja = reasons.in_lang(Lang::Ja);
    assert!(
        ja.contains("\"pаypal\"") && ja.contains("ラテンとキリル"),
        "{ja}"
    );
    assert!(ja.contains("見えない文字 U+200B"), "{ja}");
}
