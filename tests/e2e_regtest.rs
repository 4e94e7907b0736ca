//! End to end on a real Bitcoin Core regtest node: coins mined to our addresses, PSBTs built
//! by Core (`createpsbt` + `utxoupdatepsbt`, PSBT v2 by default), signed offline by the
//! `coldsign` binary, finalized, accepted by `testmempoolaccept`, broadcast, mined, confirmed.
//! Our ECDSA signatures are compared byte for byte with Core's `descriptorprocesspsbt` and
//! with bdk-cli on the same PSBTs.

mod common;

use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
use bitcoin::NetworkKind;
use coldsign::keys::secret::MasterKey;
use common::bdk_cli;
use common::bitcoind::{sats_to_btc, Bitcoind, THROWAWAY_ADDRESS};
use common::btc::*;
use common::{Sandbox, ABANDON, LEGAL};
use serde_json::{json, Value};

/// `descriptor` (single path) with Core's checksum.
fn checked(node: &Bitcoind, descriptor: &str) -> String {
    node.rpc("getdescriptorinfo", &[json!(descriptor)])["descriptor"]
        .as_str()
        .unwrap()
        .to_string()
}

fn address(node: &Bitcoind, descriptor: &str, index: u32) -> String {
    node.rpc(
        "deriveaddresses",
        &[json!(checked(node, descriptor)), json!([index, index])],
    )[0]
    .as_str()
    .unwrap()
    .to_string()
}

/// Receive and change descriptors of a `<0;1>` multipath descriptor.
fn branches(multipath: &str) -> (String, String) {
    let plain = multipath.split('#').next().unwrap();
    (plain.replace("<0;1>", "0"), plain.replace("<0;1>", "1"))
}

/// Mines a coin to `descriptor`'s receive address 0 (call `mature` afterwards).
fn fund(node: &Bitcoind, multipath: &str) {
    let (receive, _) = branches(multipath);
    node.mine_to(&address(node, &receive, 0), 1);
}

/// Core builds a PSBT spending the coin of `multipath` to an outside address with change.
fn core_psbt(node: &Bitcoind, multipath: &str) -> String {
    let (receive, change) = branches(multipath);
    let utxo = node
        .utxos(&checked(node, &receive))
        .into_iter()
        .next()
        .expect("a mature coin");
    let send = 1_000_000_000u64;
    let fee = 50_000u64;
    let outputs = json!([
        { THROWAWAY_ADDRESS: sats_to_btc(send) },
        { address(node, &change, 0): sats_to_btc(utxo.amount_sats - send - fee) }
    ]);
    let psbt = node.rpc(
        "createpsbt",
        &[json!([{"txid": utxo.txid, "vout": utxo.vout}]), outputs],
    );
    let descriptors = json!([checked(node, &receive), checked(node, &change)]);
    node.rpc("utxoupdatepsbt", &[psbt, descriptors])
        .as_str()
        .unwrap()
        .to_string()
}

/// Finalizes with coldsign, then has Core accept, broadcast and confirm the transaction.
fn broadcast(node: &Bitcoind, sb: &Sandbox, signed: &str) -> String {
    let hex = sb
        .regtest(&["finalize", signed, "--extract"], "")
        .ok()
        .stdout
        .trim()
        .to_string();
    let accepted = node.rpc("testmempoolaccept", &[json!([hex])]);
    assert_eq!(accepted[0]["allowed"], true, "{accepted}");
    let txid = node
        .rpc("sendrawtransaction", &[json!(hex)])
        .as_str()
        .unwrap()
        .to_string();
    node.mine_to(THROWAWAY_ADDRESS, 1);
    let confirmed = node.rpc("getrawtransaction", &[json!(txid), json!(true)]);
    assert!(confirmed["confirmations"].as_u64().unwrap() >= 1);
    txid
}

fn single_sig_descriptors() -> Vec<String> {
    let ours = hd(ABANDON);
    [
        ("wpkh({0})", "m/84'/1'/0'"),
        ("sh(wpkh({0}))", "m/49'/1'/0'"),
        ("pkh({0})", "m/44'/1'/0'"),
        ("tr({0})", "m/86'/1'/0'"),
    ]
    .iter()
    .map(|(t, a)| standard(&ours, t, a).to_string())
    .collect()
}

fn vault_keys() -> Vec<String> {
    [hd(ABANDON), hd(LEGAL), hd(LETTER)]
        .iter()
        .map(|h| key(h, "m/48'/1'/0'/2'"))
        .collect()
}

#[test]
fn core_builds_coldsign_signs_core_confirms() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let vaults = [
        multipath("wsh(sortedmulti(2,{0},{1},{2}))", &vault_keys()).to_string(),
        multipath("tr(50929b74c1a04954b78b4b6035e97a5e078a5a0f28ec96d547bfee9ace803ac0,multi_a(2,{0},{1},{2}))", &vault_keys()).to_string(),
    ];
    let singles = single_sig_descriptors();
    for d in singles.iter().chain(&vaults) {
        fund(&node, d);
    }
    node.mature();

    let alice = Sandbox::new();
    alice.restore(ABANDON);
    for d in &singles {
        let psbt = core_psbt(&node, d);
        std::fs::write(alice.path("core.psbt"), &psbt).unwrap();
        let review = alice
            .regtest(&["--json", "inspect", "core.psbt"], "")
            .ok()
            .json();
        assert_eq!(review["psbt_version"], 2, "Core's createpsbt makes PSBT v2");
        assert!(
            review["warnings"].as_array().unwrap().is_empty(),
            "{d}: {}",
            review["warnings"]
        );
        assert_eq!(review["outputs"][1]["kind"], "change", "{d}");
        assert_eq!(review["inputs"][0]["amount_verified"], true);
        let _ = std::fs::remove_file(alice.path("signed.psbt"));
        alice
            .regtest(&["sign", "core.psbt", "-o", "signed.psbt", "--yes"], "")
            .ok();
        broadcast(&node, &alice, "signed.psbt");
    }

    let bob = Sandbox::new();
    bob.restore(LEGAL);
    for (i, d) in vaults.iter().enumerate() {
        for sb in [&alice, &bob] {
            std::fs::write(sb.path("vault.txt"), d).unwrap();
            sb.regtest(
                &[
                    "wallet",
                    "import",
                    "vault.txt",
                    "--name",
                    &format!("vault{i}"),
                    "--yes",
                ],
                "",
            )
            .ok();
        }
        let psbt = core_psbt(&node, d);
        for (sb, out) in [(&alice, "a.psbt"), (&bob, "b.psbt")] {
            std::fs::write(sb.path("core.psbt"), &psbt).unwrap();
            let review = sb
                .regtest(&["--json", "inspect", "core.psbt"], "")
                .ok()
                .json();
            assert!(
                review["warnings"].as_array().unwrap().is_empty(),
                "{d}: {}",
                review["warnings"]
            );
            assert_eq!(review["outputs"][1]["kind"], "change");
            let _ = std::fs::remove_file(sb.path(out));
            sb.regtest(&["sign", "core.psbt", "-o", out, "--yes"], "")
                .ok();
        }
        std::fs::copy(bob.path("b.psbt"), alice.path("b.psbt")).unwrap();
        let _ = std::fs::remove_file(alice.path("both.psbt"));
        alice
            .regtest(&["combine", "a.psbt", "b.psbt", "-o", "both.psbt"], "")
            .ok();
        broadcast(&node, &alice, "both.psbt");
    }
}

/// The first partial signature of input 0, as hex, from Core's decodepsbt.
fn first_sig(node: &Bitcoind, psbt: &str) -> String {
    let decoded = node.rpc("decodepsbt", &[json!(psbt)]);
    let sigs = &decoded["inputs"][0]["partial_signatures"];
    sigs.as_object()
        .and_then(|m| m.values().next())
        .and_then(Value::as_str)
        .expect("a partial signature")
        .to_string()
}

#[test]
fn ecdsa_signatures_match_core_and_bdk_byte_for_byte() {
    let Some(node) = Bitcoind::start() else {
        return;
    };
    let ours = hd(ABANDON);
    let seed = coldsign::keys::mnemonic::SecretMnemonic::parse(ABANDON)
        .unwrap()
        .to_seed(&secrecy::SecretString::from(""));
    let tprv = MasterKey::from_seed(&seed, NetworkKind::Test)
        .expose_secret()
        .to_string();
    for (template, public, private_path) in [
        (
            "wpkh",
            standard(&ours, "wpkh({0})", "m/84'/1'/0'").to_string(),
            "84h/1h/0h",
        ),
        (
            "sh(wpkh",
            standard(&ours, "sh(wpkh({0}))", "m/49'/1'/0'").to_string(),
            "49h/1h/0h",
        ),
    ] {
        fund(&node, &public);
        node.mature();
        let psbt = core_psbt(&node, &public);
        let close = if template.contains('(') { "))" } else { ")" };
        let private = |branch: u32| format!("{template}({tprv}/{private_path}/{branch}/*{close}");
        // getdescriptorinfo returns the public form; only its checksum is used here.
        let with_checksum = |d: String| {
            let sum = node.rpc("getdescriptorinfo", &[json!(d)])["checksum"]
                .as_str()
                .unwrap()
                .to_string();
            format!("{d}#{sum}")
        };
        let core_signed = node.rpc(
            "descriptorprocesspsbt",
            &[
                json!(psbt),
                json!([with_checksum(private(0)), with_checksum(private(1))]),
                json!("ALL"),
                json!(true),
                json!(false),
            ],
        );
        let core_sig = first_sig(&node, core_signed["psbt"].as_str().unwrap());

        let sb = Sandbox::new();
        sb.restore(ABANDON);
        std::fs::write(sb.path("core.psbt"), &psbt).unwrap();
        sb.regtest(&["sign", "core.psbt", "-o", "ours.psbt", "--yes"], "")
            .ok();
        let ours_sig = first_sig(
            &node,
            std::fs::read_to_string(sb.path("ours.psbt"))
                .unwrap()
                .trim(),
        );
        assert_eq!(
            ours_sig, core_sig,
            "{template}: coldsign and Bitcoin Core differ"
        );

        // bdk-cli reads PSBT v0: convert, sign, and compare the signature in its final witness.
        let Some(_) = bdk_cli::bdk_cli() else {
            continue;
        };
        let v0 = sb
            .run(&["convert", "core.psbt", "--to", "v0"], "")
            .ok()
            .stdout;
        let (receive, change) = (private(0), private(1));
        let bdk_signed = bdk_cli::bdk_sign(v0.trim(), &receive, Some(&change));
        let raw = BASE64_STANDARD.decode(bdk_signed.trim()).unwrap();
        let bdk = bitcoin::psbt::Psbt::deserialize(&raw).unwrap();
        let input = &bdk.inputs[0];
        let bdk_sig = match (
            &input.final_script_witness,
            input.partial_sigs.values().next(),
        ) {
            (Some(w), _) => bitcoin::hex::DisplayHex::to_lower_hex_string(w.nth(0).unwrap()),
            (None, Some(sig)) => bitcoin::hex::DisplayHex::to_lower_hex_string(&sig.to_vec()),
            (None, None) => panic!("bdk-cli signed nothing"),
        };
        assert_eq!(
            bdk_sig, core_sig,
            "{template}: bdk-cli and Bitcoin Core differ"
        );
    }
}
