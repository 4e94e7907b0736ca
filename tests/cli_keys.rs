//! The key commands, run through the real binary.

mod common;

use common::{find_secret, secret_needles, Sandbox, ABANDON, LEGAL};
use std::os::unix::fs::PermissionsExt;

#[test]
fn restore_then_show_reports_the_standard_fingerprint_and_addresses() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let shown = sb.run_keyed(&["--json", "key", "show"], "").ok().json();
    assert_eq!(shown["fingerprint"], "73c5da0a");
    assert_eq!(shown["network"], "bitcoin");
    let account = |standard: &str| {
        shown["bitcoin"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["standard"] == standard)
            .unwrap()
            .clone()
    };
    assert_eq!(
        account("bip84")["first_receive"],
        "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    );
    assert_eq!(
        account("bip84")["first_change"],
        "bc1q8c6fshw2dlwun7ekn9qwf37cu2rn755upcp6el"
    );
    assert_eq!(
        account("bip86")["first_receive"],
        "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr"
    );
    assert_eq!(
        account("bip49")["first_receive"],
        "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf"
    );
    assert_eq!(
        account("bip44")["first_receive"],
        "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"
    );
    assert_eq!(account("bip48")["path"], "m/48'/0'/0'/2'");
    assert!(account("bip48")["key"]
        .as_str()
        .unwrap()
        .starts_with("[73c5da0a/48'/0'/0'/2']xpub"));
    let descriptor = account("bip84")["descriptor"].as_str().unwrap().to_string();
    assert!(descriptor.starts_with("wpkh([73c5da0a/84'/0'/0']xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V/<0;1>/*)#"));
    assert_eq!(
        shown["ethereum"][0]["address"],
        "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
    );
    assert_eq!(shown["ethereum"][0]["path"], "m/44'/60'/0'/0/0");
}

#[test]
fn testnet_keys_use_coin_type_one_and_tpubs() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let shown = sb
        .run_keyed(
            &["--json", "--network", "testnet", "key", "show", "--slip132"],
            "",
        )
        .ok()
        .json();
    let bip84 = &shown["bitcoin"][0];
    assert_eq!(bip84["path"], "m/84'/1'/0'");
    assert!(bip84["xpub"].as_str().unwrap().starts_with("tpub"));
    assert!(bip84["slip132"].as_str().unwrap().starts_with("vpub"));
    // BIP84's own test vector for this mnemonic's testnet-free account is mainnet; the first
    // testnet receive address is the well-known one every wallet derives.
    assert_eq!(
        bip84["first_receive"],
        "tb1q6rz28mcfaxtmd6v789l9rrlrusdprr9pqcpvkl"
    );
}

#[test]
fn ledger_live_layout_and_slip132_forms() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let shown = sb
        .run_keyed(
            &[
                "--json",
                "key",
                "show",
                "--ledger-live",
                "--eth-count",
                "2",
                "--slip132",
            ],
            "",
        )
        .ok()
        .json();
    assert_eq!(shown["ethereum"][1]["path"], "m/44'/60'/1'/0/0");
    assert_eq!(
        shown["ethereum"][0]["address"],
        "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
    );
    let bip84 = &shown["bitcoin"][0];
    // BIP84 test vector: the account zpub of "abandon … about".
    assert_eq!(bip84["slip132"], "zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868RvUUkgDKf31mGDtKsAYz2oz2AGutZYs");
}

#[test]
fn watch_only_export_text_json_and_file() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let text = sb
        .run_keyed(&["key", "export", "--watch-only"], "")
        .ok()
        .stdout;
    let descriptors: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(descriptors.len(), 4, "{text}");
    assert!(descriptors
        .iter()
        .all(|d| d.contains("/<0;1>/*") && d.contains('#')));
    let json = sb
        .run_keyed(&["--json", "key", "export", "--watch-only"], "")
        .ok()
        .json();
    assert_eq!(json["fingerprint"], "73c5da0a");
    let out = sb.path("watch.json");
    sb.run_keyed(
        &[
            "--json",
            "key",
            "export",
            "--watch-only",
            "-o",
            out.to_str().unwrap(),
        ],
        "",
    )
    .ok();
    assert!(out.exists());
    // The output file is never replaced silently.
    let again = sb
        .run_keyed(
            &["key", "export", "--watch-only", "-o", out.to_str().unwrap()],
            "",
        )
        .fails_with(2);
    assert!(again.stderr.contains("refusing to overwrite"));
    // Without --watch-only nothing is exported.
    sb.run_keyed(&["key", "export"], "").fails_with(2);
}

#[test]
fn keystore_file_is_private_and_holds_no_secret_in_any_encoding() {
    let sb = Sandbox::new();
    sb.restore(LEGAL);
    let mode = std::fs::metadata(sb.keystore())
        .unwrap()
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let needles = secret_needles(LEGAL);
    let bytes = std::fs::read(sb.keystore()).unwrap();
    assert_eq!(find_secret(&bytes, &needles), None);
    // The scanner itself finds what it looks for.
    assert!(find_secret(needles[5].as_bytes(), &needles).is_some());
}

#[test]
fn existing_keystore_is_never_replaced_without_force() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let before = std::fs::read(sb.keystore()).unwrap();
    let refused = sb
        .run_keyed(&["key", "restore"], &format!("{LEGAL}\n"))
        .fails_with(2);
    assert!(refused.stderr.contains("--force"), "{}", refused.stderr);
    assert_eq!(std::fs::read(sb.keystore()).unwrap(), before);
    sb.run_keyed(&["key", "restore", "--force"], &format!("{LEGAL}\n"))
        .ok();
    let shown = sb.run_keyed(&["--json", "key", "show"], "").ok().json();
    assert_ne!(shown["fingerprint"], "73c5da0a");
}

#[test]
fn wrong_password_has_its_own_exit_code_and_changes_nothing() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    std::fs::write(sb.path("wrong.txt"), "not it\n").unwrap();
    let ks = sb.keystore();
    let out = sb
        .run(
            &[
                "--keystore",
                ks.to_str().unwrap(),
                "--password-file",
                "wrong.txt",
                "key",
                "show",
            ],
            "",
        )
        .fails_with(5);
    assert!(out.stderr.contains("wrong password"));
    let json = sb.run(
        &[
            "--json",
            "--keystore",
            ks.to_str().unwrap(),
            "--password-file",
            "wrong.txt",
            "key",
            "show",
        ],
        "",
    );
    assert_eq!(json.code, 5);
    assert_eq!(json.json()["code"], "wrong_password");
}

#[test]
fn password_from_environment_and_passwd() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let ks = sb.keystore();
    std::fs::write(sb.path("new.txt"), "a new password\n").unwrap();
    sb.run_keyed(&["key", "passwd", "--new-password-file", "new.txt"], "")
        .ok();
    sb.run_keyed(&["key", "show"], "").fails_with(5);
    let mut cmd = sb.command();
    cmd.env("COLDSIGN_PASSWORD", "a new password");
    let shown = sb
        .run_with(
            cmd,
            &["--json", "--keystore", ks.to_str().unwrap(), "key", "show"],
            "",
        )
        .ok()
        .json();
    assert_eq!(shown["fingerprint"], "73c5da0a");
    assert_eq!(
        std::fs::metadata(&ks).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn default_keystore_lives_under_the_xdg_data_dir() {
    let sb = Sandbox::new();
    sb.run(
        &["--password-file", "password.txt", "key", "restore"],
        &format!("{ABANDON}\n"),
    )
    .ok();
    assert!(sb.path("data/coldsign/keystore.json").exists());
    let mut cmd = sb.command();
    cmd.env("COLDSIGN_KEYSTORE", sb.path("data/coldsign/keystore.json"));
    sb.run_with(cmd, &["--password-file", "password.txt", "key", "show"], "")
        .ok();
}

#[test]
fn bad_words_are_explained() {
    let sb = Sandbox::new();
    let typo = ABANDON.replacen("about", "abuot", 1);
    let out = sb.run_keyed(&["key", "restore"], &typo).fails_with(2);
    assert!(out.stderr.contains("word 12"), "{}", out.stderr);
    assert!(
        out.stderr.contains("hint: did you mean: about"),
        "{}",
        out.stderr
    );
    let checksum = ABANDON.replacen("about", "abandon", 1);
    let out = sb.run_keyed(&["key", "restore"], &checksum).fails_with(2);
    assert!(out.stderr.contains("checksum"), "{}", out.stderr);
    sb.run_keyed(&["key", "restore"], "abandon abandon abandon")
        .fails_with(2);
    sb.run_keyed(&["key", "restore"], "").fails_with(2);
    assert!(!sb.keystore().exists());
}

#[test]
fn passphrase_changes_the_wallet() {
    let sb = Sandbox::new();
    std::fs::write(sb.path("passphrase.txt"), "TREZOR\n").unwrap();
    sb.run_keyed(
        &["key", "restore", "--passphrase-file", "passphrase.txt"],
        ABANDON,
    )
    .ok();
    let shown = sb.run_keyed(&["--json", "key", "show"], "").ok().json();
    // BIP39 vector: "abandon … about" with passphrase TREZOR has seed c55257c3…; its master
    // fingerprint differs from 73c5da0a.
    assert_ne!(shown["fingerprint"], "73c5da0a");
    let header: serde_json::Value =
        serde_json::from_slice(&std::fs::read(sb.keystore()).unwrap()).unwrap();
    assert_eq!(header["header"]["fingerprint"], shown["fingerprint"]);
}

#[test]
fn key_new_creates_words_once_and_refuses_unconfirmed_scripted_use() {
    let sb = Sandbox::new();
    // Not a terminal and no --no-confirm: refused before anything is generated or written.
    sb.run_keyed(&["key", "new"], "").fails_with(2);
    assert!(!sb.keystore().exists());
    let created = sb
        .run_keyed(
            &["--json", "key", "new", "--no-confirm", "--words", "12"],
            "",
        )
        .ok()
        .json();
    let words = created["mnemonic"].as_str().unwrap().to_string();
    assert_eq!(words.split_whitespace().count(), 12);
    let shown = sb.run_keyed(&["--json", "key", "show"], "").ok().json();
    assert_eq!(shown["fingerprint"], created["fingerprint"]);
    // The words appear nowhere but in that one-time display.
    let needles = secret_needles(&words);
    let later = sb
        .transcript()
        .split_once("key show")
        .unwrap()
        .1
        .to_string();
    assert_eq!(find_secret(later.as_bytes(), &needles), None);
    assert_eq!(
        find_secret(&std::fs::read(sb.keystore()).unwrap(), &needles),
        None
    );
    sb.run_keyed(&["key", "new", "--no-confirm", "--words", "13"], "")
        .fails_with(2);
}

#[test]
fn japanese_key_new_uses_the_ideographic_space() {
    let sb = Sandbox::new();
    let out = sb
        .run_keyed(
            &["key", "new", "--no-confirm", "--language", "japanese"],
            "",
        )
        .ok();
    assert!(out.stdout.contains("24."), "{}", out.stdout);
    let json = Sandbox::new();
    let created = json
        .run_keyed(
            &[
                "--json",
                "key",
                "new",
                "--no-confirm",
                "--language",
                "japanese",
            ],
            "",
        )
        .ok()
        .json();
    let words = created["mnemonic"].as_str().unwrap();
    assert_eq!(words.split('\u{3000}').count(), 24);
    // The words restore to the same wallet.
    let again = Sandbox::new();
    again.restore(words);
    assert_eq!(
        again.run_keyed(&["--json", "key", "show"], "").ok().json()["fingerprint"],
        created["fingerprint"]
    );
}

#[test]
fn corrupted_and_truncated_keystores_are_refused_clearly() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let original = std::fs::read_to_string(sb.keystore()).unwrap();
    std::fs::write(sb.keystore(), &original[..original.len() / 2]).unwrap();
    let out = sb.run_keyed(&["key", "show"], "").fails_with(2);
    assert!(
        out.stderr.contains("not a valid coldsign keystore"),
        "{}",
        out.stderr
    );
    // A header edit (a different label) breaks authentication.
    std::fs::write(sb.keystore(), original.replace("\"coldsign\"", "\"evil\"")).unwrap();
    sb.run_keyed(&["key", "show"], "").fails_with(5);
    // A flipped ciphertext byte too.
    let v: serde_json::Value = serde_json::from_str(&original).unwrap();
    let ct = v["ciphertext"].as_str().unwrap();
    let flipped = format!(
        "{}{}",
        if ct.starts_with('0') { "1" } else { "0" },
        &ct[1..]
    );
    std::fs::write(sb.keystore(), original.replace(ct, &flipped)).unwrap();
    sb.run_keyed(&["key", "show"], "").fails_with(5);
    std::fs::write(sb.keystore(), b"\x00\x01binary").unwrap();
    sb.run_keyed(&["key", "show"], "").fails_with(2);
    std::fs::remove_file(sb.keystore()).unwrap();
    let missing = sb.run_keyed(&["key", "show"], "").fails_with(2);
    assert!(
        missing.stderr.contains("hint: create one"),
        "{}",
        missing.stderr
    );
    std::fs::create_dir(sb.keystore()).unwrap();
    sb.run_keyed(&["key", "show"], "").fails_with(2);
}

#[test]
fn usage_errors_are_one_line_with_exit_code_two() {
    let sb = Sandbox::new();
    sb.run(&["key", "frobnicate"], "").fails_with(2);
    sb.run(&["--network", "moon", "key", "show"], "")
        .fails_with(2);
    sb.run_keyed(&["--scrypt-log-n", "30", "key", "restore"], ABANDON)
        .fails_with(2);
    let json = sb.run(&["--json", "key", "frobnicate"], "");
    assert_eq!(json.code, 2);
    assert_eq!(json.json()["code"], "bad_input");
}

#[test]
fn completions_and_man_page() {
    let sb = Sandbox::new();
    let bash = sb.run(&["completions", "bash"], "").ok();
    assert!(bash.stdout.contains("coldsign"));
    let man = sb.run(&["man"], "").ok();
    assert!(man.stdout.contains(".TH coldsign"));
    assert!(sb
        .run(&["--version"], "")
        .ok()
        .stdout
        .starts_with("coldsign "));
}

#[test]
fn ethereum_keystore_v3_round_trip_through_the_cli() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    std::fs::write(sb.path("v3pass.txt"), "v3 password\n").unwrap();
    let exported = sb
        .run_keyed(
            &[
                "--json",
                "key",
                "export-v3",
                "-o",
                "eth.json",
                "--v3-password-file",
                "v3pass.txt",
            ],
            "",
        )
        .ok()
        .json();
    assert_eq!(
        exported["address"],
        "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
    );
    assert_eq!(
        std::fs::metadata(sb.path("eth.json"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    sb.run_keyed(
        &[
            "key",
            "export-v3",
            "-o",
            "eth.json",
            "--v3-password-file",
            "v3pass.txt",
        ],
        "",
    )
    .fails_with(2);
    // Import it as a single-key keystore.
    let other = sb.path("single.json");
    let imported = sb
        .run(
            &[
                "--json",
                "--keystore",
                other.to_str().unwrap(),
                "--password-file",
                "password.txt",
                "key",
                "import-v3",
                "eth.json",
                "--v3-password-file",
                "v3pass.txt",
            ],
            "",
        )
        .ok()
        .json();
    assert_eq!(
        imported["address"],
        "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
    );
    let shown = sb
        .run(
            &[
                "--json",
                "--keystore",
                other.to_str().unwrap(),
                "--password-file",
                "password.txt",
                "key",
                "show",
            ],
            "",
        )
        .ok()
        .json();
    assert_eq!(shown["kind"], "private-key");
    assert_eq!(
        shown["ethereum"][0]["address"],
        "0x9858EfFD232B4033E47d90003D41EC34EcaEda94"
    );
    // Wrong v3 password.
    std::fs::write(sb.path("bad.txt"), "nope\n").unwrap();
    let third = sb.path("third.json");
    sb.run(
        &[
            "--keystore",
            third.to_str().unwrap(),
            "--password-file",
            "password.txt",
            "key",
            "import-v3",
            "eth.json",
            "--v3-password-file",
            "bad.txt",
        ],
        "",
    )
    .fails_with(5);
    assert!(!third.exists());
}

#[test]
fn no_command_leaks_a_secret() {
    let sb = Sandbox::new();
    sb.restore(LEGAL);
    std::fs::write(sb.path("v3pass.txt"), "v3 password\n").unwrap();
    std::fs::write(sb.path("new.txt"), "next password\n").unwrap();
    sb.run_keyed(&["key", "show", "--slip132"], "").ok();
    sb.run_keyed(&["--json", "key", "show", "--ledger-live"], "")
        .ok();
    sb.run_keyed(&["-v", "--network", "regtest", "key", "show"], "")
        .ok();
    sb.run_keyed(&["key", "export", "--watch-only", "-o", "w.txt"], "")
        .ok();
    sb.run_keyed(
        &[
            "--json",
            "key",
            "export",
            "--watch-only",
            "--slip132",
            "-o",
            "w.json",
        ],
        "",
    )
    .ok();
    sb.run_keyed(
        &[
            "key",
            "export-v3",
            "-o",
            "eth.json",
            "--v3-password-file",
            "v3pass.txt",
        ],
        "",
    )
    .ok();
    sb.run_keyed(&["key", "restore"], &format!("{LEGAL}\n"))
        .fails_with(2);
    sb.run_keyed(
        &["key", "restore", "--force"],
        &LEGAL.replacen("yellow", "yelow", 1),
    )
    .fails_with(2);
    sb.run(
        &[
            "--keystore",
            "keystore.json",
            "--password-file",
            "new.txt",
            "key",
            "show",
        ],
        "",
    )
    .fails_with(5);
    sb.run_keyed(&["key", "passwd", "--new-password-file", "new.txt"], "")
        .ok();
    sb.run(
        &[
            "--keystore",
            "keystore.json",
            "--password-file",
            "new.txt",
            "--json",
            "key",
            "show",
        ],
        "",
    )
    .ok();
    sb.run(&["demo"], "").ok();
    let needles = secret_needles(LEGAL);
    assert_eq!(
        find_secret(sb.transcript().as_bytes(), &needles),
        None,
        "a secret in the output"
    );
    for (path, bytes) in sb.files() {
        if path.ends_with("password.txt") || path.ends_with("new.txt") {
            continue;
        }
        assert_eq!(
            find_secret(&bytes, &needles),
            None,
            "a secret in {}",
            path.display()
        );
    }
}

/// `key new` at a real terminal (a pseudo-terminal driven by tests/tty/key_new.py): its exit
/// code, the screen, and the sandbox.
fn key_new_at_a_terminal(mode: &str) -> (i32, String, Sandbox) {
    let sb = Sandbox::new();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tty/key_new.py");
    let output = std::process::Command::new("python3")
        // The screen is matched in English, whatever the machine's locale.
        .env("COLDSIGN_LANG", "en")
        .args([
            script,
            env!("CARGO_BIN_EXE_coldsign"),
            sb.keystore().to_str().unwrap(),
            mode,
        ])
        .output()
        .expect("python3 runs");
    let screen = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code().unwrap_or(-1), screen, sb)
}

/// Runs coldsign in a pseudo-terminal, answering each (pattern, answer) in turn
/// (tests/tty/dialogue.py): its exit code and the screen.
fn dialogue(sb: &Sandbox, steps: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tty/dialogue.py");
    let mut cmd = std::process::Command::new("python3");
    // The dialogue matches English prompts, whatever the machine's locale.
    cmd.arg(script).env("COLDSIGN_LANG", "en");
    for (pattern, answer) in steps {
        cmd.args([pattern, answer]);
    }
    cmd.args(["--", env!("CARGO_BIN_EXE_coldsign"), "--keystore"])
        .arg(sb.keystore())
        .args(args);
    let output = cmd.output().expect("python3 runs");
    let screen = String::from_utf8_lossy(&output.stdout).into_owned();
    (output.status.code().unwrap_or(-1), screen)
}

#[test]
fn key_new_at_a_terminal_settles_the_password_then_confirms_the_backup_then_writes() {
    let (code, _, sb) = key_new_at_a_terminal("ok");
    assert_eq!(code, 0);
    assert_eq!(
        std::fs::metadata(sb.keystore())
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
}

#[test]
fn key_new_at_a_terminal_asks_again_on_a_mismatch_or_an_empty_password() {
    let (code, screen, sb) = key_new_at_a_terminal("retry");
    assert_eq!(code, 0, "{screen}");
    assert!(!screen.contains("not a terminal"), "{screen}");
    assert!(sb.keystore().exists());
}

#[test]
fn key_new_at_a_terminal_with_a_wrong_word_writes_nothing_and_says_so() {
    let (code, screen, sb) = key_new_at_a_terminal("wrong");
    assert_eq!(code, 1, "a wrong backup word is a decline: {screen}");
    assert!(
        screen.contains("the words shown were not stored"),
        "{screen}"
    );
    assert!(!sb.keystore().exists());
}

#[test]
fn key_new_checks_every_password_source_before_showing_a_word() {
    let sb = Sandbox::new();
    std::fs::write(sb.path("empty.txt"), "\n").unwrap();
    let keystore = sb.keystore();
    let keystore = keystore.to_str().unwrap();
    // No password source, an empty password file, an empty COLDSIGN_PASSWORD: each refused
    // before a word is generated, naming what to fix.
    for (options, env, named) in [
        (&[][..], None, "--password-file"),
        (&["--password-file", "empty.txt"][..], None, "empty.txt"),
        (&[][..], Some(""), "COLDSIGN_PASSWORD"),
    ] {
        let mut cmd = sb.command();
        if let Some(value) = env {
            cmd.env("COLDSIGN_PASSWORD", value);
        }
        let mut args = vec!["--keystore", keystore];
        args.extend_from_slice(options);
        args.extend_from_slice(&["key", "new", "--no-confirm"]);
        let out = sb.run_with(cmd, &args, "").fails_with(2);
        assert!(out.stdout.is_empty(), "words printed: {}", out.stdout);
        assert!(out.stderr.contains(named), "{}", out.stderr);
    }
    // A failure after the words were shown names what became of them.
    std::fs::write(sb.path("a-file"), "").unwrap();
    let out = sb.run(
        &[
            "--keystore",
            sb.path("a-file/keystore.json").to_str().unwrap(),
            "--password-file",
            "password.txt",
            "key",
            "new",
            "--no-confirm",
        ],
        "",
    );
    assert_ne!(out.code, 0);
    assert!(!out.stdout.is_empty());
    assert!(
        out.stderr.contains("the words shown were NOT stored"),
        "{}",
        out.stderr
    );
}

#[test]
fn key_restore_at_a_terminal_asks_the_password_again_before_the_words() {
    let sb = Sandbox::new();
    let (code, screen) = dialogue(
        &sb,
        &[
            ("new password for the keystore: ", "one"),
            ("repeat it: ", "two"),
            ("new password for the keystore: ", "restored pw"),
            ("repeat it: ", "restored pw"),
            ("mnemonic words", ABANDON),
        ],
        &["key", "restore"],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("the two entries differ; try again"),
        "{screen}"
    );
    let mut cmd = sb.command();
    cmd.env("COLDSIGN_PASSWORD", "restored pw");
    let shown = sb
        .run_with(
            cmd,
            &[
                "--json",
                "--keystore",
                sb.keystore().to_str().unwrap(),
                "key",
                "show",
            ],
            "",
        )
        .ok()
        .json();
    assert_eq!(shown["fingerprint"], "73c5da0a");
}

#[test]
fn key_passwd_at_a_terminal_asks_the_new_password_again_on_a_mismatch() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let (code, screen) = dialogue(
        &sb,
        &[
            ("password for keystore", common::PASSWORD),
            ("new password: ", "new one"),
            ("repeat it: ", "new two"),
            ("new password: ", ""),
            ("new password: ", "new pw"),
            ("repeat it: ", "new pw"),
        ],
        &["key", "passwd"],
    );
    assert_eq!(code, 0, "{screen}");
    assert!(
        screen.contains("the two entries differ; try again"),
        "{screen}"
    );
    assert!(screen.contains("must not be empty; try again"), "{screen}");
    let mut cmd = sb.command();
    cmd.env("COLDSIGN_PASSWORD", "new pw");
    sb.run_with(
        cmd,
        &["--keystore", sb.keystore().to_str().unwrap(), "key", "show"],
        "",
    )
    .ok();
    // Without a terminal and without --new-password-file: refused before the old password.
    sb.run_keyed(&["key", "passwd"], "").fails_with(2);
    std::fs::write(sb.path("empty.txt"), "").unwrap();
    sb.run_keyed(&["key", "passwd", "--new-password-file", "empty.txt"], "")
        .fails_with(2);
}
