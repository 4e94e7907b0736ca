//! Hardening: the air-gap self-check, an offline build free of network clients, and crash
//! safety (kill -9 while writing a keystore or a signed PSBT leaves the old file or the new
//! one, never a partial one; the audit log recovers from a torn last line).

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use bitcoin::Amount;
use coldsign::btc::builder::SpendBuilder;
use coldsign::keys::keystore::Keystore;
use coldsign::request::PsbtFile;
use common::btc::*;
use common::{unshare_available, Sandbox, ABANDON, LEGAL, PASSWORD};
use secrecy::SecretString;

#[test]
fn require_airgap_refuses_online_and_signs_in_an_isolated_namespace() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("p.psbt", &benign_spend());
    let online = !coldsign::airgap::active_interfaces().is_empty();
    if online {
        let out = sb
            .run_keyed(
                &[
                    "--network",
                    "regtest",
                    "sign",
                    "p.psbt",
                    "-o",
                    "s.psbt",
                    "--yes",
                    "--require-airgap",
                ],
                "",
            )
            .fails_with(1);
        assert!(out.stderr.contains("is up"), "{}", out.stderr);
        assert!(!sb.path("s.psbt").exists());
        // Without --require-airgap it signs, with a warning.
        let warned = sb
            .run_keyed(
                &[
                    "--network",
                    "regtest",
                    "sign",
                    "p.psbt",
                    "-o",
                    "w.psbt",
                    "--yes",
                ],
                "",
            )
            .ok();
        assert!(
            warned.stderr.contains("not air-gapped"),
            "{}",
            warned.stderr
        );
    }
    if !unshare_available() {
        assert!(
            std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none() || !online,
            "unshare -n is required"
        );
        eprintln!("skipping: unshare -n is not available");
        return;
    }
    let cmd = sb.command();
    let ks = sb.keystore();
    let args = [
        "--network",
        "regtest",
        "--keystore",
        ks.to_str().unwrap(),
        "--password-file",
        "password.txt",
        "sign",
        "p.psbt",
        "-o",
        "iso.psbt",
        "--yes",
        "--require-airgap",
    ];
    let mut unshare = Command::new("unshare");
    unshare
        .arg("-n")
        .arg(env!("CARGO_BIN_EXE_coldsign"))
        .args(args);
    unshare
        .current_dir(sb.root())
        .env_clear()
        .envs(
            cmd.get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    assert!(unshare.status().unwrap().success());
    assert!(sb.path("iso.psbt").exists());
}

#[test]
fn the_air_gapped_build_contains_no_network_client() {
    let out = Command::new(env!("CARGO"))
        .args([
            "tree",
            "--locked",
            "--offline",
            "--no-default-features",
            "--features",
            "hw",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(
        tree.lines().count() > 50,
        "suspiciously small tree:\n{tree}"
    );
    const NETWORK: [&str; 22] = [
        "reqwest",
        "hyper",
        "ureq",
        "curl",
        "isahc",
        "surf",
        "attohttpc",
        "minreq",
        "http",
        "h2",
        "tokio",
        "mio",
        "socket2",
        "native-tls",
        "openssl",
        "rustls",
        "tungstenite",
        "jsonrpc",
        "jsonrpsee",
        "bitcoincore-rpc",
        "electrum-client",
        "async-std",
    ];
    for line in tree.lines() {
        let name = line.split_whitespace().next().unwrap_or("");
        assert!(
            !NETWORK.contains(&name),
            "the air-gapped build contains {name}"
        );
    }
}

/// A deterministic pseudo-random delay in 0..max microseconds.
fn delay(trial: u64, max: u64) -> Duration {
    let mut x = trial.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    x ^= x >> 29;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    Duration::from_micros(x % max)
}

/// Starts `coldsign ARGS` with `stdin`, kills it with SIGKILL after `after`, and waits.
fn kill_during(sb: &Sandbox, args: &[&str], stdin: &str, after: Duration) {
    let mut cmd = sb.command();
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    std::thread::sleep(after);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn killing_a_keystore_write_leaves_the_old_or_the_new_keystore() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let (old, new) = ("73c5da0a".to_string(), hd(LEGAL).fingerprint().to_string());
    let ks = sb.keystore();
    let ks_arg = ks.to_str().unwrap().to_string();
    let mut seen = std::collections::HashSet::new();
    for trial in 0..100u64 {
        let words = if trial % 2 == 0 { LEGAL } else { ABANDON };
        kill_during(
            &sb,
            &[
                "--keystore",
                &ks_arg,
                "--password-file",
                "password.txt",
                "key",
                "restore",
                "--force",
            ],
            words,
            delay(trial, 60_000),
        );
        let keystore = Keystore::load(&ks)
            .unwrap_or_else(|e| panic!("trial {trial}: keystore unreadable: {e}"));
        let fp = keystore.header().fingerprint.clone().unwrap();
        assert!(
            fp == old || fp == new,
            "trial {trial}: unexpected fingerprint {fp}"
        );
        let material = keystore
            .unlock(&SecretString::from(PASSWORD), &ks)
            .unwrap_or_else(|e| panic!("trial {trial}: {e}"));
        assert_eq!(material.hd().unwrap().fingerprint().to_string(), fp);
        seen.insert(fp);
    }
    assert_eq!(
        seen.len(),
        2,
        "the kills never landed on both sides of the write"
    );
}

#[test]
fn killing_a_signature_write_leaves_the_old_or_the_new_output() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let ours = hd(ABANDON);
    let d = standard(&ours, "wpkh({0})", "m/84'/1'/0'");
    let build = |amount: u64| {
        SpendBuilder::new()
            .fund(&at(&d, 0, 0), Amount::from_sat(1_000_000))
            .pay(outside(), Amount::from_sat(amount))
            .build()
    };
    let (a, b) = (build(990_000), build(980_000));
    sb.write_psbt("a.psbt", &a);
    sb.write_psbt("b.psbt", &b);
    sb.run_keyed(
        &[
            "--network",
            "regtest",
            "sign",
            "a.psbt",
            "-o",
            "out.psbt",
            "--yes",
        ],
        "",
    )
    .ok();
    let ks = sb.keystore().to_str().unwrap().to_string();
    let txids = [a.unsigned_tx.compute_txid(), b.unsigned_tx.compute_txid()];
    for trial in 0..100u64 {
        let input = if trial % 2 == 0 { "b.psbt" } else { "a.psbt" };
        kill_during(
            &sb,
            &[
                "--network",
                "regtest",
                "--keystore",
                &ks,
                "--password-file",
                "password.txt",
                "sign",
                input,
                "-o",
                "out.psbt",
                "--yes",
                "--force",
            ],
            "",
            delay(trial, 80_000),
        );
        let out = std::fs::read(sb.path("out.psbt")).unwrap();
        let file =
            PsbtFile::decode(&out).unwrap_or_else(|e| panic!("trial {trial}: partial output: {e}"));
        assert!(
            txids.contains(&file.psbt.unsigned_tx.compute_txid()),
            "trial {trial}"
        );
        assert!(
            !file.psbt.inputs[0].partial_sigs.is_empty(),
            "trial {trial}: an unsigned output"
        );
    }
    // The audit log survived every kill: it verifies and signing goes on.
    sb.run_keyed(&["log", "verify"], "").ok();
    sb.run_keyed(
        &[
            "--network",
            "regtest",
            "sign",
            "b.psbt",
            "-o",
            "final.psbt",
            "--yes",
        ],
        "",
    )
    .ok();
}

#[test]
fn a_torn_audit_line_after_the_signed_head_is_dropped_but_truncation_is_not_forgiven() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("p.psbt", &benign_spend());
    for _ in 0..2 {
        sb.run_keyed(&["--network", "regtest", "inspect", "p.psbt"], "")
            .ok();
    }
    let log = sb.path("audit.log");
    let good = std::fs::read_to_string(&log).unwrap();
    // A crash mid-append: half a line after the last one the head vouches for.
    std::fs::write(&log, format!("{good}{{\"seq\":2,\"time\":\"20")).unwrap();
    sb.run_keyed(&["log", "verify"], "").ok();
    sb.run_keyed(&["--network", "regtest", "inspect", "p.psbt"], "")
        .ok();
    let repaired = std::fs::read_to_string(&log).unwrap();
    assert!(
        repaired.starts_with(&good) && repaired.lines().count() == 3 && repaired.ends_with('\n')
    );
    // Removing the last complete line is still caught.
    let lines: Vec<&str> = repaired.lines().collect();
    std::fs::write(&log, lines[..2].join("\n") + "\n").unwrap();
    sb.run_keyed(&["log", "verify"], "").fails_with(4);
}

#[test]
fn a_log_one_line_ahead_of_its_head_is_caught_up_before_the_next_append() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    sb.write_psbt("p.psbt", &benign_spend());
    sb.regtest(&["inspect", "p.psbt"], "").ok();
    let older_head = std::fs::read(sb.path("audit.head")).unwrap();
    sb.regtest(&["inspect", "p.psbt"], "").ok();
    // A crash after appending line 2 but before updating the head leaves the old head.
    std::fs::write(sb.path("audit.head"), &older_head).unwrap();
    sb.run_keyed(&["log", "verify"], "").ok();
    // The next append signs a head for line 2 first, then appends line 3 and its head.
    sb.regtest(&["inspect", "p.psbt"], "").ok();
    sb.run_keyed(&["log", "verify"], "").ok();
    assert_eq!(
        std::fs::read_to_string(sb.path("audit.log"))
            .unwrap()
            .lines()
            .count(),
        3
    );
    // Two lines ahead cannot come from one crash: it is reported.
    std::fs::write(sb.path("audit.head"), &older_head).unwrap();
    sb.run_keyed(&["log", "verify"], "").fails_with(4);
}
