//! Message signatures across independent implementations: bip322-js and bitcoinjs-message
//! (JavaScript, through tests/js/bip322.js) and Bitcoin Core's `signmessagewithprivkey` /
//! `verifymessage`. coldsign signs and the peer verifies, and the other way round. Skipped
//! (with "skipping: …") when a peer is not installed, unless COLDSIGN_TEST_REQUIRE_TOOLS is set.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::str::FromStr;

use bitcoin::bip32::DerivationPath;
use bitcoin::{Address, CompressedPublicKey, Network};
use common::bitcoind::Bitcoind;
use common::btc::hd;
use common::message::verify_on;
use common::{Sandbox, ABANDON};
use serde_json::json;

const P2WPKH: (&str, &str) = (
    "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu",
    "m/84'/0'/0'/0/0",
);
const P2TR: (&str, &str) = (
    "bc1p5cyxnuxmeuwuvkwfem96lqzszd02n6xdcjrs20cac6yqjjwudpxqkedrcr",
    "m/86'/0'/0'/0/0",
);
const P2SH_P2WPKH: (&str, &str) = ("37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf", "m/49'/0'/0'/0/0");
const P2PKH: (&str, &str) = ("1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA", "m/44'/0'/0'/0/0");
const MESSAGE: &str = "coldsign cross-check: Grüße, 世界";

/// The node_modules holding bip322-js and bitcoinjs-message (COLDSIGN_TEST_BIP322_JS, which
/// scripts/test exports), or `None` after "skipping: …".
fn peer_modules() -> Option<PathBuf> {
    let modules = std::env::var_os("COLDSIGN_TEST_BIP322_JS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".cache/coldsign-test/npm-messages/node_modules"))
        })
        .filter(|m| m.join("bip322-js/package.json").is_file());
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if modules.is_none() || !node {
        assert!(
            std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none(),
            "node with bip322-js and bitcoinjs-message is required but not installed"
        );
        eprintln!("skipping: node, bip322-js or bitcoinjs-message not installed (scripts/test installs them)");
        return None;
    }
    modules
}

fn js(modules: &PathBuf, args: &[&str]) -> String {
    let script = format!("{}/tests/js/bip322.js", env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("node")
        .arg(script)
        .args(args)
        .env("NODE_PATH", modules)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "bip322.js {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The WIF of the ABANDON key at `path`.
fn wif(path: &str, network: Network) -> String {
    let key = hd(ABANDON).private_key(&DerivationPath::from_str(path).unwrap());
    bitcoin::PrivateKey::new(*key.expose_secret(), network).to_wif()
}

fn coldsign_sign(sb: &Sandbox, network: &str, address: &str, extra: &[&str]) -> String {
    let request = json!({"message": MESSAGE, "address": address}).to_string();
    std::fs::write(sb.path("req.json"), request).unwrap();
    let mut args = vec![
        "--network",
        network,
        "--json",
        "message",
        "sign",
        "req.json",
        "--yes",
    ];
    args.extend_from_slice(extra);
    let out = sb.run_keyed(&args, "").ok().json();
    out["signature"].as_str().unwrap().to_string()
}

fn coldsign_verify(sb: &Sandbox, network: &str, address: &str, signature: &str) {
    verify_on(sb, network, address, MESSAGE, signature).ok();
}

#[test]
fn coldsign_signatures_verify_in_bip322_js_and_bitcoinjs_message() {
    let Some(modules) = peer_modules() else {
        return;
    };
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    // bip322-js predates the BIP's variant prefixes: --no-prefix is the interoperable form.
    // It cannot read full signatures, which the BIP requires for p2sh-p2wpkh (it writes and
    // reads a bare witness there), so p2sh-p2wpkh is checked in the other direction only.
    for (address, _) in [P2WPKH, P2TR, P2PKH] {
        let signature = coldsign_sign(&sb, "bitcoin", address, &["--no-prefix"]);
        assert_eq!(
            js(&modules, &["verify", address, MESSAGE, &signature]),
            "true",
            "{address}"
        );
    }
    let electrum_style = coldsign_sign(&sb, "bitcoin", P2WPKH.0, &["--format", "legacy"]);
    assert_eq!(
        js(
            &modules,
            &["legacy-verify", P2WPKH.0, MESSAGE, &electrum_style]
        ),
        "true"
    );
    // A signature for another message fails in the peer too (the check can fail).
    let other = coldsign_sign(&sb, "bitcoin", P2TR.0, &["--no-prefix"]);
    assert_eq!(
        js(&modules, &["verify", P2TR.0, "another message", &other]),
        "false"
    );
}

#[test]
fn bip322_js_and_bitcoinjs_message_signatures_verify_in_coldsign() {
    let Some(modules) = peer_modules() else {
        return;
    };
    let sb = Sandbox::new();
    for (address, path) in [P2WPKH, P2TR, P2SH_P2WPKH, P2PKH] {
        let signature = js(
            &modules,
            &["sign", &wif(path, Network::Bitcoin), address, MESSAGE],
        );
        coldsign_verify(&sb, "bitcoin", address, &signature);
    }
    // Electrum's header (31-34) and the BIP-137 segwit headers (35-42).
    for (address, path, segwit) in [
        (P2WPKH.0, P2WPKH.1, None),
        (P2WPKH.0, P2WPKH.1, Some("p2wpkh")),
        (P2SH_P2WPKH.0, P2SH_P2WPKH.1, Some("p2sh(p2wpkh)")),
    ] {
        let key = wif(path, Network::Bitcoin);
        let mut args = vec!["legacy-sign", key.as_str(), MESSAGE];
        args.extend(segwit);
        let signature = js(&modules, &args);
        coldsign_verify(&sb, "bitcoin", address, &signature);
    }
}

#[test]
fn bitcoin_core_verifies_coldsign_and_coldsign_verifies_bitcoin_core() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let path = "m/44'/1'/0'/0/0";
    let key = hd(ABANDON).private_key(&DerivationPath::from_str(path).unwrap());
    let public = CompressedPublicKey(
        key.expose_secret()
            .public_key(&bitcoin::secp256k1::Secp256k1::new()),
    );
    let address = Address::p2pkh(public, Network::Regtest).to_string();
    let ours = coldsign_sign(&sb, "regtest", &address, &[]);
    assert_eq!(
        node.rpc(
            "verifymessage",
            &[json!(address), json!(ours), json!(MESSAGE)]
        ),
        json!(true)
    );
    assert_eq!(
        node.rpc(
            "verifymessage",
            &[json!(address), json!(ours), json!("another message")]
        ),
        json!(false)
    );
    let theirs = node.rpc(
        "signmessagewithprivkey",
        &[json!(wif(path, Network::Regtest)), json!(MESSAGE)],
    );
    coldsign_verify(&sb, "regtest", &address, theirs.as_str().unwrap());
    // An uncompressed key (header 27-30) signs for its own, different p2pkh address only.
    let mut uncompressed = bitcoin::PrivateKey::from_wif(&wif(path, Network::Regtest)).unwrap();
    uncompressed.compressed = false;
    let old_address = Address::p2pkh(
        uncompressed.public_key(&bitcoin::secp256k1::Secp256k1::new()),
        Network::Regtest,
    )
    .to_string();
    let theirs = node.rpc(
        "signmessagewithprivkey",
        &[json!(uncompressed.to_wif()), json!(MESSAGE)],
    );
    let theirs = theirs.as_str().unwrap();
    coldsign_verify(&sb, "regtest", &old_address, theirs);
    verify_on(&sb, "regtest", &address, MESSAGE, theirs).fails_with(4);
}
