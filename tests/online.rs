//! The online host end to end, against real servers: watch-only wallets funded by mining on a
//! Bitcoin Core regtest node, synced through Core's RPC and through an `e-x` Electrum server,
//! 50-recipient batch payouts built from CSV, signed by coldsign in a process of its own with
//! no network (`unshare -n`), broadcast, mined and re-synced; the same with a 2-of-3 multisig
//! wallet and two signers; an RBF bump the node accepts; coin control, send-max and
//! consolidation spends; a `--target-blocks` build from the node's own fee estimate; and the
//! errors that must leave nothing behind.

mod common;

use common::approvals::{approval_quorum, approve};
use common::bitcoind::{Bitcoind, THROWAWAY_ADDRESS};
use common::btc::*;
use common::electrumx::ElectrumX;
use common::{Sandbox, ABANDON, LEGAL};
use serde_json::{json, Value};

/// The host: a sandbox with no keystore, running the online commands on regtest.
struct Host {
    sb: Sandbox,
    backend: Vec<String>,
}

impl Host {
    fn core(node: &Bitcoind) -> Host {
        Host {
            sb: Sandbox::new(),
            backend: vec![
                "--backend".into(),
                format!("core:http://127.0.0.1:{}", node.rpc_port()),
                "--rpc-cookie".into(),
                node.cookie_path().to_str().unwrap().into(),
            ],
        }
    }

    /// A host that never goes online.
    fn core_less() -> Host {
        Host {
            sb: Sandbox::new(),
            backend: Vec::new(),
        }
    }

    fn electrum(url: &str) -> Host {
        Host {
            sb: Sandbox::new(),
            backend: vec![
                "--backend".into(),
                format!("electrum:{url}"),
                "--insecure-tls".into(),
            ],
        }
    }

    fn run(&self, args: &[&str]) -> common::Outcome {
        let mut full = vec!["--json", "--network", "regtest"];
        full.extend_from_slice(args);
        self.sb.run(&full, "")
    }

    /// `args` plus the backend options.
    fn online(&self, args: &[&str]) -> common::Outcome {
        let mut full: Vec<&str> = args.to_vec();
        full.extend(self.backend.iter().map(String::as_str));
        self.run(&full)
    }

    fn sync(&self, wallet: &str) -> Value {
        self.online(&["wallet", "sync", wallet]).ok().json()
    }

    fn receive(&self, wallet: &str) -> String {
        let out = self.run(&["wallet", "addresses", wallet]).ok().json();
        out["addresses"][0]["address"].as_str().unwrap().to_string()
    }
}

/// An outside address: P2WPKH of LETTER's BIP84 account at receive `index`.
fn letter_address(index: u32) -> String {
    let letter = standard(&hd(LETTER), "wpkh({0})", "m/84'/1'/0'");
    at(&letter, 0, index)
        .address(bitcoin::Network::Regtest)
        .unwrap()
        .to_string()
}

/// 50 payouts to outside addresses (LETTER's), 0.01 BTC upward.
fn payouts_csv() -> (String, u64) {
    let mut csv = String::from("address,amount,label\n");
    let mut total = 0;
    for i in 0..50u32 {
        let address = letter_address(i);
        let sats = 1_000_000 + u64::from(i) * 1_000;
        total += sats;
        csv.push_str(&format!("{address},{}sat,payee {i}\n", sats));
    }
    (csv, total)
}

/// Mines two coinbases to the wallet and matures them: 100 BTC.
fn fund(node: &Bitcoind, host: &Host, wallet: &str) {
    let address = host.receive(wallet);
    node.mine_to(&address, 2);
    node.mature();
}

/// ABANDON's signer and a Core host watching its BIP84 account as wallet `hot`.
fn hot_wallet(node: &Bitcoind) -> (Sandbox, Host) {
    let signer = Sandbox::new();
    signer.restore(ABANDON);
    signer.export_watch_only("watch.json");
    let host = Host::core(node);
    std::fs::copy(signer.path("watch.json"), host.sb.path("watch.json")).unwrap();
    let added = host
        .run(&["wallet", "add", "hot", "--from-export", "watch.json"])
        .ok()
        .json();
    assert!(added["descriptor"]
        .as_str()
        .unwrap()
        .starts_with("wpkh([73c5da0a/84'/1'/0']"));
    (signer, host)
}

/// Carries the host's `file` across the air gap to each of `signers` in turn (each reviews
/// it, showing the intent digest `build` printed, and signs with no network) and the result
/// back; returns the signed file's host-side name.
fn sign_airgapped(host: &Host, signers: &[&Sandbox], file: &str, built: &Value) -> String {
    let mut from = host.sb.path(file);
    for (i, signer) in signers.iter().enumerate() {
        std::fs::copy(&from, signer.path(file)).unwrap();
        let out = format!("signed{i}-{file}");
        let signed = signer
            .run_offline(
                &[
                    "--json",
                    "--network",
                    "regtest",
                    "sign",
                    file,
                    "-o",
                    &out,
                    "--yes",
                    "--require-airgap",
                ],
                "",
            )
            .ok()
            .json();
        assert_eq!(signed["review"]["intent_digest"], built["intent_digest"]);
        from = signer.path(&out);
    }
    let signed = format!("signed-{file}");
    std::fs::copy(&from, host.sb.path(&signed)).unwrap();
    signed
}

/// Broadcasts the host's `signed` file, mines a block and checks the transaction is in it;
/// returns the txid.
fn broadcast_mined(node: &Bitcoind, host: &Host, signed: &str) -> String {
    let txid = host.online(&["broadcast", signed]).ok().json()["txid"]
        .as_str()
        .unwrap()
        .to_string();
    node.mine_to(THROWAWAY_ADDRESS, 1);
    let confirmed = node.rpc("getrawtransaction", &[json!(txid), json!(true)]);
    assert!(confirmed["confirmations"].as_u64().unwrap() >= 1);
    txid
}

/// Builds the CSV batch, signs it air-gapped with each of `signers` in turn, broadcasts,
/// mines, and checks confirmations and the re-synced balance.
fn batch_payout(node: &Bitcoind, host: &Host, wallet: &str, signers: &[&Sandbox], wait: &dyn Fn()) {
    let before = host.sync(wallet)["balance"]["confirmed"].as_u64().unwrap();
    assert_eq!(before, 100 * 100_000_000);
    let (csv, total) = payouts_csv();
    std::fs::write(host.sb.path("payouts.csv"), csv).unwrap();
    let built = host
        .run(&[
            "build",
            wallet,
            "--recipients",
            "payouts.csv",
            "--fee-rate",
            "2",
            "-o",
            "unsigned.psbt",
        ])
        .ok()
        .json();
    assert_eq!(
        built["outputs"].as_array().unwrap().len(),
        51,
        "50 payouts and change"
    );
    assert_eq!(built["totals"]["external"], total);
    // Each payout's CSV label is on its output row.
    let labels: Vec<&str> = built["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["label"].as_str())
        .collect();
    assert_eq!(labels.len(), 50, "{labels:?}");
    assert!(labels.contains(&"payee 7"), "{labels:?}");
    assert!(built["rbf"].as_bool().unwrap());
    // Only bdk's anti-fee-sniping locktime (info): no warning a signer would stop at.
    let serious: Vec<&Value> = built["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["severity"] != "info")
        .collect();
    assert!(serious.is_empty(), "{serious:?}");
    let fee = built["totals"]["fee"].as_u64().unwrap();
    let signed = sign_airgapped(host, signers, "unsigned.psbt", &built);
    broadcast_mined(node, host, &signed);
    wait();
    let after = host.sync(wallet);
    assert_eq!(
        after["balance"]["confirmed"],
        before - total - fee,
        "{after}"
    );
    assert_eq!(after["balance"]["unconfirmed"], 0);
}

#[test]
fn single_sig_batch_payout_through_core() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let (signer, host) = hot_wallet(&node);
    fund(&node, &host, "hot");
    batch_payout(&node, &host, "hot", &[&signer], &|| {});
    let listed = host.run(&["wallet", "list"]).ok().json();
    assert_eq!(listed[0]["kind"], "watch-only");
    // Defaults from the config file (XDG config dir): sync without backend options.
    std::fs::create_dir_all(host.sb.path("config/coldsign")).unwrap();
    std::fs::write(
        host.sb.path("config/coldsign/config.toml"),
        format!(
            "backend = \"core:http://127.0.0.1:{}\"\nrpc_cookie = \"{}\"\n",
            node.rpc_port(),
            node.cookie_path().display()
        ),
    )
    .unwrap();
    host.run(&["wallet", "sync", "hot"]).ok();
}

#[test]
fn watch_only_wallets_come_from_exports_descriptors_and_slip132_keys() {
    let signer = Sandbox::new();
    signer.restore(ABANDON);
    let export = signer
        .regtest(
            &[
                "--json",
                "key",
                "export",
                "--watch-only",
                "--slip132",
                "-o",
                "-",
            ],
            "",
        )
        .ok()
        .json();
    let bip84 = &export["bitcoin"][0];
    let host = Host::core_less();
    let first = bip84["first_receive"].as_str().unwrap();
    // A [fingerprint/path]vpub (SLIP-132: native segwit).
    let vpub = format!(
        "[73c5da0a/{}]{}",
        bip84["path"].as_str().unwrap().trim_start_matches("m/"),
        bip84["slip132"].as_str().unwrap()
    );
    std::fs::write(host.sb.path("vpub.txt"), &vpub).unwrap();
    let a = host
        .run(&["wallet", "add", "a", "--from-export", "vpub.txt"])
        .ok()
        .json();
    assert_eq!(a["first_receive"], first);
    // A receive/change descriptor pair.
    let multi = bip84["descriptor"]
        .as_str()
        .unwrap()
        .split('#')
        .next()
        .unwrap();
    let (r, c) = (multi.replace("<0;1>", "0"), multi.replace("<0;1>", "1"));
    let b = host
        .run(&["wallet", "add", "b", "--descriptor", &r, "--descriptor", &c])
        .ok()
        .json();
    assert_eq!(b["first_receive"], first);
    // Refused: swapped pair, a private key, a name taken, mainnet keys on regtest.
    host.sb
        .run(
            &[
                "--network",
                "regtest",
                "wallet",
                "add",
                "c",
                "--descriptor",
                &c,
                "--descriptor",
                &r,
            ],
            "",
        )
        .fails_with(2);
    host.sb
        .run(
            &[
                "--network",
                "regtest",
                "wallet",
                "add",
                "d",
                "--descriptor",
                "wpkh(tprv8ZgxMBicQKsPd/<0;1>/*)",
            ],
            "",
        )
        .fails_with(2);
    host.sb
        .run(
            &[
                "--network",
                "regtest",
                "wallet",
                "add",
                "a",
                "--descriptor",
                multi,
            ],
            "",
        )
        .fails_with(2);
    host.sb
        .run(&["wallet", "add", "e", "--descriptor", multi], "")
        .fails_with(2);
    let names: Vec<Value> = host
        .run(&["wallet", "list"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].clone())
        .collect();
    assert_eq!(names, vec![json!("a"), json!("b")]);
    let shown = host
        .run(&["wallet", "addresses", "a", "--count", "2"])
        .ok()
        .json();
    assert_eq!(shown["addresses"][0]["address"], first);
    assert_eq!(shown["addresses"][1]["index"], 1);
}

#[test]
fn single_sig_batch_payout_through_electrum() {
    let Some(node) = Bitcoind::start_with(&["-txospenderindex=1"]) else {
        return;
    };
    let signer = Sandbox::new();
    signer.restore(ABANDON);
    signer
        .regtest(&["key", "export", "--watch-only", "-o", "watch.txt"], "")
        .ok();
    // The plain-text export; its taproot account.
    node.mine_to(THROWAWAY_ADDRESS, 1);
    let Some(server) = ElectrumX::start(&node) else {
        return;
    };
    let host = Host::electrum(&server.tcp_url);
    std::fs::copy(signer.path("watch.txt"), host.sb.path("watch.txt")).unwrap();
    let added = host
        .run(&[
            "wallet",
            "add",
            "hot",
            "--from-export",
            "watch.txt",
            "--script",
            "p2tr",
        ])
        .ok()
        .json();
    assert!(added["descriptor"].as_str().unwrap().starts_with("tr("));
    fund(&node, &host, "hot");
    server.wait_for_height(node.height());
    let wait = || server.wait_for_height(node.height());
    batch_payout(&node, &host, "hot", &[&signer], &wait);
    // The same wallet over TLS (self-signed certificate, hence --insecure-tls).
    let tls = Host::electrum(&server.ssl_url);
    let synced = tls
        .online(&[
            "wallet",
            "sync",
            "hot",
            "--wallet-dir",
            host.sb.path("data/coldsign/watch-only").to_str().unwrap(),
        ])
        .ok()
        .json();
    assert_eq!(
        synced["balance"],
        host.run(&["wallet", "show", "hot"]).ok().json()["balance"]
    );
}

#[test]
fn two_of_three_multisig_batch_payout_and_rbf_bump() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let keys: Vec<String> = [hd(ABANDON), hd(LEGAL), hd(LETTER)]
        .iter()
        .map(|h| key(h, "m/48'/1'/0'/2'"))
        .collect();
    let vault = multipath("wsh(sortedmulti(2,{0},{1},{2}))", &keys).to_string();
    let (alice, bob) = (Sandbox::new(), Sandbox::new());
    alice.restore(ABANDON);
    bob.restore(LEGAL);
    for sb in [&alice, &bob] {
        std::fs::write(sb.path("vault.txt"), &vault).unwrap();
        sb.regtest(
            &["wallet", "import", "vault.txt", "--name", "vault", "--yes"],
            "",
        )
        .ok();
    }
    let host = Host::core(&node);
    host.run(&["wallet", "add", "vault", "--descriptor", &vault])
        .ok();
    fund(&node, &host, "vault");
    batch_payout(&node, &host, "vault", &[&alice, &bob], &|| {});

    // The host's review is a preview of what its wallet claims, never called verified.
    let to = letter_address(99);
    let preview = host
        .sb
        .run(
            &[
                "--network",
                "regtest",
                "build",
                "vault",
                "--to",
                &format!("{to}:0.1"),
                "--fee-rate",
                "1",
                "-o",
                "preview.psbt",
            ],
            "",
        )
        .ok()
        .stdout;
    assert!(
        preview.contains("preview by the online host") && !preview.contains("(verified)"),
        "{preview}"
    );
    // RBF: pay once at 1 sat/vB, then replace at 5 sat/vB; the node takes the replacement.
    let first = host
        .run(&[
            "build",
            "vault",
            "--to",
            &format!("{to}:0.5"),
            "--fee-rate",
            "1",
            "-o",
            "first.psbt",
        ])
        .ok()
        .json();
    let first = sign_airgapped(&host, &[&alice, &bob], "first.psbt", &first);
    let first_txid = host.online(&["broadcast", &first]).ok().json()["txid"]
        .as_str()
        .unwrap()
        .to_string();
    host.sync("vault");
    let bump = host
        .online(&[
            "bump",
            &first_txid,
            "--wallet",
            "vault",
            "--fee-rate",
            "5",
            "-o",
            "bump.psbt",
            "--psbt-v2",
        ])
        .ok()
        .json();
    assert_eq!(bump["replaces"], first_txid.as_str(), "{bump}");
    let bumped = sign_airgapped(&host, &[&alice, &bob], "bump.psbt", &bump);
    let bump_txid = host.online(&["broadcast", &bumped]).ok().json()["txid"]
        .as_str()
        .unwrap()
        .to_string();
    let mempool = node.rpc("getrawmempool", &[]);
    assert!(mempool.as_array().unwrap().contains(&json!(bump_txid)));
    assert!(!mempool.as_array().unwrap().contains(&json!(first_txid)));
}

#[test]
fn bad_payouts_and_backends_fail_clearly_and_write_nothing() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let (_, host) = hot_wallet(&node);
    fund(&node, &host, "hot");
    host.sync("hot");
    let (csv, _) = payouts_csv();
    let rows: Vec<&str> = csv.lines().collect();
    let testnet = "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx";
    let (head, good) = (rows[0], rows[1]);
    let addr = &good[..good.find(',').unwrap()];
    let cases: Vec<(String, &str)> = vec![
        (format!("{head}\n{good}\n{good}\n"), "row 3: "),
        (format!("{head}\n{good}\n{testnet},0.1\n"), "row 3: address"),
        (format!("{head}\n{addr}x,0.1\n"), "row 2: invalid address"),
        (format!("{head}\n{addr},100sat\n"), "row 2: 100 sat"),
        (format!("{head}\n{addr},abc\n"), "row 2: invalid amount"),
        (
            format!("{head}\n{good}\n{addr}\n"),
            "row 3: expected address,amount",
        ),
        (format!("{head}\n{addr},200\n"), "insufficient funds"),
    ];
    for (csv, expected) in cases {
        std::fs::write(host.sb.path("bad.csv"), &csv).unwrap();
        let out = host
            .sb
            .run(
                &[
                    "--network",
                    "regtest",
                    "build",
                    "hot",
                    "--recipients",
                    "bad.csv",
                    "--fee-rate",
                    "2",
                    "-o",
                    "out.psbt",
                ],
                "",
            )
            .fails_with(2);
        assert!(out.stderr.contains(expected), "{expected}: {}", out.stderr);
        assert!(!host.sb.path("out.psbt").exists());
    }
    let wrong_net = host
        .sb
        .run(
            &[
                "--network",
                "regtest",
                "build",
                "hot",
                "--to",
                &format!("{testnet}:0.1"),
                "--fee-rate",
                "2",
                "-o",
                "out.psbt",
            ],
            "",
        )
        .fails_with(2);
    assert!(
        wrong_net.stderr.contains("not a regtest address"),
        "{}",
        wrong_net.stderr
    );

    // Regtest has no fee estimates: the error says to give the rate.
    let estimate = host
        .sb
        .run(
            &[
                "--network",
                "regtest",
                "build",
                "hot",
                "--to",
                &format!("{THROWAWAY_ADDRESS}:0.1"),
                "--target-blocks",
                "2",
                "-o",
                "out.psbt",
                "--backend",
                &format!("core:http://127.0.0.1:{}", node.rpc_port()),
                "--rpc-cookie",
                node.cookie_path().to_str().unwrap(),
            ],
            "",
        )
        .fails_with(2);
    assert!(
        estimate.stderr.contains("no fee estimate"),
        "{}",
        estimate.stderr
    );
    assert!(!host.sb.path("out.psbt").exists());

    // Backends: nobody listening, wrong credentials, a signed file that is not final.
    let closed = common::bitcoind::free_port();
    let unreachable = host
        .sb
        .run(
            &[
                "--network",
                "regtest",
                "wallet",
                "sync",
                "hot",
                "--backend",
                &format!("core:http://127.0.0.1:{closed}"),
                "--rpc-cookie",
                node.cookie_path().to_str().unwrap(),
            ],
            "",
        )
        .fails_with(6);
    assert!(
        unreachable.stderr.contains("cannot reach bitcoin core"),
        "{}",
        unreachable.stderr
    );
    std::fs::write(host.sb.path("pw.txt"), "wrong\n").unwrap();
    let denied = host
        .sb
        .run(
            &[
                "--network",
                "regtest",
                "wallet",
                "sync",
                "hot",
                "--backend",
                &format!("core:http://127.0.0.1:{}", node.rpc_port()),
                "--rpc-user",
                "nobody",
                "--rpc-password-file",
                "pw.txt",
            ],
            "",
        )
        .fails_with(6);
    assert!(
        denied.stderr.contains("rejected the rpc credentials"),
        "{}",
        denied.stderr
    );
    let electrum = host
        .sb
        .run(
            &[
                "--network",
                "regtest",
                "wallet",
                "sync",
                "hot",
                "--backend",
                &format!("electrum:tcp://127.0.0.1:{closed}"),
            ],
            "",
        )
        .fails_with(6);
    assert!(
        electrum.stderr.contains("electrum server at"),
        "{}",
        electrum.stderr
    );
    host.run(&[
        "build",
        "hot",
        "--to",
        &format!("{}:0.1", THROWAWAY_ADDRESS),
        "--fee-rate",
        "2",
        "-o",
        "unsigned.psbt",
    ])
    .ok();
    let unsigned = host
        .sb
        .run(&["--network", "regtest", "broadcast", "unsigned.psbt"], "")
        .fails_with(2);
    assert!(unsigned.stderr.contains("not final"), "{}", unsigned.stderr);
}

/// The wallet's unspent coins (`TXID:VOUT`) from a re-synced view.
fn coins(view: &Value) -> Vec<String> {
    view["utxos"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["outpoint"].as_str().unwrap().to_string())
        .collect()
}

/// The outpoints a PSBT file on the host spends.
fn psbt_inputs(host: &Host, file: &str) -> Vec<String> {
    let text = std::fs::read_to_string(host.sb.path(file)).unwrap();
    let psbt: bitcoin::psbt::Psbt = text.trim().parse().unwrap();
    psbt.unsigned_tx
        .input
        .iter()
        .map(|i| i.previous_output.to_string())
        .collect()
}

/// Whether the node's UTXO set holds `outpoint` (`TXID:VOUT`).
fn unspent(node: &Bitcoind, outpoint: &str) -> bool {
    let (txid, vout) = outpoint.split_once(':').unwrap();
    let vout: u32 = vout.parse().unwrap();
    !node.rpc("gettxout", &[json!(txid), json!(vout)]).is_null()
}

#[test]
fn coin_control_spends_exactly_the_chosen_coins() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let (signer, host) = hot_wallet(&node);
    node.mine_to(&host.receive("hot"), 1);
    fund(&node, &host, "hot");
    let before = coins(&host.sync("hot"));
    assert_eq!(before.len(), 3, "three coinbases of 50 BTC");
    let (chosen, kept) = ([&before[0], &before[2]], &before[1]);
    let to = format!("{}:60", letter_address(5));
    let pay = |utxos: &[&String], out: &str| {
        let mut args = vec!["build", "hot", "--to", &to, "--fee-rate", "2", "-o", out];
        for u in utxos {
            args.extend(["--utxo", u.as_str()]);
        }
        host.run(&args)
    };
    let built = pay(&chosen, "chosen.psbt").ok().json();
    let mut inputs = psbt_inputs(&host, "chosen.psbt");
    inputs.sort();
    assert_eq!(inputs, chosen.map(String::clone));
    let signed = sign_airgapped(&host, &[&signer], "chosen.psbt", &built);
    broadcast_mined(&node, &host, &signed);
    assert!(chosen.iter().all(|c| !unspent(&node, c)));
    assert!(unspent(&node, kept));
    assert!(coins(&host.sync("hot")).contains(kept));

    // Refused, nothing written: a spent coin, someone else's coin, and one coin that cannot
    // pay 60 BTC although the wallet could (only the chosen coins are spent).
    let theirs = node.utxos(&format!("addr({THROWAWAY_ADDRESS})"))[0].clone();
    let theirs = format!("{}:{}", theirs.txid, theirs.vout);
    for (utxo, expected) in [
        (chosen[0], "is already spent"),
        (&theirs, "is not one of the wallet's coins"),
        (kept, "insufficient funds"),
    ] {
        let out = pay(&[utxo], "refused.psbt");
        assert_eq!(out.code, 2, "{}", out.stdout);
        let message = out.json()["error"].as_str().unwrap().to_string();
        assert!(message.contains(expected), "{expected}: {message}");
        assert!(!host.sb.path("refused.psbt").exists());
    }
}

#[test]
fn send_max_empties_the_wallet_into_one_output() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let (signer, host) = hot_wallet(&node);
    fund(&node, &host, "hot");
    let before = host.sync("hot")["balance"]["confirmed"].as_u64().unwrap();
    let to = letter_address(6);
    let built = host
        .run(&[
            "build",
            "hot",
            "--send-max",
            "--to",
            &to,
            "--fee-rate",
            "2",
            "-o",
            "max.psbt",
        ])
        .ok()
        .json();
    assert_eq!(built["inputs"].as_array().unwrap().len(), 2);
    let fee = built["totals"]["fee"].as_u64().unwrap();
    let outputs = built["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 1, "no change: {outputs:?}");
    assert_eq!(outputs[0]["address"], to.as_str());
    assert_eq!(outputs[0]["kind"], "external");
    assert_eq!(outputs[0]["amount"], before - fee);
    let signed = sign_airgapped(&host, &[&signer], "max.psbt", &built);
    let txid = broadcast_mined(&node, &host, &signed);
    assert!(unspent(&node, &format!("{txid}:0")));
    let after = host.sync("hot");
    assert_eq!(after["balance"]["total"], 0, "{after}");
    assert!(coins(&after).is_empty());
}

#[test]
fn consolidate_merges_every_coin_into_one_of_the_wallets_own() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let (signer, host) = hot_wallet(&node);
    node.mine_to(&host.receive("hot"), 1);
    fund(&node, &host, "hot");
    let synced = host.sync("hot");
    let before = synced["balance"]["confirmed"].as_u64().unwrap();
    let built = host
        .run(&[
            "build",
            "hot",
            "--consolidate",
            "--fee-rate",
            "2",
            "-o",
            "merge.psbt",
        ])
        .ok()
        .json();
    let mut inputs = psbt_inputs(&host, "merge.psbt");
    inputs.sort();
    assert_eq!(inputs, coins(&synced), "every coin");
    let fee = built["totals"]["fee"].as_u64().unwrap();
    let outputs = built["outputs"].as_array().unwrap();
    assert_eq!(outputs.len(), 1, "{outputs:?}");
    assert_eq!(outputs[0]["kind"], "change", "verified as the wallet's own");
    assert_eq!(outputs[0]["amount"], before - fee);
    let signed = sign_airgapped(&host, &[&signer], "merge.psbt", &built);
    let txid = broadcast_mined(&node, &host, &signed);
    let after = host.sync("hot");
    assert_eq!(after["balance"]["confirmed"], before - fee, "{after}");
    assert_eq!(after["balance"]["unconfirmed"], 0);
    let utxos = after["utxos"].as_array().unwrap();
    assert_eq!(utxos.len(), 1);
    assert_eq!(utxos[0]["outpoint"], format!("{txid}:0"));
    assert_eq!(utxos[0]["keychain"], "change");
}

#[test]
fn target_blocks_uses_the_node_fee_estimate() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let (_, host) = hot_wallet(&node);
    fund(&node, &host, "hot");
    // The least that works: 4 blocks of 4 (3 blocks, or 4 of 3, give no estimate).
    node.feed_fee_estimator(4, 4, &[2, 3, 4, 5, 6, 7]);
    let estimate = node.rpc("estimatesmartfee", &[json!(2)]);
    let sat_per_vb = common::bitcoind::btc_to_sats(&estimate["feerate"]) as f64 / 1000.0;
    host.sync("hot");
    let built = host
        .online(&[
            "build",
            "hot",
            "--to",
            &format!("{}:1", letter_address(7)),
            "--target-blocks",
            "2",
            "-o",
            "estimated.psbt",
        ])
        .ok()
        .json();
    let rate = built["totals"]["fee_rate"].as_f64().unwrap();
    assert!((2.0..=7.0).contains(&sat_per_vb), "{estimate}");
    // bdk charges the rate per weight unit; per rounded-up vbyte it is a hair lower.
    assert!(
        (rate - sat_per_vb).abs() <= sat_per_vb * 0.02,
        "node estimate {sat_per_vb} sat/vB, built at {rate}: {estimate}"
    );
}

#[test]
fn a_two_of_three_approval_quorum_gates_signing_and_is_logged() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let (signer, host) = hot_wallet(&node);
    fund(&node, &host, "hot");
    host.sync("hot");
    let to = format!("{}:1.5", letter_address(7));
    let built = host
        .run(&[
            "build",
            "hot",
            "--to",
            &to,
            "--fee-rate",
            "2",
            "-o",
            "pay.psbt",
        ])
        .ok()
        .json();
    let other_to = format!("{}:2", letter_address(8));
    host.run(&[
        "build",
        "hot",
        "--to",
        &other_to,
        "--fee-rate",
        "2",
        "-o",
        "other.psbt",
    ])
    .ok();
    for file in ["pay.psbt", "other.psbt"] {
        std::fs::copy(host.sb.path(file), signer.path(file)).unwrap();
    }
    let approvers = approval_quorum(&signer);
    let [(_, alice), (_, bob), (_, carol)] = approvers.as_slice() else {
        unreachable!()
    };
    approve(alice, &signer, "pay.psbt", &signer, "alice.ur", &[]);
    approve(bob, &signer, "pay.psbt", &signer, "bob.ur", &[]);
    approve(
        carol,
        &signer,
        "pay.psbt",
        &signer,
        "carol-expired.ur",
        &["--expires", "0s"],
    );
    approve(carol, &signer, "other.psbt", &signer, "carol-other.ur", &[]);
    // The signer's own seed can make an approval, but its key is not in the policy.
    approve(&signer, &signer, "pay.psbt", &signer, "own.ur", &[]);

    let sign = |approvals: &[&str], out: &str| {
        let mut args = vec![
            "--json",
            "--network",
            "regtest",
            "sign",
            "pay.psbt",
            "-o",
            out,
            "--yes",
            "--policy",
            "policy.toml",
        ];
        for a in approvals {
            args.extend(["--approval", a]);
        }
        signer.run_offline(&args, "")
    };
    for (approvals, expected) in [
        (vec![], "0 of 2 required approvals"),
        (vec!["alice.ur"], "1 of 2 required approvals"),
        (vec!["alice.ur", "alice.ur"], "alice approved twice"),
        (vec!["alice.ur", "carol-expired.ur"], "carol has expired"),
        (vec!["alice.ur", "carol-other.ur"], "is for another request"),
        (
            vec!["alice.ur", "own.ur"],
            "from no approver the policy names",
        ),
    ] {
        let out = sign(&approvals, "refused.psbt");
        assert_eq!(out.code, 1, "{approvals:?}: {}", out.stdout);
        let message = out.json()["error"].as_str().unwrap().to_string();
        assert!(message.contains(expected), "{approvals:?}: {message}");
        assert!(!signer.path("refused.psbt").exists());
    }
    let signed = sign(&["alice.ur", "bob.ur"], "signed.psbt").ok().json();
    assert_eq!(signed["review"]["intent_digest"], built["intent_digest"]);
    std::fs::copy(signer.path("signed.psbt"), host.sb.path("signed.psbt")).unwrap();
    broadcast_mined(&node, &host, "signed.psbt");

    // The audit log names the approvers of the signature.
    signer
        .run_keyed(&["log", "export", "--csv", "-o", "log.csv"], "")
        .ok();
    let csv = std::fs::read_to_string(signer.path("log.csv")).unwrap();
    let signed_line = csv
        .lines()
        .find(|l| l.contains(",signed,"))
        .expect("a signed decision");
    assert!(signed_line.ends_with("alice bob"), "{signed_line}");
    assert!(csv.contains(",denied,"), "the refusals are logged too");
}
