//! Ethereum test tools: a throwaway anvil node (npm @foundry-rs/anvil-linux-amd64) and cast
//! (npm @foundry-rs/cast-linux-amd64), both real Foundry binaries installed by scripts/test.
//!
//! ```ignore
//! let Some(node) = Anvil::start() else { return }; // skips when anvil is not installed
//! let balance = node.cast(&["balance", "0x…"]);
//! ```
//!
//! anvil derives its funded accounts from [`super::ABANDON`] (m/44'/60'/0'/0/i, 10,000 ETH
//! each), so a sandbox restored from the same words holds their keys. Each node listens on a
//! free port of 127.0.0.1 and is killed on drop.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use super::{tool, ABANDON};

/// m/44'/60'/0'/0/0 of ABANDON.
pub const ACCOUNT0: &str = "0x9858EfFD232B4033E47d90003D41EC34EcaEda94";
/// m/44'/60'/0'/0/1 of ABANDON.
pub const ACCOUNT1: &str = "0x6Fac4D18c912343BF86fa7049364Dd4E424Ab9C0";

/// A running anvil node.
pub struct Anvil {
    child: Child,
    /// Its JSON-RPC URL.
    pub url: String,
    cast: PathBuf,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `cast` binary (see [`tool`]).
pub fn cast() -> Option<PathBuf> {
    tool("COLDSIGN_TEST_CAST", "cast")
}

impl Anvil {
    /// Starts a node on a free port; `None` (after `skipping: …`) when anvil or cast is not
    /// installed and the suite does not require them.
    pub fn start() -> Option<Anvil> {
        let anvil = tool("COLDSIGN_TEST_ANVIL", "anvil")?;
        let cast = cast()?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let mut child = Command::new(anvil)
            .args([
                "--port",
                &port.to_string(),
                "--mnemonic",
                ABANDON,
                "--accounts",
                "4",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start anvil");
        let stdout = child.stdout.take().unwrap();
        let mut lines = BufReader::new(stdout).lines();
        loop {
            let line = lines
                .next()
                .expect("anvil exited before listening")
                .expect("read anvil output");
            if line.contains("Listening on") {
                break;
            }
        }
        // Keep draining anvil's log so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Some(Anvil {
            child,
            url: format!("http://127.0.0.1:{port}"),
            cast,
        })
    }

    /// Runs `cast SUBCOMMAND --rpc-url URL ARGS…` and returns its trimmed stdout (panics on
    /// failure).
    pub fn cast(&self, args: &[&str]) -> String {
        let (sub, rest) = args.split_first().expect("a cast subcommand");
        self.cast_local(&[&[*sub, "--rpc-url", self.url.as_str()], rest].concat())
    }

    /// Runs `cast ARGS` (no node) and returns its trimmed stdout (panics on failure).
    pub fn cast_local(&self, args: &[&str]) -> String {
        let out = Command::new(&self.cast)
            .args(args)
            .output()
            .expect("run cast");
        assert!(
            out.status.success(),
            "cast {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// Balance of `address` in wei.
    pub fn balance(&self, address: &str) -> u128 {
        self.cast(&["balance", address]).parse().unwrap()
    }

    /// Sends a transaction from ABANDON's account `index` with cast (test setup only).
    pub fn send(&self, index: u32, args: &[&str]) -> serde_json::Value {
        let index = index.to_string();
        let mut full = vec![
            "send",
            "--json",
            "--mnemonic",
            ABANDON,
            "--mnemonic-index",
            &index,
        ];
        full.extend_from_slice(args);
        let receipt: serde_json::Value = serde_json::from_str(&self.cast(&full)).unwrap();
        assert_eq!(
            receipt["status"], "0x1",
            "setup transaction failed: {receipt}"
        );
        receipt
    }

    /// Deploys creation code `hex` (with constructor arguments appended) from account 0.
    pub fn deploy(&self, hex: &str) -> String {
        let receipt = self.send(0, &["--create", hex]);
        receipt["contractAddress"].as_str().unwrap().to_string()
    }
}
