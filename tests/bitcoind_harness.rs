//! Smoke tests of the regtest harness (tests/common/bitcoind.rs): a full receive → PSBT →
//! sign → broadcast → confirm round trip done entirely by Bitcoin Core, which the end-to-end
//! tests of coldsign build on.

mod common;

use std::str::FromStr;

use bitcoin::bip32::{DerivationPath, Xpriv, Xpub};
use serde_json::{json, Value};

use common::bitcoind::{sats_to_btc, Bitcoind};
use common::ABANDON;

/// Account m/84'/1'/0' of the ABANDON mnemonic, public.
const ACCOUNT_DESC: &str = "wpkh([73c5da0a/84h/1h/0h]tpubDC8msFGeGuwnKG9Upg7DM2b4DaRqg3CUZa5g8v2SRQ6K4NSkxUgd7HsL2XVWbVm39yBA4LAxysQAm397zwQSQoQgewGiYZqrA9DsP4zbQ1M/0/*)";
/// The master tprv of the ABANDON mnemonic.
const MASTER_TPRV: &str = "tprv8ZgxMBicQKsPe5YMU9gHen4Ez3ApihUfykaqUorj9t6FDqy3nP6eoXiAo2ssvpAjoLroQxHqr3R5nE3a5dU3DHTjTgJDd7zrbniJr6nrCzd";
/// ACCOUNT_DESC index 0.
const FIRST_ADDRESS: &str = "bcrt1q6rz28mcfaxtmd6v789l9rrlrusdprr9pz3cppk";
const COINBASE_SATS: u64 = 50 * 100_000_000;
const FEE_SATS: u64 = 10_000;

/// `desc#checksum`, as Core computes it.
fn with_checksum(node: &Bitcoind, desc: &str) -> String {
    let info = node.rpc("getdescriptorinfo", &[json!(desc)]);
    format!("{desc}#{}", info["checksum"].as_str().unwrap())
}

fn derive(node: &Bitcoind, desc: &str, index: u32) -> String {
    let addrs = node.rpc(
        "deriveaddresses",
        &[json!(with_checksum(node, desc)), json!([index, index])],
    );
    addrs[0].as_str().unwrap().to_string()
}

fn decode(node: &Bitcoind, psbt: &str) -> Value {
    node.rpc("decodepsbt", &[json!(psbt)])
}

/// The (pubkey hex, signature hex) pairs of input `index`.
fn partial_sigs(node: &Bitcoind, psbt: &str, index: usize) -> Vec<(String, String)> {
    let decoded = decode(node, psbt);
    let sigs = decoded["inputs"][index]["partial_signatures"]
        .as_object()
        .unwrap_or_else(|| panic!("input {index} has no partial signatures: {decoded:#}"));
    sigs.iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

/// The (pubkey hex, signature hex) of single-key input `index`, from its partial signatures or
/// (once finalized) its witness.
fn input_sig(node: &Bitcoind, psbt: &str, index: usize) -> (String, String) {
    let decoded = decode(node, psbt);
    let input = &decoded["inputs"][index];
    if let Some(witness) = input["final_scriptwitness"].as_array() {
        assert_eq!(witness.len(), 2, "{decoded:#}");
        let s = |i: usize| witness[i].as_str().unwrap().to_string();
        return (s(1), s(0));
    }
    let sigs = partial_sigs(node, psbt, index);
    assert_eq!(sigs.len(), 1, "{decoded:#}");
    sigs[0].clone()
}

#[test]
fn the_test_keys_are_what_the_descriptors_claim() {
    // Offline: the constants above really belong to the ABANDON mnemonic.
    let secp = bitcoin::secp256k1::Secp256k1::new();
    let seed = bip39::Mnemonic::parse(ABANDON).unwrap().to_seed("");
    let master = Xpriv::new_master(bitcoin::NetworkKind::Test, &seed).unwrap();
    assert_eq!(master.to_string(), MASTER_TPRV);
    assert_eq!(master.fingerprint(&secp).to_string(), "73c5da0a");
    let account = master
        .derive_priv(&secp, &DerivationPath::from_str("m/84'/1'/0'").unwrap())
        .unwrap();
    let tpub = Xpub::from_priv(&secp, &account).to_string();
    assert!(ACCOUNT_DESC.contains(&tpub), "{tpub}");
}

#[test]
fn regtest_round_trip_signed_by_core() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let chain = node.rpc("getblockchaininfo", &[]);
    assert_eq!(chain["chain"], "regtest");
    // Not connected to anybody, not listening.
    assert_eq!(node.rpc("getconnectioncount", &[]), json!(0));

    // Public descriptor: Core agrees on the first address.
    let info = node.rpc("getdescriptorinfo", &[json!(ACCOUNT_DESC)]);
    assert_eq!(info["isrange"], json!(true));
    assert_eq!(info["hasprivatekeys"], json!(false));
    assert_eq!(derive(&node, ACCOUNT_DESC, 0), FIRST_ADDRESS);

    // Private descriptor (master tprv + full path): same addresses, so it is the right key.
    let private_desc = format!("wpkh({MASTER_TPRV}/84h/1h/0h/0/*)");
    let info = node.rpc("getdescriptorinfo", &[json!(private_desc)]);
    assert_eq!(info["hasprivatekeys"], json!(true));
    assert_eq!(derive(&node, &private_desc, 0), FIRST_ADDRESS);
    assert_eq!(
        derive(&node, &private_desc, 1),
        derive(&node, ACCOUNT_DESC, 1)
    );

    // Receive a coinbase and let it mature.
    let hashes = node.mine_to(FIRST_ADDRESS, 1);
    assert_eq!(hashes.len(), 1);
    node.mature();
    assert_eq!(node.height(), 101);
    let utxos = node.utxos(ACCOUNT_DESC);
    assert_eq!(utxos.len(), 1, "{utxos:?}");
    let coin = &utxos[0];
    assert_eq!(coin.amount_sats, COINBASE_SATS);
    assert_eq!(coin.height, 1);
    assert!(
        coin.script_pubkey_hex.starts_with("0014") && coin.script_pubkey_hex.len() == 44,
        "{coin:?}"
    );
    assert!(coin.desc.contains("[73c5da0a/84h/1h/0h/0/0]"), "{coin:?}");

    // Unsigned PSBT spending it to index 1 (same transaction as PSBT v2, Core's default, and
    // v0), then the updater adds UTXO and BIP32 data.
    let to = derive(&node, ACCOUNT_DESC, 1);
    let create = |psbt_version: u32| {
        let unsigned = node.rpc(
            "createpsbt",
            &[
                json!([{"txid": coin.txid, "vout": coin.vout}]),
                json!([{ to.as_str(): sats_to_btc(COINBASE_SATS - FEE_SATS) }]),
                json!(0),    // locktime
                json!(true), // replaceable
                json!(2),    // transaction version
                json!(psbt_version),
            ],
        );
        let psbt = node.rpc("utxoupdatepsbt", &[unsigned, json!([ACCOUNT_DESC])]);
        let psbt = psbt.as_str().unwrap().to_string();
        assert!(psbt.starts_with("cHNidP8"), "{psbt}");
        let decoded = decode(&node, &psbt);
        assert_eq!(decoded["psbt_version"], json!(psbt_version), "{decoded:#}");
        let input = &decoded["inputs"][0];
        assert_eq!(
            input["witness_utxo"]["scriptPubKey"]["hex"],
            json!(coin.script_pubkey_hex),
            "{decoded:#}"
        );
        assert!(input["non_witness_utxo"].is_object(), "{decoded:#}");
        let derivs = input["bip32_derivs"].as_array().expect("bip32_derivs");
        assert_eq!(derivs.len(), 1, "{decoded:#}");
        assert_eq!(derivs[0]["master_fingerprint"], "73c5da0a");
        let path = derivs[0]["path"].as_str().unwrap().replace('\'', "h");
        assert_eq!(path, "m/84h/1h/0h/0/0");
        assert_eq!(decoded["fee"], sats_to_btc(FEE_SATS));
        (psbt, derivs[0]["pubkey"].as_str().unwrap().to_string())
    };
    let (psbt, pubkey) = create(2);
    let (psbt_v0, _) = create(0);

    // Core signs both with the private descriptor: one signature, same bytes for v2 and v0.
    let core_sign = |psbt: &str| {
        let signed = node.rpc(
            "descriptorprocesspsbt",
            &[
                json!(psbt),
                json!([private_desc]),
                json!("ALL"),
                json!(true),  // bip32derivs
                json!(false), // finalize
            ],
        );
        assert_eq!(signed["complete"], json!(false), "{signed:#}");
        let signed = signed["psbt"].as_str().unwrap().to_string();
        let sigs = partial_sigs(&node, &signed, 0);
        assert_eq!(sigs.len(), 1);
        assert_eq!(sigs[0].0, pubkey);
        assert!(sigs[0].1.ends_with("01"), "SIGHASH_ALL: {}", sigs[0].1);
        // Low R (grinding) and low S: at most 70 bytes of DER plus the sighash byte.
        assert!(sigs[0].1.len() <= 2 * 71, "{}", sigs[0].1);
        (signed, sigs[0].1.clone())
    };
    let (signed, core_sig) = core_sign(&psbt);
    let (signed_v0, core_sig_v0) = core_sign(&psbt_v0);
    assert_eq!(core_sig, core_sig_v0);
    let finalized = node.rpc("finalizepsbt", &[json!(signed)]);
    assert_eq!(finalized["complete"], json!(true), "{finalized:#}");
    let hex = finalized["hex"].clone();
    let finalized_v0 = node.rpc("finalizepsbt", &[json!(signed_v0)]);
    assert_eq!(finalized_v0["hex"], hex);

    // bdk-cli signs the same transaction with the same key: byte-identical signature (both
    // RFC 6979 with low-R grinding), hence the identical final transaction.
    if common::bdk_cli::bdk_cli().is_some() {
        let change_desc = format!("wpkh({MASTER_TPRV}/84h/1h/0h/1/*)");
        // bdk-cli 4.0.0 (rust-bitcoin 0.32) does not read PSBT v2.
        let v2 = common::bdk_cli::try_bdk_sign(&psbt, &private_desc, Some(&change_desc), false);
        assert!(
            v2.as_ref()
                .is_err_and(|e| e.contains("PSBT versions greater than 0 are not supported")),
            "{v2:?}"
        );
        let bdk_signed = common::bdk_cli::bdk_sign(&psbt_v0, &private_desc, Some(&change_desc));
        assert_eq!(
            input_sig(&node, &bdk_signed, 0),
            (pubkey.clone(), core_sig.clone())
        );
        let bdk_final = node.rpc("finalizepsbt", &[json!(bdk_signed)]);
        assert_eq!(bdk_final["hex"], hex);

        // Without non_witness_utxo, bdk-cli signs segwit v0 only when told to trust the
        // witness_utxo.
        let mut stripped = bitcoin::Psbt::from_str(&psbt_v0).unwrap();
        stripped.inputs[0].non_witness_utxo = None;
        let stripped = stripped.to_string();
        let untrusted =
            common::bdk_cli::try_bdk_sign(&stripped, &private_desc, Some(&change_desc), false);
        assert!(
            untrusted
                .as_ref()
                .is_err_and(|e| e.contains("Missing non-witness UTXO")),
            "{untrusted:?}"
        );
        let trusted =
            common::bdk_cli::try_bdk_sign(&stripped, &private_desc, Some(&change_desc), true)
                .unwrap();
        assert_eq!(input_sig(&node, &trusted, 0).1, core_sig);
    }

    // Broadcast Core's transaction and mine it.
    let accept = node.rpc("testmempoolaccept", &[json!([hex])]);
    assert_eq!(accept[0]["allowed"], json!(true), "{accept:#}");
    let txid = node.rpc("sendrawtransaction", &[hex]);
    assert_eq!(txid, accept[0]["txid"]);
    node.mine_to(common::bitcoind::THROWAWAY_ADDRESS, 1);
    let tx = node.rpc("getrawtransaction", &[txid.clone(), json!(true)]);
    assert!(tx["confirmations"].as_u64().unwrap() >= 1, "{tx:#}");
    let utxos = node.utxos(ACCOUNT_DESC);
    assert_eq!(utxos.len(), 1, "{utxos:?}");
    assert_eq!(utxos[0].txid, txid.as_str().unwrap());
    assert_eq!(utxos[0].amount_sats, COINBASE_SATS - FEE_SATS);
}

#[test]
fn nodes_started_together_do_not_collide() {
    let starts: Vec<_> = (0..2)
        .map(|_| std::thread::spawn(Bitcoind::start))
        .collect();
    let nodes: Vec<Bitcoind> = starts
        .into_iter()
        .filter_map(|t| t.join().unwrap())
        .collect();
    if nodes.len() < 2 {
        return; // skipped
    }
    assert_ne!(nodes[0].rpc_port(), nodes[1].rpc_port());
    assert_ne!(nodes[0].datadir(), nodes[1].datadir());
    nodes[0].mine_to(FIRST_ADDRESS, 2);
    nodes[1].mine_to(FIRST_ADDRESS, 3);
    assert_eq!(nodes[0].height(), 2);
    assert_eq!(nodes[1].height(), 3);
    // bitcoin-cli reaches the same node (cookie from the datadir).
    let out = nodes[1].cli().arg("getblockcount").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");
}
