//! `key new --dice`: Coldcard's documented dice computation, reproduced byte for byte.

mod common;

use coldsign::keys::dice::DiceRolls;
use coldsign::keys::mnemonic::WordList;
use common::Sandbox;
use serde_json::Value;

fn fixture() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/dice-coldcard.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn roll_hashes_equal_coldcards_documented_values() {
    for case in fixture()["documented"].as_array().unwrap() {
        let rolls = DiceRolls::parse(case["rolls"].as_str().unwrap()).unwrap();
        assert_eq!(hex(rolls.sha256().as_slice()), case["sha256"]);
    }
}

#[test]
fn words_equal_coldcards_rolls_scripts() {
    for case in fixture()["mnemonics"].as_array().unwrap() {
        let words = case["words"].as_str().unwrap();
        let count = words.split(' ').count();
        let rolls = DiceRolls::parse(case["rolls"].as_str().unwrap()).unwrap();
        assert_eq!(hex(rolls.sha256().as_slice()), case["sha256"]);
        let mnemonic = rolls.mnemonic(count, WordList::English).unwrap();
        assert_eq!(*mnemonic.expose_phrase(), words, "{}", case["script"]);
    }
}

#[test]
fn key_new_dice_from_stdin_writes_the_coldcard_words() {
    let case = &fixture()["mnemonics"][0];
    let rolls = case["rolls"].as_str().unwrap();
    let sb = Sandbox::new();
    // Spaces and line breaks between the rolls do not change the result.
    let typed: String = rolls
        .as_bytes()
        .chunks(10)
        .map(|c| format!("{} ", std::str::from_utf8(c).unwrap()))
        .collect::<String>()
        + "\n";
    let out = sb
        .run_keyed(&["--json", "key", "new", "--dice", "--no-confirm"], &typed)
        .ok();
    assert_eq!(out.json()["mnemonic"], case["words"]);
    assert!(out.stderr.contains("sha256sum"), "{}", out.stderr);
}

#[test]
fn key_new_dice_refuses_too_few_rolls_and_other_digits() {
    let sb = Sandbox::new();
    let short = "6".repeat(98);
    sb.run_keyed(&["key", "new", "--dice", "--no-confirm"], &short)
        .fails_with(2);
    sb.run_keyed(
        &["key", "new", "--dice", "--no-confirm", "--words", "12"],
        &"7".repeat(60),
    )
    .fails_with(2);
    assert!(!sb.keystore().exists());
}

#[test]
fn mixing_the_os_rng_says_so_and_changes_the_words() {
    let case = &fixture()["mnemonics"][1];
    let sb = Sandbox::new();
    let out = sb
        .run_keyed(
            &[
                "--json",
                "key",
                "new",
                "--dice",
                "--mix-os-rng",
                "--words",
                "12",
                "--no-confirm",
            ],
            case["rolls"].as_str().unwrap(),
        )
        .ok();
    assert_ne!(out.json()["mnemonic"], case["words"]);
    assert_eq!(
        out.json()["mnemonic"].as_str().unwrap().split(' ').count(),
        12
    );
    assert!(
        out.stderr.contains("can NOT be reproduced"),
        "{}",
        out.stderr
    );
}
