//! `coldsign verify-binary` and `coldsign --version` through the real binary; the sums file
//! comes from coreutils' `sha256sum`, an independent SHA-256.

mod common;

use std::process::Command;

use common::Sandbox;

/// `sha256sum`'s line for the coldsign binary under test, named `name`.
fn sums_line(name: &str) -> String {
    let out = Command::new("sha256sum")
        .arg(env!("CARGO_BIN_EXE_coldsign"))
        .output()
        .expect("sha256sum (coreutils)");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let hash = text.split_whitespace().next().unwrap();
    format!("{hash}  {name}\n")
}

#[test]
fn verify_binary_finds_itself_in_sha256sum_output() {
    let sb = Sandbox::new();
    let other = format!("{}  coldsign-online\n", "ab".repeat(32));
    std::fs::write(sb.path("SHA256SUMS"), other + &sums_line("coldsign-airgap")).unwrap();
    let out = sb.run(&["--json", "verify-binary", "SHA256SUMS"], "").ok();
    assert_eq!(out.json()["name"], "coldsign-airgap");
    assert_eq!(out.json()["reproducible"], false);
    let human = sb.run(&["verify-binary", "SHA256SUMS"], "").ok();
    assert!(
        human
            .stdout
            .starts_with("ok: this binary is coldsign-airgap"),
        "{}",
        human.stdout
    );
}

#[test]
fn verify_binary_refuses_a_binary_the_sums_do_not_list() {
    let sb = Sandbox::new();
    std::fs::write(
        sb.path("SHA256SUMS"),
        format!("{}  coldsign\n", "ab".repeat(32)),
    )
    .unwrap();
    let out = sb.run(&["verify-binary", "SHA256SUMS"], "").fails_with(4);
    assert!(
        out.stderr.contains("is not in the sums file"),
        "{}",
        out.stderr
    );
}

#[test]
fn verify_binary_refuses_a_malformed_sums_file() {
    let sb = Sandbox::new();
    let line = sums_line("coldsign");
    // The right hash, listed twice under one name: ambiguous, so malformed.
    std::fs::write(sb.path("twice"), format!("{line}{line}")).unwrap();
    sb.run(&["verify-binary", "twice"], "").fails_with(2);
    std::fs::write(sb.path("bsd"), "SHA256 (coldsign) = 00\n").unwrap();
    sb.run(&["verify-binary", "bsd"], "").fails_with(2);
    sb.run(&["verify-binary", "missing"], "").fails_with(6);
}

#[test]
fn version_names_commit_features_and_build_mode() {
    let sb = Sandbox::new();
    let out = sb.run(&["--version"], "").ok();
    let expected = format!("coldsign {}\ncommit: ", env!("CARGO_PKG_VERSION"));
    assert!(out.stdout.starts_with(&expected), "{}", out.stdout);
    assert!(
        // The suite builds with the test-only `test-fakes` feature, which --version names too.
        out.stdout.contains("\nfeatures: online, hw, test-fakes\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("\nbuild: dev build"), "{}", out.stdout);
}
