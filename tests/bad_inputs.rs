//! The bad-input suite: malformed inputs across every command. Each must give its documented
//! exit code and a one-line `error:` (plus optional `hint:`), write no output file, leave every
//! input untouched, and never panic.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
use bitcoin::Amount;
use coldsign::btc::builder::SpendBuilder;
use common::btc::*;
use common::{find_secret, secret_needles, Sandbox, ABANDON, LEGAL};

/// Every file in the sandbox except the signer's own state (audit log, temp files).
fn snapshot(sb: &Sandbox) -> BTreeMap<String, Vec<u8>> {
    sb.files()
        .into_iter()
        .filter(|(p, _)| {
            let name = p.file_name().unwrap().to_string_lossy();
            !name.starts_with("audit.") && !name.starts_with(".coldsign-")
        })
        .map(|(p, bytes)| {
            (
                p.strip_prefix(sb.root()).unwrap().display().to_string(),
                bytes,
            )
        })
        .collect()
}

fn prepare() -> Sandbox {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let w = |name: &str, data: &[u8]| std::fs::write(sb.path(name), data).unwrap();
    let good = BASE64_STANDARD.encode(benign_spend().serialize());
    w("good.psbt", good.as_bytes());
    // A ur:bytes transfer whose content is no request of either chain.
    w(
        "garbage-bytes.ur",
        coldsign::transport::ur::encode_single("bytes", &[0x43, 1, 2, 3]).as_bytes(),
    );
    w("truncated.psbt", &good.as_bytes()[..good.len() / 2]);
    w("empty.txt", b"");
    w(
        "binary.bin",
        &(0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 7) as u8)
            .collect::<Vec<_>>(),
    );
    w("bad-hex.psbt", b"70736274ffzz");
    w("bad-base64.psbt", b"cHNidP8!!!!");
    w("text.txt", b"hello world\n");
    w("exists.out", b"do not overwrite");
    w("wrong.txt", b"not the password\n");
    w("huge.psbt", &vec![b'A'; (64 << 20) + 1]);
    std::fs::create_dir(sb.path("dir")).unwrap();
    let mainnet = standard(&hd(ABANDON), "wpkh({0})", "m/84'/0'/0'");
    let psbt = SpendBuilder::new()
        .fund(&at(&mainnet, 0, 0), Amount::from_sat(100_000))
        .pay(outside(), Amount::from_sat(90_000))
        .build();
    w(
        "mainnet.psbt",
        BASE64_STANDARD.encode(psbt.serialize()).as_bytes(),
    );
    let foreign = standard(&hd(LEGAL), "wpkh({0})", "m/84'/1'/0'");
    let psbt = SpendBuilder::new()
        .fund(&at(&foreign, 0, 0), Amount::from_sat(100_000))
        .pay(outside(), Amount::from_sat(90_000))
        .build();
    w(
        "foreign.psbt",
        BASE64_STANDARD.encode(psbt.serialize()).as_bytes(),
    );
    w("policy-unknown.toml", b"[bitcoin]\nmax_per_day = 1\n");
    w("policy-mainnet.toml", b"[[bitcoin.allow]]\nlabel = \"x\"\naddress = \"bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu\"\n");
    w("policy-syntax.toml", b"[bitcoin\n");
    w("wallet-bad.txt", b"wsh(sortedmulti(2,nonsense))");
    w(
        "wallet-nopath.txt",
        format!(
            "wsh(sortedmulti(1,{}/0/*,{}/0/*))",
            key(&hd(ABANDON), "m/48'/1'/0'/2'"),
            key(&hd(LEGAL), "m/48'/1'/0'/2'")
        )
        .as_bytes(),
    );
    w(
        "wallet-notours.txt",
        format!(
            "wsh(sortedmulti(1,{}/<0;1>/*,{}/<0;1>/*))",
            key(&hd(LEGAL), "m/48'/1'/0'/2'"),
            key(&hd(LETTER), "m/48'/1'/0'/2'")
        )
        .as_bytes(),
    );
    w(
        "coldcard-bad.txt",
        b"Name: x\nPolicy: two of three\nFormat: P2WSH\n",
    );
    w(
        "bip388-bad.json",
        b"{\"descriptor_template\": \"wsh(sortedmulti(2,@0/**,@1/**))\", \"keys_info\": []}",
    );
    w("v3-bad.json", b"{\"version\": 3}");
    w("v3-v4.json", b"{\"version\": 4, \"crypto\": {}}");
    w("export-nokey.json", b"{\"fingerprint\": \"73c5da0a\"}");
    w("keyfile-bare.txt", b"xpub6CatWdiZiodmUeTDp8LT5or8nmbKNcuyvz7WyksVFkKB4RHwCD3XyuvPEbvqAQY3rAPshWcMLoP2fMFMKHPJ4ZeZXYVUhLv1VMrjPC7PW6V");
    // Ethereum: EIP-155's example (unsigned; signed; without chain id), a blob type, trailing
    // bytes, typed data that does not match its types, a policy with a checksum typo.
    let unsigned = "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080";
    w("eth-tx.hex", unsigned.as_bytes());
    w("eth-trailing.hex", format!("{unsigned}00").as_bytes());
    w(
        "eth-pre155.hex",
        b"e9098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080",
    );
    w("eth-signed.hex", b"f86c098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a76400008025a028ef61340bd939bc2195fe537567866003e1a15d3c71ff63e1590620aa636276a067cbe9d8997f761aecb703304b3800ccf555c9f3dc64214b297fb1966a3b6d83");
    w("eth-blob.hex", b"0x03c0");
    w(
        "eth-typed-bad.json",
        br#"{"types":{"EIP712Domain":[]},"primaryType":"Mail","domain":{},"message":{}}"#,
    );
    w("policy-eth-typo.toml", b"[[ethereum.allow]]\nlabel = \"x\"\naddress = \"0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed\"\n");
    sb
}

/// (args, stdin, expected exit code, output that must not appear).
type Case = (
    &'static [&'static str],
    &'static str,
    i32,
    Option<&'static str>,
);

const CASES: &[Case] = &[
    // Usage errors.
    (&["frobnicate"], "", 2, None),
    (&["--network", "moon", "key", "show"], "", 2, None),
    (&["key", "new", "--words", "13", "--no-confirm"], "", 2, None),
    (&["key", "new", "--language", "klingon", "--no-confirm"], "", 2, None),
    (&["--scrypt-log-n", "9", "key", "restore", "--force"], ABANDON, 2, None),
    (&["--scrypt-log-n", "abc", "key", "show"], "", 2, None),
    (&["sign", "good.psbt"], "", 2, None),
    (&["combine", "good.psbt"], "", 2, None),
    (&["convert", "good.psbt"], "", 2, None),
    (&["convert", "good.psbt", "--to", "v9"], "", 2, None),
    (&["completions", "tcsh"], "", 2, None),
    (&["key", "export"], "", 2, None),
    // Keys and keystores.
    (&["key", "restore"], ABANDON, 2, None),
    (&["key", "restore", "--force"], "", 2, None),
    (&["key", "restore", "--force"], "abandon abandon", 2, None),
    (&["key", "restore", "--force"], "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon", 2, None),
    (&["key", "restore", "--force"], "xyzzy abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about", 2, None),
    (&["key", "restore", "--force", "--passphrase-file", "dir"], ABANDON, 2, None),
    (&["key", "restore", "--force", "--passphrase-file", "missing.txt"], ABANDON, 6, None),
    (&["--password-file", "wrong.txt", "key", "show"], "", 5, None),
    (&["--password-file", "dir", "key", "show"], "", 2, None),
    (&["--password-file", "empty.txt", "key", "restore", "--force"], ABANDON, 2, None),
    (&["--keystore", "text.txt", "key", "show"], "", 2, None),
    (&["--keystore", "binary.bin", "key", "show"], "", 2, None),
    (&["--keystore", "empty.txt", "key", "show"], "", 2, None),
    (&["--keystore", "dir", "key", "show"], "", 2, None),
    (&["--keystore", "missing.json", "key", "show"], "", 2, None),
    (&["--keystore", "text.txt/ks.json", "key", "show"], "", 2, None),
    (&["key", "export", "--watch-only", "-o", "exists.out"], "", 2, None),
    (&["key", "export", "--watch-only", "-o", "dir"], "", 2, None),
    (&["key", "export-v3", "-o", "-"], "", 2, None),
    (&["key", "export-v3", "-o", "exists.out", "--v3-password-file", "wrong.txt"], "", 2, None),
    (&["key", "export-v3", "-o", "v3.json", "--path", "m/44'/x", "--v3-password-file", "wrong.txt"], "", 2, Some("v3.json")),
    (&["--keystore", "new.json", "key", "import-v3", "v3-bad.json", "--v3-password-file", "wrong.txt"], "", 2, Some("new.json")),
    (&["--keystore", "new.json", "key", "import-v3", "v3-v4.json", "--v3-password-file", "wrong.txt"], "", 2, Some("new.json")),
    (&["--keystore", "new.json", "key", "import-v3", "binary.bin", "--v3-password-file", "wrong.txt"], "", 2, Some("new.json")),
    (&["--keystore", "new.json", "key", "import-v3", "dir", "--v3-password-file", "wrong.txt"], "", 2, Some("new.json")),
    (&["key", "passwd", "--new-password-file", "empty.txt"], "", 2, None),
    // PSBT commands.
    (&["inspect", "truncated.psbt"], "", 2, None),
    (&["inspect", "empty.txt"], "", 2, None),
    (&["inspect", "binary.bin"], "", 2, None),
    (&["inspect", "bad-hex.psbt"], "", 2, None),
    (&["inspect", "bad-base64.psbt"], "", 2, None),
    (&["inspect", "text.txt"], "", 2, None),
    (&["inspect", "dir"], "", 2, None),
    (&["inspect", "missing.psbt"], "", 6, None),
    (&["inspect", "huge.psbt"], "", 2, None),
    (&["inspect", "-"], "", 2, None),
    (&["sign", "truncated.psbt", "-o", "s.psbt", "--yes"], "", 2, Some("s.psbt")),
    (&["sign", "good.psbt", "-o", "exists.out", "--yes"], "", 2, None),
    (&["sign", "mainnet.psbt", "-o", "s.psbt", "--yes"], "", 1, Some("s.psbt")),
    (&["sign", "foreign.psbt", "-o", "s.psbt", "--yes"], "", 2, Some("s.psbt")),
    (&["sign", "good.psbt", "-o", "s.psbt", "--yes", "--policy", "policy-unknown.toml"], "", 2, Some("s.psbt")),
    (&["sign", "good.psbt", "-o", "s.psbt", "--yes", "--policy", "policy-mainnet.toml"], "", 2, Some("s.psbt")),
    (&["sign", "good.psbt", "-o", "s.psbt", "--yes", "--policy", "policy-syntax.toml"], "", 2, Some("s.psbt")),
    (&["sign", "good.psbt", "-o", "s.psbt", "--yes", "--policy", "missing.toml"], "", 6, Some("s.psbt")),
    (&["sign", "good.psbt", "-o", "s.psbt", "--yes", "--policy", "binary.bin"], "", 2, Some("s.psbt")),
    (&["--password-file", "wrong.txt", "sign", "good.psbt", "-o", "s.psbt", "--yes"], "", 5, Some("s.psbt")),
    (&["finalize", "good.psbt", "--extract"], "", 2, None),
    (&["finalize", "empty.txt", "-o", "f.psbt"], "", 2, Some("f.psbt")),
    (&["finalize", "good.psbt", "-o", "exists.out"], "", 2, None),
    (&["combine", "good.psbt", "mainnet.psbt", "-o", "c.psbt"], "", 2, Some("c.psbt")),
    (&["combine", "good.psbt", "truncated.psbt", "-o", "c.psbt"], "", 2, Some("c.psbt")),
    (&["convert", "text.txt", "--to", "hex"], "", 2, None),
    (&["convert", "good.psbt", "--to", "hex", "-o", "exists.out"], "", 2, None),
    // Wallets, multisig, address book, audit log.
    (&["wallet", "import", "wallet-bad.txt", "--name", "w", "--yes"], "", 2, None),
    (&["wallet", "import", "wallet-nopath.txt", "--name", "w", "--yes"], "", 2, None),
    (&["wallet", "import", "wallet-notours.txt", "--name", "w", "--yes"], "", 2, None),
    (&["wallet", "import", "coldcard-bad.txt", "--yes"], "", 2, None),
    (&["wallet", "import", "bip388-bad.json", "--name", "w", "--yes"], "", 2, None),
    (&["wallet", "import", "binary.bin", "--name", "w", "--yes"], "", 2, None),
    (&["wallet", "import", "wallet-notours.txt", "--name", "../escape", "--yes"], "", 2, None),
    (&["wallet", "show", "nothing"], "", 2, None),
    (&["multisig", "create", "--threshold", "3", "--key", "keyfile-bare.txt", "--key", "text.txt"], "", 2, None),
    (&["multisig", "create", "--threshold", "0", "--key", "[73c5da0a/48h/1h/0h/2h]tpubDFH9dgzveyD8zTbPUFuLrGmCydNvxehyNdUXKJAQN8x4aZ4j6UZqGfnqFrD4NqyaTVGKbvEW54tsvPTK2UoSbCC1PJY8iCNiwTL3RWZEheQ"], "", 2, None),
    (&["multisig", "create", "--threshold", "1", "--key", "export-nokey.json", "--key", "export-nokey.json"], "", 2, None),
    (&["address", "add", "Exchange", "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"], "", 2, None),
    (&["address", "add", "Exchange", "not-an-address"], "", 2, None),
    (&["address", "remove", "Nobody"], "", 2, None),
    (&["log", "verify", "--key", "zz"], "", 2, None),
    (&["log", "verify", "--export", "export-nokey.json"], "", 2, None),
    (&["log", "verify", "--export", "binary.bin"], "", 2, None),
    (&["log", "export", "--csv", "-o", "exists.out", "--export", "export-nokey.json"], "", 2, None),
    // Ethereum.
    (&["eth", "sign", "empty.txt", "-o", "e.out", "--yes"], "", 2, Some("e.out")),
    (&["eth", "sign", "binary.bin", "-o", "e.out", "--yes"], "", 2, Some("e.out")),
    (&["eth", "sign", "text.txt", "-o", "e.out", "--yes"], "", 2, Some("e.out")),
    (&["eth", "sign", "dir", "-o", "e.out", "--yes"], "", 2, Some("e.out")),
    (&["eth", "sign", "garbage-bytes.ur", "-o", "e.out", "--yes"], "", 2, Some("e.out")),
    (&["eth", "sign", "eth-trailing.hex", "-o", "e.out", "--yes"], "", 2, Some("e.out")),
    (&["eth", "sign", "eth-pre155.hex", "-o", "e.out", "--yes"], "", 2, Some("e.out")),
    (&["eth", "sign", "eth-signed.hex", "-o", "e.out", "--yes"], "", 2, Some("e.out")),
    (&["eth", "sign", "eth-blob.hex", "-o", "e.out", "--yes"], "", 2, Some("e.out")),
    (&["eth", "sign", "eth-typed-bad.json", "-o", "e.out", "--yes"], "", 2, Some("e.out")),
    (&["eth", "sign", "eth-tx.hex", "-o", "exists.out", "--yes"], "", 2, None),
    (&["eth", "sign", "eth-tx.hex", "-o", "e.out", "--yes", "--path", "m/44'/x"], "", 2, Some("e.out")),
    (&["eth", "sign", "eth-tx.hex", "-o", "e.out", "--yes", "--policy", "policy-eth-typo.toml"], "", 2, Some("e.out")),
    (&["eth", "inspect", "missing.hex"], "", 6, None),
    (&["eth", "message", "--text", "hi", "--from", "0x1234", "-o", "m.ur"], "", 2, Some("m.ur")),
    (&["eth", "message", "--text", "hi", "--from", "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "-o", "m.ur"], "", 2, Some("m.ur")),
    (&["eth", "message", "--from", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "-o", "m.ur"], "", 2, Some("m.ur")),
    (&["eth", "message", "--typed-data", "eth-typed-bad.json", "--from", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "-o", "m.ur"], "", 2, Some("m.ur")),
    (&["eth", "broadcast", "text.txt", "--rpc", "http://127.0.0.1:9"], "", 2, None),
    (&["eth", "build", "--rpc", "http://127.0.0.1:9", "--from", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "--to", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "--value", "1", "-o", "b.ur"], "", 6, Some("b.ur")),
    (&["eth", "build", "--rpc", "http://127.0.0.1:9", "--from", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "--to", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "--value", "1.5.2", "-o", "b.ur"], "", 2, Some("b.ur")),
    (&["address", "add", "Vault", "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"], "", 2, None),
];

#[test]
fn every_bad_input_fails_cleanly() {
    assert!(CASES.len() >= 60, "only {} cases", CASES.len());
    let sb = prepare();
    let mut failures = Vec::new();
    for (args, stdin, code, forbidden) in CASES {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            check(&sb, args, stdin, *code, *forbidden)
        }));
        if let Err(e) = result {
            failures.push(e.downcast_ref::<String>().cloned().unwrap_or_default());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n----\n")
    );
    // No error path prints or writes a secret of the keystore (the password file and the
    // 64 MiB filler aside).
    std::fs::remove_file(sb.path("huge.psbt")).unwrap();
    let needles = secret_needles(ABANDON);
    assert_eq!(find_secret(sb.transcript().as_bytes(), &needles), None);
    for (path, bytes) in sb.files() {
        if !path.ends_with("password.txt") {
            assert_eq!(find_secret(&bytes, &needles), None, "{}", path.display());
        }
    }
}

fn check(sb: &Sandbox, args: &[&str], stdin: &str, code: i32, forbidden: Option<&str>) {
    {
        let before = snapshot(sb);
        let mut full = vec!["--network", "regtest"];
        for (flag, value) in [
            ("--keystore", "keystore.json"),
            ("--password-file", "password.txt"),
        ] {
            if !args.contains(&flag) {
                full.extend([flag, value]);
            }
        }
        full.extend_from_slice(args);
        let out = sb.run(&full, stdin);
        let shown = format!(
            "coldsign {}\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            out.stdout,
            out.stderr
        );
        assert_eq!(out.code, code, "wrong exit code: {shown}");
        let lines: Vec<&str> = out.stderr.lines().collect();
        let error_at = lines
            .iter()
            .rposition(|l| l.starts_with("error: "))
            .unwrap_or_else(|| panic!("no error line: {shown}"));
        assert!(
            lines.len() - error_at <= 2,
            "more than an error and a hint: {shown}"
        );
        if lines.len() - error_at == 2 {
            assert!(lines[error_at + 1].starts_with("hint: "), "{shown}");
        }
        assert!(!out.stderr.contains("panicked"), "{shown}");
        if let Some(name) = forbidden {
            assert!(
                !Path::new(&sb.path(name)).exists(),
                "{name} was written: {shown}"
            );
        }
        assert_eq!(snapshot(sb), before, "an input changed: {shown}");
    }
}
