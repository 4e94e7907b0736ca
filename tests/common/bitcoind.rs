//! A throwaway Bitcoin Core regtest node for end-to-end tests.
//!
//! ```ignore
//! let Some(node) = Bitcoind::start() else { return }; // skips when bitcoind is not built
//! let info = node.rpc("getblockchaininfo", &[]);
//! node.mine_to("bcrt1q...", 1);
//! node.mature();
//! let utxos = node.utxos("wpkh([73c5da0a/84h/1h/0h]tpub.../0/*)");
//! ```
//!
//! Binaries: `$COLDSIGN_TEST_BITCOIND_DIR/{bitcoind,bitcoin-cli}`, else
//! `~/.cache/coldsign-test/bitcoind-kernel-0.4.1/bin` (what `scripts/build-bitcoind` produces).
//! When they are missing, [`Bitcoind::start`] prints `skipping: ...` and returns `None`, unless
//! `COLDSIGN_TEST_REQUIRE_TOOLS` is set (scripts/test sets it), in which case it panics.
//!
//! Each node gets its own temporary datadir and a free RPC port on 127.0.0.1, so any number of
//! tests and test binaries can run nodes at once. The node never connects out and does not
//! listen for peers. RPC goes over a minimal HTTP/1.1 JSON-RPC client with cookie
//! authentication (exact JSON params, no subprocess per call). The node is stopped when the
//! [`Bitcoind`] is dropped; a small watchdog process also kills it if the test process dies
//! without running destructors.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// Version of the libbitcoinkernel-sys crate whose Core source `scripts/build-bitcoind` builds.
const KERNEL_VERSION: &str = "0.4.1";
/// How long a node may take to answer its first RPC.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a node may take to shut down after `stop` before it is killed.
const STOP_TIMEOUT: Duration = Duration::from_secs(30);
/// Start attempts (a fresh port each time) when the RPC port was taken in the meantime.
const START_ATTEMPTS: usize = 5;
/// Where [`Bitcoind::mature`] sends its coinbases: P2WSH(OP_TRUE), the address Core's
/// functional tests use for blocks nobody cares about.
pub const THROWAWAY_ADDRESS: &str =
    "bcrt1qft5p2uhsdcdc3l2ua4ap5qqfg4pjaqlp250x7us7a8qqhrxrxfsqseac85";

/// One unspent output found by [`Bitcoind::utxos`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Utxo {
    pub txid: String,
    pub vout: u32,
    pub amount_sats: u64,
    pub script_pubkey_hex: String,
    /// Height of the block that created it.
    pub height: u64,
    /// The descriptor of this very output as Core infers it (with origin info).
    pub desc: String,
}

/// A running regtest node; stopped and its datadir deleted on drop.
pub struct Bitcoind {
    child: Child,
    watchdog: Option<Child>,
    rpc_port: u16,
    cookie_path: PathBuf,
    bin_dir: PathBuf,
    // Declared last so it is removed after the node is stopped.
    datadir: tempfile::TempDir,
}

/// The directory holding `bitcoind` and `bitcoin-cli` (see the module docs), if both exist.
/// Applies the skip/require rule: `None` (after printing `skipping: ...`) or panic.
pub fn bin_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("COLDSIGN_TEST_BITCOIND_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => dirs::home_dir().unwrap_or_default().join(format!(
            ".cache/coldsign-test/bitcoind-kernel-{KERNEL_VERSION}/bin"
        )),
    };
    if dir.join("bitcoind").is_file() && dir.join("bitcoin-cli").is_file() {
        return Some(dir);
    }
    let msg = format!(
        "bitcoind/bitcoin-cli not found in {} (run scripts/build-bitcoind and set \
         COLDSIGN_TEST_BITCOIND_DIR to the directory it prints)",
        dir.display()
    );
    assert!(
        std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none(),
        "bitcoind is required but {msg}"
    );
    eprintln!("skipping: {msg}");
    None
}

/// A port that was free on 127.0.0.1 a moment ago (the OS picks it).
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .expect("bind 127.0.0.1:0")
        .port()
}

/// The last `n` lines of a file, for failure messages.
fn tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

impl Bitcoind {
    /// Starts a fresh regtest node in a temporary datadir (RPC on a free 127.0.0.1 port,
    /// `-txindex=1`, no peers) and waits until `getblockchaininfo` answers. See the module docs
    /// for where the binaries come from and when this returns `None`. Panics when the node
    /// cannot be started.
    pub fn start() -> Option<Bitcoind> {
        Self::start_with(&[])
    }

    /// Like [`Bitcoind::start`], with extra `bitcoind` arguments (e.g. `-txospenderindex=1`).
    pub fn start_with(extra: &[&str]) -> Option<Bitcoind> {
        let bin_dir = bin_dir()?;
        let mut last_error = String::new();
        for _ in 0..START_ATTEMPTS {
            match Self::start_once(&bin_dir, extra) {
                Ok(node) => return Some(node),
                // Another process took the port between free_port() and bitcoind's bind.
                Err((true, e)) => last_error = e,
                Err((false, e)) => panic!("bitcoind failed to start: {e}"),
            }
        }
        panic!("bitcoind failed to start after {START_ATTEMPTS} attempts: {last_error}");
    }

    /// `Err((port_taken, message))`.
    fn start_once(bin_dir: &Path, extra: &[&str]) -> Result<Bitcoind, (bool, String)> {
        let datadir = tempfile::Builder::new()
            .prefix("coldsign-bitcoind-")
            .tempdir()
            .expect("temp datadir");
        let rpc_port = free_port();
        let log = std::fs::File::create(datadir.path().join("bitcoind.out")).unwrap();
        let child = Command::new(bin_dir.join("bitcoind"))
            .arg(format!("-datadir={}", datadir.path().display()))
            .args([
                "-regtest",
                "-daemon=0",
                "-server=1",
                "-printtoconsole=0",
                "-txindex=1",
                "-acceptnonstdtxn=0",
                // RPC on loopback only.
                "-rpcbind=127.0.0.1",
                "-rpcallowip=127.0.0.1",
                &format!("-rpcport={rpc_port}"),
                // No peers in either direction, no external services.
                "-listen=0",
                "-connect=0",
                "-dnsseed=0",
                "-fixedseeds=0",
                "-discover=0",
                "-listenonion=0",
                "-natpmp=0",
                "-persistmempool=0",
            ])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .map_err(|e| {
                let msg = format!("spawn {}: {e}", bin_dir.join("bitcoind").display());
                (false, msg)
            })?;
        let watchdog = spawn_watchdog(child.id(), datadir.path());
        let mut node = Bitcoind {
            child,
            watchdog,
            rpc_port,
            cookie_path: datadir.path().join("regtest/.cookie"),
            bin_dir: bin_dir.to_path_buf(),
            datadir,
        };
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        loop {
            if let Some(status) = node.child.try_wait().unwrap() {
                let log = std::fs::read_to_string(node.debug_log()).unwrap_or_default();
                let port_taken = log.contains("Unable to bind any endpoint for RPC server");
                return Err((
                    port_taken,
                    format!(
                        "bitcoind exited with {status}:\n{}\n{}",
                        tail(&node.datadir.path().join("bitcoind.out"), 20),
                        tail(&node.debug_log(), 20)
                    ),
                ));
            }
            let err = match node.try_rpc("getblockchaininfo", &[]) {
                Ok(_) => return Ok(node),
                Err(e) => e,
            };
            if Instant::now() > deadline {
                return Err((
                    false,
                    format!(
                        "no RPC answer within {STARTUP_TIMEOUT:?} (last error: {err}):\n{}",
                        tail(&node.debug_log(), 20)
                    ),
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The node's datadir (the chain lives under `regtest/`).
    pub fn datadir(&self) -> &Path {
        self.datadir.path()
    }

    /// The node's `debug.log`.
    pub fn debug_log(&self) -> PathBuf {
        self.datadir.path().join("regtest/debug.log")
    }

    /// The RPC port on 127.0.0.1.
    pub fn rpc_port(&self) -> u16 {
        self.rpc_port
    }

    /// The RPC cookie file (`user:password`), present while the node runs.
    pub fn cookie_path(&self) -> &Path {
        &self.cookie_path
    }

    /// A `bitcoin-cli` command already pointed at this node; add the method and its args.
    pub fn cli(&self) -> Command {
        let mut cmd = Command::new(self.bin_dir.join("bitcoin-cli"));
        cmd.arg("-regtest")
            .arg(format!("-datadir={}", self.datadir.path().display()))
            .arg("-rpcconnect=127.0.0.1")
            .arg(format!("-rpcport={}", self.rpc_port));
        cmd
    }

    /// Calls `method` with positional `params`; panics with the method and Core's error.
    #[track_caller]
    pub fn rpc(&self, method: &str, params: &[Value]) -> Value {
        match self.try_rpc(method, params) {
            Ok(result) => result,
            Err(e) => panic!("bitcoind RPC {method} failed: {e}"),
        }
    }

    /// Calls `method` with positional `params`. `Err` holds Core's error as
    /// `"code N: message"`, or a transport error.
    pub fn try_rpc(&self, method: &str, params: &[Value]) -> Result<Value, String> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let reply = self.post(&body.to_string())?;
        let reply: Value = serde_json::from_str(&reply)
            .map_err(|e| format!("reply is not JSON ({e}): {reply}"))?;
        match &reply["error"] {
            Value::Null => Ok(reply["result"].clone()),
            err => Err(format!(
                "code {}: {}",
                err["code"],
                err["message"].as_str().unwrap_or(&err.to_string())
            )),
        }
    }

    /// One HTTP/1.1 POST to `/` with cookie auth; returns the body.
    fn post(&self, body: &str) -> Result<String, String> {
        let cookie = std::fs::read_to_string(&self.cookie_path)
            .map_err(|e| format!("read {}: {e}", self.cookie_path.display()))?;
        let auth = bitcoin::base64::Engine::encode(
            &bitcoin::base64::prelude::BASE64_STANDARD,
            cookie.trim(),
        );
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.rpc_port));
        let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))
            .map_err(|e| format!("connect {addr}: {e}"))?;
        // Generous: `generatetoaddress` and `scantxoutset` can take a while on a busy machine.
        stream.set_read_timeout(Some(Duration::from_secs(300))).ok();
        let request = format!(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Basic {auth}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.rpc_port,
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .map_err(|e| format!("send: {e}"))?;
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader
            .read_line(&mut status)
            .map_err(|e| format!("read status: {e}"))?;
        let mut content_length = None;
        loop {
            let mut line = String::new();
            reader
                .read_line(&mut line)
                .map_err(|e| format!("read header: {e}"))?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    content_length = value.trim().parse::<usize>().ok();
                }
            }
        }
        let mut reply = Vec::new();
        match content_length {
            Some(n) => {
                reply.resize(n, 0);
                reader.read_exact(&mut reply)
            }
            None => reader.read_to_end(&mut reply).map(|_| ()),
        }
        .map_err(|e| format!("read body: {e}"))?;
        let reply = String::from_utf8_lossy(&reply).into_owned();
        // JSON-RPC errors come with 200 (JSON-RPC 2.0); anything else without a JSON body
        // (401, 403, 503 while warming up on old versions...) is a transport error.
        if !status.contains(" 200 ") && !reply.trim_start().starts_with('{') {
            return Err(format!("HTTP {}: {reply}", status.trim()));
        }
        Ok(reply)
    }

    /// Mines `blocks` blocks paying their coinbase to `address`; returns the block hashes.
    pub fn mine_to(&self, address: &str, blocks: u32) -> Vec<String> {
        let hashes = self.rpc("generatetoaddress", &[json!(blocks), json!(address)]);
        hashes
            .as_array()
            .expect("generatetoaddress returns an array")
            .iter()
            .map(|h| h.as_str().unwrap().to_string())
            .collect()
    }

    /// Mines 100 blocks to [`THROWAWAY_ADDRESS`], so every coinbase mined before is spendable.
    pub fn mature(&self) {
        self.mine_to(THROWAWAY_ADDRESS, 100);
    }

    /// Current block height.
    pub fn height(&self) -> u64 {
        self.rpc("getblockcount", &[]).as_u64().unwrap()
    }

    /// Confirmed unspent outputs paying `descriptor` (a ranged one is scanned over indexes
    /// 0..=1000), via `scantxoutset`; sorted by (height, txid, vout). Mempool outputs are not
    /// included.
    pub fn utxos(&self, descriptor: &str) -> Vec<Utxo> {
        let scan = self.rpc("scantxoutset", &[json!("start"), json!([descriptor])]);
        assert_eq!(scan["success"], json!(true), "scantxoutset failed: {scan}");
        let mut utxos: Vec<Utxo> = scan["unspents"]
            .as_array()
            .expect("scantxoutset unspents")
            .iter()
            .map(|u| Utxo {
                txid: u["txid"].as_str().unwrap().to_string(),
                vout: u["vout"].as_u64().unwrap() as u32,
                amount_sats: btc_to_sats(&u["amount"]),
                script_pubkey_hex: u["scriptPubKey"].as_str().unwrap().to_string(),
                height: u["height"].as_u64().unwrap(),
                desc: u["desc"].as_str().unwrap_or_default().to_string(),
            })
            .collect();
        utxos.sort_by(|a, b| (a.height, &a.txid, a.vout).cmp(&(b.height, &b.txid, b.vout)));
        utxos
    }

    /// Gives the node's fee estimator (`estimatesmartfee`) data on regtest, where it has none:
    /// splits one mature [`THROWAWAY_ADDRESS`] coinbase (call [`Bitcoind::mature`] first) into
    /// small coins, then for `blocks` blocks sends `per_block` transactions from the mempool
    /// at `rates` sat/vB in turn and mines them. Each spends a confirmed coin (the estimator
    /// ignores transactions with unconfirmed parents); the P2WSH(OP_TRUE) coins need no
    /// signatures. Core answers a target of 2 once it has tracked transactions over at least
    /// 4 blocks (the split's block counts) and enough of them (about 16 all told here).
    pub fn feed_fee_estimator(&self, blocks: u32, per_block: u32, rates: &[u64]) {
        use bitcoin::consensus::encode::serialize_hex;
        use bitcoin::{
            absolute, transaction, Amount, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut,
            Witness,
        };
        let op_true = ScriptBuf::from_bytes(vec![0x51]);
        let spk = ScriptBuf::new_p2wsh(&op_true.wscript_hash());
        let tx = |from: OutPoint, output: Vec<TxOut>| Transaction {
            version: transaction::Version::TWO,
            lock_time: absolute::LockTime::ZERO,
            input: vec![TxIn {
                previous_output: from,
                script_sig: ScriptBuf::new(),
                sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
                witness: Witness::from_slice(&[op_true.as_bytes()]),
            }],
            output,
        };
        let send = |tx: &Transaction| {
            self.rpc("sendrawtransaction", &[json!(serialize_hex(tx))]);
            tx.compute_txid()
        };
        let tip = self.height();
        let coinbase = self
            .utxos(&format!("addr({THROWAWAY_ADDRESS})"))
            .into_iter()
            .find(|u| u.height + 100 <= tip + 1)
            .expect("a mature throwaway coinbase (mine and mature first)");
        let count = blocks * per_block;
        let coin = TxOut {
            value: Amount::from_sat((coinbase.amount_sats - 50_000) / u64::from(count)),
            script_pubkey: spk,
        };
        let from = OutPoint::new(coinbase.txid.parse().unwrap(), coinbase.vout);
        let split = send(&tx(from, vec![coin.clone(); count as usize]));
        self.mine_to(THROWAWAY_ADDRESS, 1);
        for b in 0..blocks {
            for i in 0..per_block {
                let n = b * per_block + i;
                let mut t = tx(OutPoint::new(split, n), vec![coin.clone()]);
                let fee = rates[n as usize % rates.len()] * t.vsize() as u64;
                t.output[0].value -= Amount::from_sat(fee);
                send(&t);
            }
            self.mine_to(THROWAWAY_ADDRESS, 1);
        }
    }

    /// Stops the node: RPC `stop`, wait up to 30 s, then kill. Idempotent.
    fn shutdown(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.try_rpc("stop", &[]);
            let deadline = Instant::now() + STOP_TIMEOUT;
            while self.child.try_wait().ok().flatten().is_none() {
                if Instant::now() > deadline {
                    eprintln!("bitcoind did not stop within {STOP_TIMEOUT:?}; killing it");
                    let _ = self.child.kill();
                    let _ = self.child.wait();
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }
        if let Some(mut watchdog) = self.watchdog.take() {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
    }
}

impl Drop for Bitcoind {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "--- bitcoind debug.log (last 40 lines) ---\n{}\n---",
                tail(&self.debug_log(), 40)
            );
        }
        self.shutdown();
    }
}

/// A JSON BTC amount (8 decimals) in satoshis.
pub fn btc_to_sats(amount: &Value) -> u64 {
    let btc = amount.as_f64().expect("amount is a number");
    (btc * 100_000_000.0).round() as u64
}

/// A satoshi amount as the JSON number Core expects for BTC amounts.
pub fn sats_to_btc(sats: u64) -> Value {
    // Exact: format with 8 decimals and let serde parse it back as a number.
    serde_json::from_str(&format!("{}.{:08}", sats / 100_000_000, sats % 100_000_000)).unwrap()
}

/// `sh` process that, once this test process is gone (SIGKILL, abort, timeout: no destructor
/// runs), stops the node (SIGTERM, SIGKILL after 15 s) and deletes its datadir, so nothing is
/// left behind. Exits by itself when the node does.
fn spawn_watchdog(pid: u32, datadir: &Path) -> Option<Child> {
    const SCRIPT: &str = r#"
        while kill -0 "$1" 2>/dev/null; do
            if ! kill -0 "$2" 2>/dev/null; then
                kill "$1" 2>/dev/null
                i=0
                while kill -0 "$1" 2>/dev/null && [ "$i" -lt 15 ]; do sleep 1; i=$((i + 1)); done
                kill -9 "$1" 2>/dev/null
                sleep 1
                rm -rf "$3"
                exit 0
            fi
            sleep 1
        done
    "#;
    Command::new("sh")
        .args(["-c", SCRIPT, "coldsign-bitcoind-watchdog"])
        .arg(pid.to_string())
        .arg(std::process::id().to_string())
        .arg(datadir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()
}
