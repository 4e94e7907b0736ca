//! A throwaway `e-x` (ElectrumX 2.0) Electrum server on top of a regtest [`Bitcoind`] started
//! with `-txospenderindex=1`, serving TCP and TLS (a fresh self-signed certificate) on free
//! 127.0.0.1 ports. Its LevelDB lives in a temporary directory; it is killed on drop.
//!
//! The server comes from the venv `scripts/test` installs (`e-x==2.0.0` + `plyvel`) at
//! `$COLDSIGN_TEST_EX_DIR` or `~/.cache/coldsign-test/e-x-venv`. When missing,
//! [`ElectrumX::start`] prints `skipping: ...` and returns `None`, unless
//! `COLDSIGN_TEST_REQUIRE_TOOLS` is set.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::bitcoind::{free_port, Bitcoind};

/// How long the server may take to index the chain and answer.
const READY_TIMEOUT: Duration = Duration::from_secs(120);

/// A running server.
pub struct ElectrumX {
    child: Child,
    /// `tcp://127.0.0.1:PORT`.
    pub tcp_url: String,
    /// `ssl://127.0.0.1:PORT` (self-signed).
    pub ssl_url: String,
    tcp_port: u16,
    dir: tempfile::TempDir,
}

fn venv() -> Option<PathBuf> {
    let dir = match std::env::var_os("COLDSIGN_TEST_EX_DIR") {
        Some(d) => PathBuf::from(d),
        None => dirs::home_dir()?.join(".cache/coldsign-test/e-x-venv"),
    };
    if dir.join("bin/electrumx_server").is_file() {
        return Some(dir);
    }
    assert!(
        std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none(),
        "e-x is required but {} has no bin/electrumx_server (run scripts/test)",
        dir.display()
    );
    eprintln!("skipping: e-x not installed in {}", dir.display());
    None
}

impl ElectrumX {
    /// Starts a server for `node` and waits until it has indexed the node's tip.
    pub fn start(node: &Bitcoind) -> Option<ElectrumX> {
        let venv = venv()?;
        let dir = tempfile::Builder::new()
            .prefix("coldsign-electrumx-")
            .tempdir()
            .unwrap();
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        let made = Command::new("openssl")
            .args([
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
            ])
            .arg("/CN=127.0.0.1")
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("openssl");
        assert!(made.success(), "openssl could not make a certificate");
        let cookie = std::fs::read_to_string(node.cookie_path()).unwrap();
        let (tcp_port, ssl_port) = (free_port(), free_port());
        std::fs::create_dir(dir.path().join("db")).unwrap();
        let log = std::fs::File::create(dir.path().join("electrumx.log")).unwrap();
        let child = Command::new(venv.join("bin/electrumx_server"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("COIN", "Bitcoin")
            .env("NET", "regtest")
            .env("DB_ENGINE", "leveldb")
            .env("DB_DIRECTORY", dir.path().join("db"))
            .env(
                "DAEMON_URL",
                format!("http://{}@127.0.0.1:{}/", cookie.trim(), node.rpc_port()),
            )
            .env(
                "SERVICES",
                format!("tcp://127.0.0.1:{tcp_port},ssl://127.0.0.1:{ssl_port}"),
            )
            .env("SSL_CERTFILE", &cert)
            .env("SSL_KEYFILE", &key)
            .env("PEER_DISCOVERY", "off")
            .env("PEER_ANNOUNCE", "")
            .env("ALLOW_ROOT", "1")
            .env("LOG_LEVEL", "info")
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("spawn electrumx_server");
        let server = ElectrumX {
            child,
            tcp_url: format!("tcp://127.0.0.1:{tcp_port}"),
            ssl_url: format!("ssl://127.0.0.1:{ssl_port}"),
            tcp_port,
            dir,
        };
        server.wait_for_height(node.height());
        Some(server)
    }

    /// Waits until the server reports `height` as its tip (after mining, before syncing).
    pub fn wait_for_height(&self, height: u64) {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            if let Some(h) = self.tip() {
                if h >= height {
                    return;
                }
            }
            assert!(
                Instant::now() < deadline,
                "e-x did not reach height {height}:\n{}",
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    /// The tip height the server reports, if it answers.
    fn tip(&self) -> Option<u64> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.tcp_port)).ok()?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .ok()?;
        let request = concat!(
            r#"{"jsonrpc":"2.0","id":0,"method":"server.version","params":["coldsign-test","1.4"]}"#,
            "\n",
            r#"{"jsonrpc":"2.0","id":1,"method":"blockchain.headers.subscribe","params":[]}"#,
            "\n"
        );
        stream.write_all(request.as_bytes()).ok()?;
        let mut reader = BufReader::new(stream);
        for _ in 0..2 {
            let mut line = String::new();
            reader.read_line(&mut line).ok()?;
            let reply: serde_json::Value = serde_json::from_str(&line).ok()?;
            if reply["id"] == 1 {
                return reply["result"]["height"].as_u64();
            }
        }
        None
    }

    fn log_tail(&self) -> String {
        let text =
            std::fs::read_to_string(self.dir.path().join("electrumx.log")).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

impl Drop for ElectrumX {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- e-x log (last 30 lines) ---\n{}\n---", self.log_tail());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
