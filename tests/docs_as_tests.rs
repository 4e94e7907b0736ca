//! Docs are tests: every shell block of README.md, docs/workflows/*.md and docs/ja/README.md
//! runs as written, in order, in one scratch directory per document (also its `$HOME`), with
//! the built `coldsign` first on `PATH`, against real peers the test starts: a Bitcoin Core
//! regtest node, an e-x Electrum server and anvil, as the document's placeholders ask. Blocks
//! (or the parts of blocks) that a document says run on the offline signer run in a network
//! namespace (`unshare -rn`). The conventions are in tests/support/docs.rs and docs/workflows/README.md.
//!
//! The harness substitutes nothing in the text: it only sets the placeholders listed in
//! [`PLACEHOLDERS`] as environment variables, and only those the document explains in its
//! prose. Shell variables (not arrays or functions) and the working directory carry over from one
//! block to the next.
//! It prints every block it ran or skipped (with the reason) and fails when any block fails.

mod common;
#[path = "support/docs.rs"]
mod docs;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::bitcoind::Bitcoind;
use common::electrumx::ElectrumX;
use common::eth::Anvil;

/// How long one block may run.
const BLOCK_TIMEOUT_SECS: &str = "600";
/// Lines of a failed block's transcript shown in the failure.
const TRANSCRIPT_TAIL: usize = 60;

/// A peer a placeholder needs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Peer {
    Bitcoind,
    Electrum,
    Anvil,
    SafeArtifacts,
}

/// The placeholders a document may use (as environment variables) and the peer behind each.
const PLACEHOLDERS: [(&str, Peer); 7] = [
    ("BITCOIND_URL", Peer::Bitcoind),
    ("BITCOIND_COOKIE", Peer::Bitcoind),
    ("BITCOIN_CLI", Peer::Bitcoind),
    ("ELECTRUM_URL", Peer::Electrum),
    ("ETH_RPC", Peer::Anvil),
    ("FUNDER_KEY", Peer::Anvil),
    ("SAFE_ARTIFACTS", Peer::SafeArtifacts),
];

/// Writes to the real stderr, past the test harness's output capture, so that the list of
/// blocks shows in `scripts/test`'s log.
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

/// The peers one document runs against; stopped on drop.
#[derive(Default)]
struct Peers {
    // The Electrum server is dropped before the node it indexes.
    electrum: Option<ElectrumX>,
    bitcoind: Option<Bitcoind>,
    anvil: Option<Anvil>,
}

impl Peers {
    /// Starts what `needed` asks for and returns the placeholders' values, or the reason the
    /// document cannot run here.
    fn start(&mut self, needed: &[Peer]) -> Result<Vec<(&'static str, String)>, String> {
        let mut vars = Vec::new();
        if needed.contains(&Peer::Bitcoind) || needed.contains(&Peer::Electrum) {
            let extra: &[&str] = if needed.contains(&Peer::Electrum) {
                &["-txospenderindex=1"]
            } else {
                &[]
            };
            let node = Bitcoind::start_with(extra).ok_or("bitcoind is not installed")?;
            let cli = node.cli();
            let cli = std::iter::once(cli.get_program())
                .chain(cli.get_args())
                .map(|a| a.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            vars.push(("BITCOIN_CLI", cli));
            vars.push((
                "BITCOIND_URL",
                format!("http://127.0.0.1:{}", node.rpc_port()),
            ));
            vars.push(("BITCOIND_COOKIE", node.cookie_path().display().to_string()));
            if needed.contains(&Peer::Electrum) {
                let server = ElectrumX::start(&node).ok_or("e-x is not installed")?;
                vars.push(("ELECTRUM_URL", server.tcp_url.clone()));
                self.electrum = Some(server);
            }
            self.bitcoind = Some(node);
        }
        if needed.contains(&Peer::Anvil) {
            let node = Anvil::start().ok_or("anvil or cast is not installed")?;
            let key = node.cast_local(&["wallet", "private-key", common::ABANDON, "0"]);
            vars.push(("ETH_RPC", node.url.clone()));
            vars.push(("FUNDER_KEY", key));
            self.anvil = Some(node);
        }
        if needed.contains(&Peer::SafeArtifacts) {
            vars.push(("SAFE_ARTIFACTS", safe_artifacts()?));
        }
        Ok(vars)
    }
}

/// The official Safe contract artifacts (`COLDSIGN_TEST_SAFE_ARTIFACTS`).
fn safe_artifacts() -> Result<String, String> {
    match std::env::var("COLDSIGN_TEST_SAFE_ARTIFACTS") {
        Ok(dir) if Path::new(&dir).is_dir() => Ok(dir),
        _ => {
            assert!(
                std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none(),
                "the Safe artifacts are required (scripts/test installs them)"
            );
            Err("the Safe artifacts are not installed (COLDSIGN_TEST_SAFE_ARTIFACTS)".into())
        }
    }
}

/// Whether `unshare -rn` gives a process its own network namespace here.
fn network_namespaces() -> bool {
    Command::new("unshare")
        .args(["-rn", "true"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// One document's scratch directory and shell environment.
struct Scratch {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
    isolate: bool,
}

impl Scratch {
    fn new(placeholders: Vec<(&'static str, String)>, isolate: bool) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix("coldsign-docs-")
            .tempdir()
            .expect("scratch dir");
        let bin = dir.path().join(".docs-test/bin");
        std::fs::create_dir_all(&bin).unwrap();
        std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_coldsign"), bin.join("coldsign")).unwrap();
        if let Ok(cast) = std::env::var("COLDSIGN_TEST_CAST") {
            std::os::unix::fs::symlink(cast, bin.join("cast")).unwrap();
        }
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let mut env = vec![
            ("PATH".to_string(), path),
            ("HOME".to_string(), dir.path().display().to_string()),
            ("LANG".to_string(), "C.UTF-8".to_string()),
            ("NO_COLOR".to_string(), "1".to_string()),
            // Test-only keystore cost (README: `--scrypt-log-n`), so that ceremonies are fast.
            ("COLDSIGN_SCRYPT_LOG_N".to_string(), "10".to_string()),
        ];
        env.extend(placeholders.into_iter().map(|(k, v)| (k.to_string(), v)));
        Scratch { dir, env, isolate }
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join(".docs-test/state.sh")
    }

    /// Runs `lines` in bash with the variables and directory left by the previous run;
    /// `Err` holds the transcript's tail.
    fn run(&self, name: &str, lines: &str, offline: bool) -> Result<(), String> {
        let script = self.dir.path().join(format!(".docs-test/{name}.sh"));
        let log = self.dir.path().join(format!(".docs-test/{name}.log"));
        let state = self.state().display().to_string();
        std::fs::write(
            &script,
            format!(
                "set -euo pipefail\nset -a\nif [ -f {state} ]; then . {state}; fi\nset -x\n\
                 {lines}\n{{ set +x; }} 2>/dev/null\n\
                 {{ export -p | grep -Ev '^declare -x (OLDPWD|SHLVL|_)='; echo \"cd '$PWD'\"; }} > {state}\n"
            ),
        )
        .unwrap();
        let mut argv: Vec<&str> = Vec::new();
        if offline && self.isolate {
            argv.extend(["unshare", "-rn"]);
        }
        argv.extend(["timeout", BLOCK_TIMEOUT_SECS, "bash"]);
        let out = std::fs::File::create(&log).unwrap();
        let status = Command::new(argv[0])
            .args(&argv[1..])
            .arg(&script)
            .current_dir(self.dir.path())
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .status()
            .expect("run bash");
        if status.success() {
            return Ok(());
        }
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        Err(format!(
            "{status}; the block's last lines:\n{}",
            lines[lines.len().saturating_sub(TRANSCRIPT_TAIL)..].join("\n")
        ))
    }
}

/// README.md, docs/workflows/*.md and the Japanese quick start, relative to the crate root.
fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut workflows: Vec<PathBuf> = std::fs::read_dir(root.join("docs/workflows"))
        .expect("docs/workflows")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    workflows.sort();
    std::iter::once(root.join("README.md"))
        .chain(workflows)
        .chain(std::iter::once(root.join("docs/ja/README.md")))
        .collect()
}

/// Runs one document; `Err` says which block failed and how.
fn run_document(path: &Path, isolate: bool) -> Result<(), String> {
    let name = path
        .strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string();
    let markdown = std::fs::read_to_string(path).map_err(|e| format!("{name}: {e}"))?;
    let blocks = docs::extract(&markdown).map_err(|e| format!("{name}: {e}"))?;
    let prose = docs::prose(&markdown);
    let live: String = blocks
        .iter()
        .filter(|b| b.skip.is_none())
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let mut needed = Vec::new();
    for (placeholder, peer) in PLACEHOLDERS {
        if !docs::uses(&live, placeholder) {
            continue;
        }
        if !prose.contains(&format!("`${placeholder}`")) {
            return Err(format!(
                "{name}: a block uses ${placeholder}, but the text never says what \
                 `${placeholder}` stands for"
            ));
        }
        needed.push(peer);
    }
    say!("docs: {name}: {} shell blocks", blocks.len());
    let mut peers = Peers::default();
    let vars = match peers.start(&needed) {
        Ok(vars) => vars,
        Err(reason) => {
            say!("  skipped the whole document: {reason}");
            return Ok(());
        }
    };
    let scratch = Scratch::new(vars, isolate);
    for (n, block) in blocks.iter().enumerate() {
        let label = |text: &str| {
            let first = text
                .lines()
                .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
            format!(
                "{name}:{} ({}) {}",
                block.line,
                block.heading,
                first.unwrap_or("").trim()
            )
        };
        if let Some(reason) = &block.skip {
            say!("  skip {}: {reason}", label(&block.text));
            continue;
        }
        for (m, (offline, lines)) in docs::segments(block).iter().enumerate() {
            let label = label(lines);
            let mode = match (offline, isolate) {
                (true, true) => "offline, unshare -rn",
                (true, false) => "offline, NOT isolated",
                (false, _) => "online",
            };
            let result = scratch.run(&format!("block-{n}-{m}"), lines, *offline);
            say!(
                "  {} {label} [{mode}]",
                if result.is_ok() { "ran " } else { "FAIL" }
            );
            result.map_err(|e| format!("{label} [{mode}] failed: {e}"))?;
        }
    }
    Ok(())
}

#[test]
fn every_shell_block_of_the_docs_runs_as_written() {
    let isolate = network_namespaces();
    if !isolate {
        say!("docs: unshare -rn does not work here; offline blocks run WITHOUT network isolation");
    }
    let failures: Vec<String> = documents()
        .iter()
        .filter_map(|doc| run_document(doc, isolate).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} document(s) do not run as written:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
