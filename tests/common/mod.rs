//! Shared test helpers: run the real `coldsign` binary in an isolated sandbox directory and
//! keep a transcript of everything it printed, for secret scanning.
#![allow(dead_code)] // each test binary uses a different subset

pub mod approvals;
pub mod bdk_cli;
pub mod bitcoind;
pub mod btc;
pub mod electrumx;
pub mod emulator;
pub mod eth;
#[cfg(feature = "test-fakes")]
pub mod ledger;
pub mod message;

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The public BIP39 test mnemonic (fingerprint 73c5da0a).
pub const ABANDON: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
/// A BIP39 vector mnemonic used where the test needs "a secret" to look for.
pub const LEGAL: &str =
    "legal winner thank year wave sausage worth useful legal winner thank yellow";
/// The password the sandbox writes to `password.txt`.
pub const PASSWORD: &str = "correct horse battery staple";

/// What one run of the binary did.
#[derive(Debug)]
pub struct Outcome {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// Parses stdout as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts success and returns self.
    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(
            self.code, 0,
            "command failed\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// Asserts the exit code and the one-line `error:` (plus optional `hint:`) shape.
    #[track_caller]
    pub fn fails_with(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert!(
            !lines.is_empty() && lines.len() <= 2 && lines[0].starts_with("error: "),
            "error output is not one error line plus an optional hint:\n{}",
            self.stderr
        );
        if lines.len() == 2 {
            assert!(
                lines[1].starts_with("hint: "),
                "second line is not a hint:\n{}",
                self.stderr
            );
        }
        self
    }
}

impl Outcome {
    /// Like `fails_with`, for commands that show a review on stderr before refusing: the
    /// last lines must be the one `error:` line and an optional `hint:`.
    #[track_caller]
    pub fn fails_after_review(self, code: i32) -> Self {
        assert_eq!(
            self.code, code,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        let lines: Vec<&str> = self.stderr.lines().collect();
        let error_at = lines
            .iter()
            .rposition(|l| l.starts_with("error: "))
            .expect("an error line");
        assert!(
            lines.len() - error_at <= 2,
            "lines after the error:\n{}",
            self.stderr
        );
        if lines.len() - error_at == 2 {
            assert!(lines[error_at + 1].starts_with("hint: "), "{}", self.stderr);
        }
        self
    }
}

/// The copy of the public ERC-7730 registry read in place (`COLDSIGN_ERC7730_DIR`, by
/// default ../shared/erc7730), or `None` after a one-line reason when it is absent.
pub fn erc7730_registry() -> Option<PathBuf> {
    let dir = std::env::var_os("COLDSIGN_ERC7730_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/erc7730"),
        PathBuf::from,
    );
    if dir.join("registry").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipped: no ERC-7730 registry at {} (set COLDSIGN_ERC7730_DIR)",
            dir.display()
        );
        None
    }
}

/// The warning codes of a JSON review, in order.
pub fn warning_codes(review: &serde_json::Value) -> Vec<String> {
    review["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap().to_string())
        .collect()
}

/// A temporary home for one test: keystore, password file, XDG dirs.
pub struct Sandbox {
    dir: tempfile::TempDir,
    transcript: RefCell<Vec<String>>,
}

impl Sandbox {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("password.txt"), format!("{PASSWORD}\n")).unwrap();
        Sandbox {
            dir,
            transcript: RefCell::new(Vec::new()),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn keystore(&self) -> PathBuf {
        self.path("keystore.json")
    }

    /// A command with the sandbox's environment and a fast (test-only) scrypt cost.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_coldsign"));
        cmd.current_dir(self.root())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.root())
            .env("XDG_DATA_HOME", self.path("data"))
            .env("XDG_CONFIG_HOME", self.path("config"))
            .env("COLDSIGN_SCRYPT_LOG_N", "10")
            .env("NO_COLOR", "1");
        cmd
    }

    /// Runs `coldsign ARGS` with `stdin`, recording its output.
    pub fn run_with(&self, mut cmd: Command, args: &[&str], stdin: &str) -> Outcome {
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn coldsign");
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).ok();
        let out = child.wait_with_output().expect("wait for coldsign");
        let outcome = Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        let mut t = self.transcript.borrow_mut();
        t.push(format!(
            "$ coldsign {}\n{}\n{}",
            args.join(" "),
            outcome.stdout,
            outcome.stderr
        ));
        outcome
    }

    pub fn run(&self, args: &[&str], stdin: &str) -> Outcome {
        self.run_with(self.command(), args, stdin)
    }

    /// Runs with `--keystore` and `--password-file` set.
    pub fn run_keyed(&self, args: &[&str], stdin: &str) -> Outcome {
        let ks = self.keystore();
        let pw = self.path("password.txt");
        let mut full = vec![
            "--keystore",
            ks.to_str().unwrap(),
            "--password-file",
            pw.to_str().unwrap(),
        ];
        full.extend_from_slice(args);
        self.run(&full, stdin)
    }

    /// Runs `coldsign --network regtest ARGS` with the sandbox keystore and password.
    pub fn regtest(&self, args: &[&str], stdin: &str) -> Outcome {
        let mut full = vec!["--network", "regtest"];
        full.extend_from_slice(args);
        self.run_keyed(&full, stdin)
    }

    /// Writes a policy file and accepts it on this signer (`log attest --policy`), as an
    /// operator does before `sign --policy` may use it.
    pub fn write_policy(&self, name: &str, text: impl AsRef<[u8]>) {
        std::fs::write(self.path(name), text).unwrap();
        self.regtest(&["log", "attest", "--policy", name], "").ok();
    }

    /// Writes the keystore's regtest watch-only export as JSON to `file`.
    pub fn export_watch_only(&self, file: &str) {
        self.regtest(&["--json", "key", "export", "--watch-only", "-o", file], "")
            .ok();
    }

    /// Writes `psbt` as base64 to `name` in the sandbox.
    pub fn write_psbt(&self, name: &str, psbt: &bitcoin::psbt::Psbt) {
        use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
        std::fs::write(self.path(name), BASE64_STANDARD.encode(psbt.serialize())).unwrap();
    }

    /// Restores `words` into the sandbox keystore.
    pub fn restore(&self, words: &str) -> Outcome {
        self.run_keyed(&["key", "restore"], &format!("{words}\n"))
            .ok()
    }

    /// Everything the binary printed so far.
    pub fn transcript(&self) -> String {
        self.transcript.borrow().join("\n")
    }

    /// The contents of every file under the sandbox (lossy UTF-8), with their paths.
    pub fn files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else {
                    out.push((path.clone(), std::fs::read(&path).unwrap()));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.root(), &mut out);
        out
    }
}

/// Every encoding of every secret derived from `words`: the phrase and runs of three
/// consecutive words, entropy, seed (hex and base64), master and account xprvs, WIFs and raw
/// private keys of the first addresses, the first Ethereum private key.
pub fn secret_needles(words: &str) -> Vec<String> {
    use bitcoin::bip32::{DerivationPath, Xpriv};
    use bitcoin::hex::DisplayHex;
    use std::str::FromStr;
    let mnemonic = bip39::Mnemonic::parse(words).unwrap();
    let list: Vec<&str> = words.split_whitespace().collect();
    let mut needles: Vec<String> = list.windows(3).map(|w| w.join(" ")).collect();
    needles.push(words.to_string());
    needles.push(mnemonic.to_entropy().to_lower_hex_string());
    let seed = mnemonic.to_seed("");
    needles.push(seed.to_lower_hex_string());
    needles.push(seed.to_upper_hex_string());
    needles.push(bitcoin::base64::Engine::encode(
        &bitcoin::base64::prelude::BASE64_STANDARD,
        seed,
    ));
    let secp = bitcoin::secp256k1::Secp256k1::new();
    for network in [bitcoin::NetworkKind::Main, bitcoin::NetworkKind::Test] {
        let master = Xpriv::new_master(network, &seed).unwrap();
        needles.push(master.to_string());
        for path in [
            "m/84'/0'/0'",
            "m/86'/0'/0'",
            "m/44'/0'/0'",
            "m/49'/0'/0'",
            "m/84'/0'/0'/0/0",
            "m/44'/60'/0'/0/0",
            "m/84'/1'/0'/0/0",
        ] {
            let child = master
                .derive_priv(&secp, &DerivationPath::from_str(path).unwrap())
                .unwrap();
            needles.push(child.to_string());
            needles.push(child.private_key.secret_bytes().to_lower_hex_string());
            needles.push(bitcoin::PrivateKey::new(child.private_key, network).to_wif());
        }
    }
    needles.push(PASSWORD.to_string());
    // A needle of one repeated character (the all-zero entropy of the public test mnemonic)
    // would match hashes and padding, not secrets.
    needles.retain(|n| n.chars().any(|c| !n.starts_with(c)));
    needles
}

/// Finds any needle in `haystack`; returns the first hit.
pub fn find_secret<'a>(haystack: &[u8], needles: &'a [String]) -> Option<&'a str> {
    let text = String::from_utf8_lossy(haystack);
    needles
        .iter()
        .find(|n| text.contains(n.as_str()))
        .map(|n| n.as_str())
}

/// An external tool: the path in `env_var` (scripts/test sets it), else `name` on PATH. When
/// the suite requires its tools (`COLDSIGN_TEST_REQUIRE_TOOLS`), a missing one fails the test;
/// otherwise the test prints `skipping: …` and gets `None`.
pub fn tool(env_var: &str, name: &str) -> Option<PathBuf> {
    let found = std::env::var_os(env_var).map(PathBuf::from).or_else(|| {
        Command::new(name)
            .arg("--version")
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| name.into())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none(),
            "{name} is required but not installed"
        );
        eprintln!("skipping: {name} not installed (scripts/test installs it)");
    }
    found
}

/// Whether `unshare -n` works here (a process without any network).
pub fn unshare_available() -> bool {
    Command::new("unshare")
        .args(["-n", "true"])
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

impl Sandbox {
    /// Runs `coldsign ARGS` with the sandbox keystore in a process with no network at all
    /// (`unshare -n`), as an air-gapped signer. Without unshare (and when the suite does not
    /// require it) it runs normally, saying so.
    pub fn run_offline(&self, args: &[&str], stdin: &str) -> Outcome {
        let ks = self.keystore();
        let pw = self.path("password.txt");
        let mut full = vec![
            "--keystore",
            ks.to_str().unwrap(),
            "--password-file",
            pw.to_str().unwrap(),
        ];
        full.extend_from_slice(args);
        if !unshare_available() {
            assert!(
                std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none(),
                "unshare -n is required"
            );
            eprintln!("note: unshare -n unavailable; signing without network isolation");
            return self.run(&full, stdin);
        }
        self.run_with(self.command_under(&["unshare", "-n"]), &full, stdin)
    }

    /// [`Sandbox::command`] run through `wrapper` (a program and its arguments, followed by
    /// coldsign's path), with the same environment.
    pub fn command_under(&self, wrapper: &[&str]) -> Command {
        let template = self.command();
        let (program, args) = wrapper.split_first().expect("a wrapper program");
        let mut cmd = Command::new(program);
        cmd.args(args).arg(template.get_program());
        cmd.current_dir(self.root()).env_clear();
        for (k, v) in template.get_envs() {
            if let Some(v) = v {
                cmd.env(k, v);
            }
        }
        cmd
    }
}
