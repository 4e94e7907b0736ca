//! The operator's language: the catalogs are complete and clean, and the language never
//! changes what a machine reads.

use std::collections::BTreeSet;

use coldsign::i18n::{Lang, Text, LANGS};

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
