//! bdk-cli 4.0.0 (BDK wallet) as an independent PSBT signer to cross-check against.
//!
//! Binary: `$COLDSIGN_TEST_BDK_CLI`, else `~/.cache/coldsign-test/bdk-cli/bin/bdk-cli` (where
//! scripts/test installs it with `cargo install bdk-cli@4.0.0 --locked --no-default-features
//! --root ~/.cache/coldsign-test/bdk-cli`). When it is missing, [`bdk_cli`] prints
//! `skipping: ...` and returns `None`, unless `COLDSIGN_TEST_REQUIRE_TOOLS` is set, in which
//! case it panics.
//!
//! bdk-cli 4 keeps wallets in a config file, so signing offline takes two runs in a throwaway
//! `--datadir` (descriptors are passed through the environment, never in argv):
//!
//! ```text
//! EXT_DESCRIPTOR=... [INT_DESCRIPTOR=...] \
//!   bdk-cli --network regtest --datadir DIR wallet --wallet NAME config
//! bdk-cli --network regtest --datadir DIR wallet --wallet NAME sign [--trust_witness_utxo true] PSBT
//! ```
//!
//! The second prints `{"psbt": "<base64>", "is_finalized": bool}`. Limits of bdk-cli 4.0.0
//! (rust-bitcoin 0.32): it reads and writes PSBT v0 only; segwit v0 inputs need
//! `non_witness_utxo` unless `--trust_witness_utxo true`; it finalizes every input it can, so
//! a fully signed input comes back with `final_scriptwitness` instead of `partial_signatures`.

use std::path::PathBuf;
use std::process::Command;

/// The bdk-cli binary (see the module docs), if installed.
pub fn bdk_cli() -> Option<PathBuf> {
    let path = match std::env::var_os("COLDSIGN_TEST_BDK_CLI") {
        Some(path) => PathBuf::from(path),
        None => dirs::home_dir()
            .unwrap_or_default()
            .join(".cache/coldsign-test/bdk-cli/bin/bdk-cli"),
    };
    if path.is_file() {
        return Some(path);
    }
    let msg = format!(
        "bdk-cli not found at {} (scripts/test installs it and sets COLDSIGN_TEST_BDK_CLI)",
        path.display()
    );
    assert!(
        std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none(),
        "bdk-cli is required but {msg}"
    );
    eprintln!("skipping: {msg}");
    None
}

/// Signs `psbt_base64` (PSBT v0) offline with bdk-cli for a regtest wallet made of
/// `descriptor` (external keychain) and optionally `change_descriptor` (internal keychain);
/// returns the signed PSBT, base64. Inputs bdk-cli can fully sign come back finalized. Panics
/// when bdk-cli is not installed or fails, or when it signed nothing.
#[track_caller]
pub fn bdk_sign(psbt_base64: &str, descriptor: &str, change_descriptor: Option<&str>) -> String {
    try_bdk_sign(psbt_base64, descriptor, change_descriptor, false)
        .unwrap_or_else(|e| panic!("bdk-cli sign failed: {e}"))
}

/// Like [`bdk_sign`], with bdk-cli's `--trust_witness_utxo` (sign segwit v0 inputs that have
/// only a `witness_utxo`); returns bdk-cli's error output instead of panicking when it fails
/// or signs nothing.
pub fn try_bdk_sign(
    psbt_base64: &str,
    descriptor: &str,
    change_descriptor: Option<&str>,
    trust_witness_utxo: bool,
) -> Result<String, String> {
    let bin = bdk_cli().ok_or("bdk-cli is not installed")?;
    let home = tempfile::Builder::new()
        .prefix("coldsign-bdk-")
        .tempdir()
        .expect("temp dir");
    let base = || {
        let mut cmd = Command::new(&bin);
        // bdk-cli reads many generic variables (NETWORK, DATADIR, HEIGHT, WITNESS...).
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .args(["--network", "regtest", "--datadir"])
            .arg(home.path())
            .args(["wallet", "--wallet", "coldsign-test"]);
        cmd
    };
    let run = |cmd: &mut Command| -> Result<String, String> {
        let out = cmd.output().map_err(|e| format!("run bdk-cli: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            return Err(format!(
                "{}\n{}{}",
                out.status,
                stdout,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(stdout)
    };
    let mut config = base();
    config.arg("config").env("EXT_DESCRIPTOR", descriptor);
    if let Some(change) = change_descriptor {
        config.env("INT_DESCRIPTOR", change);
    }
    run(&mut config)?;
    let mut sign = base();
    sign.arg("sign");
    if trust_witness_utxo {
        sign.args(["--trust_witness_utxo", "true"]);
    }
    let stdout = run(sign.arg(psbt_base64))?;
    let reply: serde_json::Value = serde_json::from_str(&stdout)
        .map_err(|e| format!("bdk-cli output is not JSON ({e}): {stdout}"))?;
    let signed = reply["psbt"]
        .as_str()
        .ok_or_else(|| format!("no psbt in bdk-cli output: {stdout}"))?;
    if signed == psbt_base64 {
        return Err(format!("bdk-cli signed nothing: {stdout}"));
    }
    Ok(signed.to_string())
}
