//! The Bitcoin review's invariants, scored the held-out way: every attack below, forged from
//! the public specifications by `support/psbt_forge.rs` (rust-bitcoin types only, nothing
//! from coldsign), goes through the real binary as `coldsign --json inspect` and must be
//! refused as malformed (exit 2) or raise its code at high or deny severity; its benign twin
//! must exit 0 without any high or deny warning. Every review's totals must balance exactly.

mod common;
#[path = "support/psbt_forge.rs"]
mod forge;

use bitcoin::base64::prelude::{Engine, BASE64_STANDARD};
use bitcoin::hashes::Hash;
use bitcoin::opcodes::all::{OP_CHECKMULTISIG, OP_CHECKSIG, OP_PUSHNUM_1};
use bitcoin::psbt::{Psbt, PsbtSighashType};
use bitcoin::script::Builder;
use bitcoin::sighash::EcdsaSighashType;
use bitcoin::{ScriptBuf, WitnessVersion};
use common::{Sandbox, ABANDON, LEGAL};
use forge::{script, stranger, to_v2, Forge, Form, Seed};
use serde_json::Value;

/// What the review must do with an attack.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Raise this code at high or deny severity.
    Flag(&'static str),
    /// Refuse the request as malformed (exit 2).
    Malformed,
}

struct Case {
    name: &'static str,
    attack: Vec<u8>,
    twin: Vec<u8>,
    expect: Expect,
}

const FUNDS: u64 = 1_000_000;
const FEE: u64 = 10_000;

fn ours() -> Seed {
    Seed::new(ABANDON)
}

/// An ordinary payment from our BIP84 account: 600,000 sat to a new address, `extra` paid
/// as well, the rest back as change at m/84'/1'/0'/1/0.
fn payment_with(extra: ScriptBuf, amount: u64) -> Psbt {
    let seed = ours();
    Forge::new()
        .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/0", FUNDS)
        .pay(stranger("alice"), 600_000)
        .pay(extra, amount)
        .pay_ours(
            &seed,
            Form::Wpkh,
            "m/84'/1'/0'/1/0",
            FUNDS - 600_000 - amount - FEE,
        )
        .build()
}

/// The ordinary payment with its change paid to our key at `path` in `form`.
fn change_to(form: Form, path: &str) -> Psbt {
    let seed = ours();
    Forge::new()
        .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/0", FUNDS)
        .pay(stranger("alice"), 600_000)
        .pay_ours(&seed, form, path, FUNDS - 600_000 - FEE)
        .build()
}

fn v0(psbt: &Psbt) -> Vec<u8> {
    psbt.serialize()
}

fn witness_program(version: WitnessVersion, len: usize) -> ScriptBuf {
    let program = bitcoin::script::PushBytesBuf::try_from(vec![0x42; len]).unwrap();
    Builder::new()
        .push_opcode(version.into())
        .push_slice(program)
        .into_script()
}

fn raw(bytes: &[u8]) -> ScriptBuf {
    ScriptBuf::from_bytes(bytes.to_vec())
}

fn stranger_key() -> bitcoin::secp256k1::PublicKey {
    Seed::new(LEGAL).key("m/84'/1'/0'/0/0").0
}

fn valid_taproot() -> ScriptBuf {
    script(Form::Tr, stranger_key())
}

/// The ordinary payment with 100,000 sat to a P2WSH (or P2SH) output whose script the PSBT
/// reveals (`witness_script` or `redeem_script`, BIP174).
fn revealing(inner: ScriptBuf, nested_in_p2sh: bool) -> Psbt {
    let seed = ours();
    let (outer, output) = if nested_in_p2sh {
        let outer = inner.to_p2sh();
        let output = bitcoin::psbt::Output {
            redeem_script: Some(inner),
            ..Default::default()
        };
        (outer, output)
    } else {
        let outer = ScriptBuf::new_p2wsh(&inner.wscript_hash());
        let output = bitcoin::psbt::Output {
            witness_script: Some(inner),
            ..Default::default()
        };
        (outer, output)
    };
    Forge::new()
        .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/0", FUNDS)
        .pay(stranger("alice"), 600_000)
        .pay_with(outer, 100_000, output)
        .pay_ours(&seed, Form::Wpkh, "m/84'/1'/0'/1/0", FUNDS - 700_000 - FEE)
        .build()
}

/// A batch payout to five new addresses.
fn batch_payout() -> Psbt {
    let seed = ours();
    let mut forge = Forge::new().fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/0", FUNDS);
    for n in 0..5 {
        forge = forge.pay(stranger(&format!("payee {n}")), 150_000);
    }
    forge
        .pay_ours(&seed, Form::Wpkh, "m/84'/1'/0'/1/1", FUNDS - 750_000 - FEE)
        .build()
}

/// A consolidation of two of our coins of `amount` sat into our own change.
fn consolidation(amount: u64) -> Psbt {
    let seed = ours();
    Forge::new()
        .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/0", amount)
        .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/1", amount)
        .pay_ours(&seed, Form::Wpkh, "m/84'/1'/0'/1/2", 2 * amount - FEE)
        .build()
}

fn with_sighash(mut psbt: Psbt, sighash: EcdsaSighashType) -> Psbt {
    psbt.inputs[0].sighash_type = Some(PsbtSighashType::from(sighash));
    psbt
}

fn cases() -> Vec<Case> {
    let seed = ours();
    let legal = Seed::new(LEGAL);
    let plain = || v0(&payment_with(stranger("bob"), 100_000));
    let case = |name, attack: Psbt, twin: Psbt, code| Case {
        name,
        attack: v0(&attack),
        twin: v0(&twin),
        expect: Expect::Flag(code),
    };
    let bare_multisig = Builder::new()
        .push_opcode(OP_PUSHNUM_1)
        .push_key(&bitcoin::PublicKey::new(stranger_key()))
        .push_opcode(OP_PUSHNUM_1)
        .push_opcode(OP_CHECKMULTISIG)
        .into_script();
    let p2pk = Builder::new()
        .push_key(&bitcoin::PublicKey::new(stranger_key()))
        .push_opcode(OP_CHECKSIG)
        .into_script();
    let mut forged_xpub = payment_with(stranger("bob"), 100_000);
    forged_xpub.xpub.insert(
        legal.xpub("m/84'/1'/0'"),
        (seed.fingerprint(), "m/84'/1'/0'".parse().unwrap()),
    );
    let mut real_xpub = payment_with(stranger("bob"), 100_000);
    real_xpub.xpub.insert(
        seed.xpub("m/84'/1'/0'"),
        (seed.fingerprint(), "m/84'/1'/0'".parse().unwrap()),
    );
    let mut forged_origin = payment_with(stranger("bob"), 100_000);
    forged_origin.inputs[0].bip32_derivation.insert(
        stranger_key(),
        (seed.fingerprint(), "m/84'/1'/0'/0/7".parse().unwrap()),
    );
    let mut lying_change = change_to(Form::Wpkh, "m/84'/1'/0'/1/0");
    lying_change.unsigned_tx.output[1].script_pubkey = script(Form::Wpkh, stranger_key());
    lying_change.outputs[1].bip32_derivation = [(
        stranger_key(),
        (seed.fingerprint(), "m/84'/1'/0'/1/0".parse().unwrap()),
    )]
    .into();
    let taproot_spend = |change: ScriptBuf, output: bitcoin::psbt::Output| {
        Forge::new()
            .fund(&seed, Form::Tr, "m/86'/1'/0'/0/0", FUNDS)
            .pay(stranger("alice"), 600_000)
            .pay_with(change, FUNDS - 600_000 - FEE, output)
            .build()
    };
    let (change_key, change_origin) = seed.key("m/86'/1'/0'/1/0");
    let xonly = change_key.x_only_public_key().0;
    let tap_output = bitcoin::psbt::Output {
        tap_internal_key: Some(xonly),
        tap_key_origins: [(xonly, (vec![], change_origin))].into(),
        ..Default::default()
    };
    let secp = bitcoin::secp256k1::Secp256k1::new();
    let tree = bitcoin::TapNodeHash::from_byte_array([7; 32]);
    let with_tree = ScriptBuf::new_p2tr(&secp, xonly, Some(tree));
    let honest_tr = ScriptBuf::new_p2tr(&secp, xonly, None);
    let max = 21_000_000 * 100_000_000u64;

    vec![
        case(
            "value sent to OP_RETURN",
            payment_with(ScriptBuf::new_op_return(b"gift"), 50_000),
            payment_with(ScriptBuf::new_op_return(b"invoice 7"), 0),
            "btc.output.burned",
        ),
        case(
            "version 0 witness program of 21 bytes",
            payment_with(witness_program(WitnessVersion::V0, 21), 100_000),
            payment_with(witness_program(WitnessVersion::V0, 20), 100_000),
            "btc.output.burned",
        ),
        case(
            "taproot output key off the curve",
            payment_with(
                raw(&[[0x51, 0x20].as_slice(), &[0; 31], &[5]].concat()),
                100_000,
            ),
            payment_with(valid_taproot(), 100_000),
            "btc.output.burned",
        ),
        case(
            "witness version 2",
            payment_with(witness_program(WitnessVersion::V2, 32), 100_000),
            payment_with(valid_taproot(), 100_000),
            "btc.output.anyone_can_spend",
        ),
        case(
            "witness version 16 with a 2-byte program",
            payment_with(witness_program(WitnessVersion::V16, 2), 100_000),
            payment_with(witness_program(WitnessVersion::V0, 32), 100_000),
            "btc.output.anyone_can_spend",
        ),
        case(
            "witness version 1 with a 40-byte program",
            payment_with(witness_program(WitnessVersion::V1, 40), 100_000),
            payment_with(valid_taproot(), 100_000),
            "btc.output.anyone_can_spend",
        ),
        case(
            "pay-to-anchor holding value",
            payment_with(raw(&[0x51, 0x02, 0x4e, 0x73]), 100_000),
            payment_with(raw(&[0x51, 0x02, 0x4e, 0x73]), 0),
            "btc.output.anyone_can_spend",
        ),
        case(
            "empty output script",
            payment_with(ScriptBuf::new(), 100_000),
            payment_with(script(Form::Pkh, stranger_key()), 100_000),
            "btc.output.anyone_can_spend",
        ),
        case(
            "OP_TRUE output script",
            payment_with(raw(&[0x51]), 100_000),
            payment_with(script(Form::ShWpkh, stranger_key()), 100_000),
            "btc.output.anyone_can_spend",
        ),
        case(
            "bare multisig",
            payment_with(bare_multisig.clone(), 100_000),
            payment_with(ScriptBuf::new_p2wsh(&bare_multisig.wscript_hash()), 100_000),
            "btc.output.nonstandard",
        ),
        case(
            "bare public key (P2PK)",
            payment_with(p2pk, 100_000),
            payment_with(script(Form::Wpkh, stranger_key()), 100_000),
            "btc.output.nonstandard",
        ),
        case(
            "OP_FALSE output script",
            payment_with(raw(&[0x00]), 100_000),
            payment_with(stranger("carol"), 100_000),
            "btc.output.burned",
        ),
        case(
            "disabled opcode (OP_CAT)",
            payment_with(raw(&[0x7e, 0x51]), 100_000),
            payment_with(stranger("dave"), 100_000),
            "btc.output.burned",
        ),
        case(
            "script over 10,000 bytes",
            payment_with(raw(&vec![0x61; 10_001]), 100_000),
            payment_with(stranger("erin"), 100_000),
            "btc.output.burned",
        ),
        case(
            "P2WSH whose revealed witness script is OP_TRUE",
            revealing(raw(&[0x51]), false),
            revealing(bare_multisig.clone(), false),
            "btc.output.anyone_can_spend",
        ),
        case(
            "P2SH whose revealed redeem script is OP_RETURN",
            revealing(raw(&[0x6a]), true),
            revealing(bare_multisig.clone(), true),
            "btc.output.burned",
        ),
        case(
            "bare public key that is not a point",
            payment_with(
                raw(&[[0x21, 0x02].as_slice(), &[0; 31], &[5, 0xac]].concat()),
                100_000,
            ),
            payment_with(script(Form::Wpkh, stranger_key()), 100_000),
            "btc.output.burned",
        ),
        case(
            "non-standard script (OP_DROP)",
            payment_with(raw(&[0x75]), 100_000),
            payment_with(stranger("frank"), 100_000),
            "btc.output.nonstandard",
        ),
        case(
            "change far past the gap limit",
            change_to(Form::Wpkh, "m/84'/1'/0'/1/50000"),
            change_to(Form::Wpkh, "m/84'/1'/0'/1/3"),
            "btc.output.ours_hidden",
        ),
        case(
            "change with a hardened last step",
            change_to(Form::Wpkh, "m/84'/1'/0'/1/5'"),
            change_to(Form::Wpkh, "m/84'/1'/0'/1/5"),
            "btc.output.ours_hidden",
        ),
        case(
            "change in another script type (P2PKH under BIP84)",
            change_to(Form::Pkh, "m/84'/1'/0'/1/0"),
            change_to(Form::Wpkh, "m/84'/1'/0'/1/0"),
            "btc.output.ours_hidden",
        ),
        case(
            "taproot change under a BIP84 path",
            change_to(Form::Tr, "m/84'/1'/0'/1/0"),
            taproot_spend(honest_tr.clone(), tap_output.clone()),
            "btc.output.ours_hidden",
        ),
        case(
            "change to another account's change branch",
            change_to(Form::Wpkh, "m/84'/1'/7'/1/0"),
            change_to(Form::Wpkh, "m/84'/1'/7'/0/0"),
            "btc.output.ours_other_wallet",
        ),
        case(
            "transfer to an account no wallet discovers",
            change_to(Form::Wpkh, "m/84'/1'/5000'/0/0"),
            change_to(Form::Wpkh, "m/84'/1'/1'/0/0"),
            "btc.output.ours_hidden",
        ),
        case(
            "change to a BIP44 wallet's change branch",
            change_to(Form::Pkh, "m/44'/1'/0'/1/0"),
            change_to(Form::Pkh, "m/44'/1'/0'/0/0"),
            "btc.output.ours_other_wallet",
        ),
        case(
            "change that lists our key but pays a stranger",
            lying_change,
            change_to(Form::Wpkh, "m/84'/1'/0'/1/0"),
            "btc.change.unverified",
        ),
        case(
            "taproot change with a hidden script tree",
            taproot_spend(with_tree, tap_output.clone()),
            taproot_spend(honest_tr, tap_output),
            "btc.change.unverified",
        ),
        case(
            "global xpub under our fingerprint that is not ours",
            forged_xpub,
            real_xpub,
            "btc.xpub.not_ours",
        ),
        case(
            "input key origin under our fingerprint that is not ours",
            forged_origin,
            payment_with(stranger("bob"), 100_000),
            "btc.key_origin.not_ours",
        ),
        Case {
            name: "PSBT v2 with modifiable inputs and outputs and ALL|ANYONECANPAY",
            attack: to_v2(
                &with_sighash(
                    payment_with(stranger("bob"), 100_000),
                    EcdsaSighashType::AllPlusAnyoneCanPay,
                ),
                Some(0x03),
            ),
            twin: to_v2(
                &with_sighash(
                    payment_with(stranger("bob"), 100_000),
                    EcdsaSighashType::All,
                ),
                Some(0x03),
            ),
            expect: Expect::Flag("btc.psbt.modifiable"),
        },
        Case {
            name: "PSBT v2 with undefined modifiable bits",
            attack: to_v2(&payment_with(stranger("bob"), 100_000), Some(0x80)),
            twin: to_v2(&payment_with(stranger("bob"), 100_000), None),
            expect: Expect::Flag("btc.psbt.modifiable"),
        },
        Case {
            name: "an output above 21,000,000 BTC",
            attack: v0(&Forge::new()
                .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/0", FUNDS)
                .pay(stranger("bob"), max + 1)
                .build()),
            twin: v0(&batch_payout()),
            expect: Expect::Malformed,
        },
        Case {
            name: "outputs adding up to more than 21,000,000 BTC",
            attack: v0(&Forge::new()
                .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/0", FUNDS)
                .pay(stranger("a"), max)
                .pay(stranger("b"), max)
                .build()),
            twin: plain(),
            expect: Expect::Malformed,
        },
        Case {
            name: "an input above 21,000,000 BTC",
            attack: v0(&Forge::new()
                .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/0", max + 1)
                .pay(stranger("bob"), 600_000)
                .build()),
            twin: v0(&consolidation(20 * 100_000_000)),
            expect: Expect::Malformed,
        },
        Case {
            name: "inputs adding up to more than 21,000,000 BTC",
            attack: v0(&consolidation(max / 2 + 1)),
            twin: v0(&consolidation(max / 4)),
            expect: Expect::Malformed,
        },
    ]
}

fn inspect(sb: &Sandbox, name: &str, psbt: &[u8]) -> common::Outcome {
    std::fs::write(sb.path(name), BASE64_STANDARD.encode(psbt)).unwrap();
    sb.regtest(&["--json", "inspect", name], "")
}

fn serious(json: &Value) -> Vec<(String, String)> {
    json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["severity"] == "high" || w["severity"] == "deny")
        .map(|w| {
            (
                w["code"].as_str().unwrap().to_string(),
                w["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The totals balance exactly, and every external output has an address or a reason.
#[track_caller]
fn assert_accounted(json: &Value, what: &str) {
    let b = &json["totals"]["balance"];
    let term = |k: &str| {
        b[k].as_u64()
            .unwrap_or_else(|| panic!("{what}: {k} in {b}"))
    };
    match b["inputs"].as_u64() {
        Some(inputs) => {
            let fee = b["fee"].as_u64();
            if let Some(fee) = fee {
                let sum = ["external", "change", "ours_not_change", "burned"]
                    .iter()
                    .map(|k| term(k))
                    .sum::<u64>()
                    + fee;
                assert_eq!(sum, inputs, "{what}: {b}");
                assert_eq!(b["balanced"], true, "{what}: {b}");
            } else {
                assert_eq!(b["balanced"], false, "{what}: {b}");
            }
            let outputs: u64 = json["outputs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["amount"].as_u64().unwrap())
                .sum();
            assert_eq!(json["totals"]["output"].as_u64(), Some(outputs), "{what}");
        }
        None => {
            assert_eq!(b["balanced"], false, "{what}: {b}");
            assert!(b["unbalanced_because"].is_string(), "{what}: {b}");
        }
    }
    for o in json["outputs"].as_array().unwrap() {
        if o["kind"] == "external" {
            assert!(
                o["address"].is_string() || o["reason"].is_string(),
                "{what}: an external output with neither address nor reason: {o}"
            );
        }
    }
}

#[test]
fn attacks_are_caught_and_their_benign_twins_stay_clean() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let cases = cases();
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let attack = inspect(&sb, &format!("attack{n}.psbt"), &case.attack);
        let caught = match case.expect {
            Expect::Malformed => attack.code == 2 && attack.json()["code"] == "bad_input",
            Expect::Flag(code) => {
                attack.code == 0 && {
                    let json = attack.json();
                    assert_accounted(&json, case.name);
                    serious(&json).iter().any(|(c, _)| c == code)
                }
            }
        };
        if !caught {
            failures.push(format!(
                "MISSED {} ({:?}): exit {}\n{}{}",
                case.name, case.expect, attack.code, attack.stdout, attack.stderr
            ));
        }
        let twin = inspect(&sb, &format!("twin{n}.psbt"), &case.twin);
        if twin.code != 0 {
            failures.push(format!(
                "twin of {} failed: exit {}\n{}",
                case.name, twin.code, twin.stderr
            ));
            continue;
        }
        let json = twin.json();
        assert_accounted(&json, case.name);
        let flagged = serious(&json);
        if !flagged.is_empty() {
            failures.push(format!("twin of {} flagged: {flagged:?}", case.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn relative_and_absolute_lock_times_are_explained() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let seed = ours();
    let psbt = Forge::new()
        .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/0", FUNDS)
        .sequence(144)
        .pay(stranger("alice"), FUNDS - FEE)
        .lock_time(800_000)
        .build();
    let json = inspect(&sb, "locks.psbt", &v0(&psbt)).ok().json();
    assert_eq!(
        json["inputs"][0]["relative_lock"],
        "144 blocks after the spent coin confirms"
    );
    // The coin and our key's fingerprint are text in JSON (the review keeps them binary).
    assert_eq!(
        json["inputs"][0]["outpoint"],
        psbt.unsigned_tx.input[0].previous_output.to_string()
    );
    assert_eq!(json["inputs"][0]["owner"]["fingerprint"], "73c5da0a");
    let messages: Vec<&str> = json["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["message"].as_str().unwrap())
        .collect();
    assert!(messages
        .iter()
        .any(|m| m.contains("not valid before block 800000")));
    assert!(serious(&json).is_empty(), "{json}");
    // Version 1 transactions have no relative lock times; a final sequence disables nLockTime.
    let v1 = Forge::new()
        .fund(&seed, Form::Wpkh, "m/84'/1'/0'/0/0", FUNDS)
        .sequence(u32::MAX)
        .pay(stranger("alice"), FUNDS - FEE)
        .lock_time(800_000)
        .version(1)
        .build();
    let json = inspect(&sb, "v1.psbt", &v0(&v1)).ok().json();
    assert!(json["inputs"][0].get("relative_lock").is_none());
    assert!(json.to_string().contains("not enforced"));
}

#[test]
fn the_text_review_shows_every_line_of_the_balance() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let psbt = payment_with(ScriptBuf::new_op_return(b"gift"), 50_000);
    std::fs::write(sb.path("p.psbt"), BASE64_STANDARD.encode(v0(&psbt))).unwrap();
    let text = sb.regtest(&["inspect", "p.psbt"], "").ok().stdout;
    for line in [
        "inputs ",
        "external ",
        "change ",
        "ours, not change ",
        "burned ",
        "fee ",
        "balanced: ",
    ] {
        assert!(text.contains(line), "{line:?} missing:\n{text}");
    }
    assert!(text.contains("0.00050000 BTC"), "{text}");
}

/// Every Bitcoin PSBT the suite has as data (the fixtures' vectors) and every PSBT this corpus
/// forges: where the review accepts it, its JSON totals balance exactly, or say why they
/// cannot (an unknown input amount).
#[test]
fn the_totals_of_every_fixture_balance() {
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let mut psbts: Vec<(String, String)> = Vec::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files = vec![dir.join("ledger/sign_psbt.json")];
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            files.push(path);
        }
    }
    for path in files {
        let json: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        collect_psbts(&json, &path.display().to_string(), &mut psbts);
    }
    let from_fixtures = psbts.len();
    for (n, case) in cases().iter().enumerate() {
        psbts.push((format!("attack {n}"), BASE64_STANDARD.encode(&case.attack)));
        psbts.push((format!("twin {n}"), BASE64_STANDARD.encode(&case.twin)));
    }
    let (mut reviewed, mut balanced) = (0, 0);
    for (n, (what, text)) in psbts.iter().enumerate() {
        let name = format!("f{n}.psbt");
        std::fs::write(sb.path(&name), text).unwrap();
        let out = sb.regtest(&["--json", "inspect", &name], "");
        if out.code != 0 {
            assert_eq!(out.code, 2, "{what}: {}", out.stderr);
            continue;
        }
        let json = out.json();
        assert_accounted(&json, what);
        reviewed += 1;
        balanced += usize::from(json["totals"]["balance"]["balanced"] == true);
    }
    eprintln!("{from_fixtures} fixture PSBTs, {reviewed} reviewed, {balanced} balanced");
    assert!(from_fixtures >= 100, "{from_fixtures} fixture PSBTs");
    assert!(
        reviewed >= 150 && balanced >= 120,
        "{reviewed} reviewed, {balanced} balanced"
    );
}

fn collect_psbts(value: &Value, place: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::String(s) if s.starts_with("cHNidP8") => out.push((place.to_string(), s.clone())),
        Value::String(s) if s.to_lowercase().starts_with("70736274ff") => {
            out.push((place.to_string(), s.clone()))
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_psbts(v, &format!("{place}[{i}]"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                collect_psbts(v, &format!("{place}.{k}"), out);
            }
        }
        _ => {}
    }
}

/// The review's script classes agree with Bitcoin Core's own classifier (`decodescript`,
/// `Solver` in `script/solver.cpp`) wherever Core gives a script a type, and are stricter only
/// where Core says `nonstandard` or cannot see that a program is unusable (a taproot key off
/// the curve).
#[test]
fn script_classes_agree_with_bitcoin_core() {
    let Some(node) = common::bitcoind::Bitcoind::start() else {
        return;
    };
    let sb = Sandbox::new();
    sb.restore(ABANDON);
    let mut checked = 0;
    for (n, case) in cases().iter().enumerate() {
        for (side, psbt) in [("attack", &case.attack), ("twin", &case.twin)] {
            let out = inspect(&sb, &format!("{side}{n}.psbt"), psbt);
            if out.code != 0 {
                continue;
            }
            for o in out.json()["outputs"].as_array().unwrap() {
                let ours = o["script_type"].as_str().unwrap();
                let hex = o["script"].as_str().unwrap();
                let core = node.rpc("decodescript", &[hex.into()]);
                let core_type = core["type"].as_str().unwrap();
                let expected: &[&str] = match core_type {
                    "pubkeyhash" => &["p2pkh"],
                    "scripthash" => &["p2sh"],
                    "witness_v0_keyhash" => &["p2wpkh"],
                    "witness_v0_scripthash" => &["p2wsh"],
                    "witness_v1_taproot" => &["p2tr", "p2tr_invalid_key"],
                    "anchor" => &["p2a"],
                    "witness_unknown" => &["witness_unknown"],
                    "nulldata" => &["op_return"],
                    "pubkey" => &["p2pk", "p2pk_invalid_key"],
                    "multisig" => &["bare_multisig"],
                    "nonstandard" => &[
                        "witness_v0_invalid",
                        "empty",
                        "push_only",
                        "disabled_opcode",
                        "oversize",
                        "malformed",
                        "nonstandard",
                        "op_return",
                    ],
                    other => panic!("Core type {other} for {hex}"),
                };
                assert!(
                    expected.contains(&ours),
                    "{} ({side}): Core says {core_type}, the review {ours} for {hex}",
                    case.name
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 100, "{checked} scripts compared");
}
