//! Trezor through trezor-client, driven by a FAKE transport through the message flow the
//! Trezor firmware's own device tests expect, answering with the signatures those tests
//! record for the "all all all … all" seed (fixtures/trezor). No Trezor emulator exists in
//! any registry. Checked: what coldsign tells the device, that the recorded signatures verify
//! against coldsign's sighash (a changed PSBT fails), that the finalized transaction equals
//! the firmware test's expected bytes, and that the software signer reproduces the device.
//!
//! Opt-in: `COLDSIGN_DEVICE_TESTS=1` runs `device_*` against a plugged-in Trezor.

mod common;

use std::str::FromStr;

use alloy_primitives::keccak256;
use bitcoin::bip32::DerivationPath;
use bitcoin::consensus::encode::{deserialize, serialize_hex};
use bitcoin::psbt::Psbt;
use bitcoin::secp256k1::ecdsa::{RecoverableSignature, RecoveryId};
use bitcoin::secp256k1::{Message, Secp256k1};
use bitcoin::sighash::SighashCache;
use bitcoin::{Network, Transaction, Witness};
use coldsign::btc::finalize;
use coldsign::hw::trezor::{EthTxFields, TrezorDevice};
use coldsign::hw::trezor_fake::{decode, FakeTrezorTransport, SentLog, Step};
use coldsign::hw::trezor_press::{ButtonPresser, PressOnRequest};
use coldsign::hw::trezor_tx::{KnownKeys, TxPlan};
use coldsign::hw::DeviceError;
use trezor_client::protos::button_request::ButtonRequestType;
use trezor_client::protos::failure::FailureType;
use trezor_client::protos::tx_request::RequestType;
use trezor_client::protos::{self, MessageType};
use trezor_client::transport::error::Error as TransportError;
use trezor_client::transport::ProtoMessage;
use trezor_client::Model;

const ALL: &str = "all all all all all all all all all all all all";

fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/fixtures/trezor/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(s.trim_start_matches("0x").as_bytes())
        .unwrap()
}

fn features() -> Step {
    features_unlocked(true)
}

fn features_unlocked(unlocked: bool) -> Step {
    let mut f = protos::Features::new();
    f.set_vendor("trezor.io".into());
    f.set_model("T".into());
    f.set_major_version(2);
    f.set_minor_version(8);
    f.set_patch_version(0);
    f.set_unlocked(unlocked);
    Step::new(MessageType::MessageType_Initialize, &f)
}

fn button(after: MessageType, code: ButtonRequestType) -> Step {
    let mut b = protos::ButtonRequest::new();
    b.set_code(code);
    Step::new(after, &b)
}

/// A TxRequest as the firmware sends it; `prev` asks about the previous transaction.
fn tx_request(after: MessageType, kind: RequestType, index: u32, prev: Option<&[u8]>) -> Step {
    let mut r = protos::TxRequest::new();
    r.set_request_type(kind);
    let d = r.details.mut_or_insert_default();
    if kind != RequestType::TXMETA {
        d.set_request_index(index);
    }
    if let Some(hash) = prev {
        d.set_tx_hash(hash.to_vec());
    }
    Step::new(after, &r)
}

/// The previous transaction from the firmware's txcache JSON.
fn prev_tx(f: &serde_json::Value) -> Transaction {
    let p = &f["prev_tx"];
    let mut raw = (p["version"].as_u64().unwrap() as u32)
        .to_le_bytes()
        .to_vec();
    let inputs = p["inputs"].as_array().unwrap();
    raw.push(inputs.len() as u8);
    for i in inputs {
        let mut h = hex(i["prev_hash"].as_str().unwrap());
        h.reverse();
        raw.extend(h);
        raw.extend((i["prev_index"].as_u64().unwrap() as u32).to_le_bytes());
        let script = hex(i["script_sig"].as_str().unwrap());
        raw.push(script.len() as u8);
        raw.extend(script);
        raw.extend((i["sequence"].as_u64().unwrap() as u32).to_le_bytes());
    }
    let outputs = p["bin_outputs"].as_array().unwrap();
    raw.push(outputs.len() as u8);
    for o in outputs {
        raw.extend(o["amount"].as_u64().unwrap().to_le_bytes());
        let script = hex(o["script_pubkey"].as_str().unwrap());
        raw.push(script.len() as u8);
        raw.extend(script);
    }
    raw.extend((p["lock_time"].as_u64().unwrap() as u32).to_le_bytes());
    deserialize(&raw).unwrap()
}

/// The unsigned PSBT of the firmware test, with the previous transaction and our key origin.
fn btc_psbt(f: &serde_json::Value) -> (Psbt, Transaction) {
    let signed: Transaction = deserialize(&hex(f["signed_tx"].as_str().unwrap())).unwrap();
    let mut unsigned = signed.clone();
    unsigned.input[0].witness = Witness::new();
    let prev = prev_tx(f);
    assert_eq!(prev.compute_txid(), unsigned.input[0].previous_output.txid);
    let mut psbt = Psbt::from_unsigned_tx(unsigned).unwrap();
    let hd = common::btc::hd(ALL);
    let path = DerivationPath::from_str(f["input"]["path"].as_str().unwrap()).unwrap();
    let pk = hd.private_key(&path).expose_secret().public_key(hd.secp());
    psbt.inputs[0]
        .bip32_derivation
        .insert(pk, (hd.fingerprint(), path));
    psbt.inputs[0].witness_utxo = Some(prev.output[0].clone());
    psbt.inputs[0].non_witness_utxo = Some(prev);
    (psbt, signed)
}

/// The flow test_send_native expects from a core-model Trezor; the recorded signature comes
/// with the final request.
fn btc_flow(f: &serde_json::Value, signature: Vec<u8>) -> Vec<Step> {
    use MessageType::{
        MessageType_ButtonAck as BA, MessageType_SignTx as SIGN, MessageType_TxAck as ACK,
    };
    use RequestType::*;
    let prev = hex(f["input"]["prev_hash"].as_str().unwrap());
    let p = Some(prev.as_slice());
    let confirm = ButtonRequestType::ButtonRequest_ConfirmOutput;
    let mut finished = protos::TxRequest::new();
    finished.set_request_type(TXFINISHED);
    let s = finished.serialized.mut_or_insert_default();
    s.set_signature_index(0);
    s.set_signature(signature);
    vec![
        features(),
        tx_request(SIGN, TXINPUT, 0, None),
        tx_request(ACK, TXOUTPUT, 0, None),
        button(ACK, confirm),
        button(BA, confirm),
        tx_request(BA, TXOUTPUT, 1, None),
        button(ACK, confirm),
        button(BA, confirm),
        button(BA, ButtonRequestType::ButtonRequest_SignTx),
        tx_request(BA, TXINPUT, 0, None),
        tx_request(ACK, TXMETA, 0, p),
        tx_request(ACK, TXINPUT, 0, p),
        tx_request(ACK, TXOUTPUT, 0, p),
        tx_request(ACK, TXOUTPUT, 1, p),
        tx_request(ACK, TXINPUT, 0, None),
        tx_request(ACK, TXOUTPUT, 0, None),
        tx_request(ACK, TXOUTPUT, 1, None),
        tx_request(ACK, TXINPUT, 0, None),
        Step::new(ACK, &finished),
    ]
}

/// The DER signature (without sighash byte) from the firmware test's signed transaction.
fn recorded_signature(signed: &Transaction) -> Vec<u8> {
    let with_type = signed.input[0].witness.nth(0).unwrap();
    with_type[..with_type.len() - 1].to_vec()
}

/// Signs `psbt` on `dev` as the "all all …" seed's Trezor on testnet, planned as coldsign
/// plans it.
fn sign(
    dev: &mut TrezorDevice,
    psbt: &mut Psbt,
) -> Result<Vec<coldsign::signer::InputOutcome>, DeviceError> {
    let keys = KnownKeys::new(common::btc::hd(ALL).fingerprint(), psbt, &[]);
    let plan = TxPlan::new(&Secp256k1::new(), psbt, &keys, Network::Testnet).unwrap();
    dev.sign_psbt(psbt, Network::Testnet, &plan)
}

fn device(steps: Vec<Step>) -> (Result<TrezorDevice, DeviceError>, SentLog) {
    let (fake, log) = FakeTrezorTransport::new(steps);
    (
        TrezorDevice::with_transport(Model::Trezor, Box::new(fake)),
        log,
    )
}

#[test]
fn btc_signing_follows_the_firmware_flow_and_reproduces_its_transaction() {
    let f = fixture("btc_send_native");
    let (mut psbt, signed) = btc_psbt(&f);
    let (dev, log) = device(btc_flow(&f, recorded_signature(&signed)));
    let outcomes = sign(&mut dev.unwrap(), &mut psbt).unwrap();
    assert_eq!(outcomes[0].signatures, 1);

    // What coldsign told the device about the input being signed and the previous tx.
    let sent = log.lock().unwrap().clone();
    let acks: Vec<protos::TxAck> = sent
        .iter()
        .filter(|(k, _)| *k == MessageType::MessageType_TxAck)
        .map(|(_, b)| decode(b))
        .collect();
    let input = &acks[0].tx.inputs[0];
    assert_eq!(input.amount(), f["input"]["amount"].as_u64().unwrap());
    assert_eq!(
        input.address_n,
        vec![0x8000_0054, 0x8000_0001, 0x8000_0000, 0, 87]
    );
    assert_eq!(input.script_type(), protos::InputScriptType::SPENDWITNESS);
    let meta = &acks[4].tx;
    assert_eq!((meta.inputs_cnt(), meta.outputs_cnt()), (1, 2));
    assert_eq!(
        acks[1].tx.outputs[0].address(),
        f["outputs"][0]["address"].as_str().unwrap()
    );

    // Finalized, the PSBT is byte for byte the transaction the firmware test expects.
    finalize::finalize(&mut psbt);
    let tx = finalize::extract(&psbt).unwrap();
    assert_eq!(serialize_hex(&tx), f["signed_tx"].as_str().unwrap());
    finalize::verify(&tx, &finalize::spent_outputs(&psbt).unwrap()).unwrap();
}

/// The Trezor's view of a PSBT as coldsign plans it: a 2-of-3 p2wsh sortedmulti input where
/// the Trezor is one cosigner, a taproot key-path input, an outside payment and multisig
/// change. Each multisig cosigner is its account xpub plus the rest of the path, and they
/// derive the script's keys in the script's order; change goes by path with the same
/// multisig, so the device derives it. Without the wallet's xpubs the plan is refused.
#[test]
fn the_trezor_plan_describes_multisig_and_taproot_inputs_and_change() {
    use bitcoin::bip32::{ChainCode, ChildNumber, Fingerprint, Xpub};
    use bitcoin::{Amount, NetworkKind};
    use coldsign::btc::builder::SpendBuilder;
    use coldsign::btc::wallets::Wallet;
    use coldsign::review::bitcoin::signatures::multisig_script;
    use common::btc::{at, hd, key, multipath, outside, standard, LETTER};

    let secp = Secp256k1::new();
    let ours = hd(ALL);
    let account = "m/48'/1'/0'/2'";
    let keys: Vec<String> = [ALL, common::ABANDON, LETTER]
        .iter()
        .map(|s| key(&hd(s), account))
        .collect();
    let vault = multipath("wsh(sortedmulti(2,{0},{1},{2}))", &keys);
    let taproot = standard(&ours, "tr({0})", "m/86'/1'/0'");
    let psbt = SpendBuilder::new()
        .fund(&at(&vault, 0, 0), Amount::from_sat(1_000_000))
        .fund(&at(&taproot, 0, 0), Amount::from_sat(500_000))
        .pay(outside(), Amount::from_sat(700_000))
        .pay_to_descriptor(&at(&vault, 1, 0), Amount::from_sat(790_000))
        .build();
    let wallet = Wallet::parse(Some("vault"), &vault.to_string()).unwrap();
    let known = KnownKeys::new(ours.fingerprint(), &psbt, &[wallet]);
    let plan = TxPlan::new(&secp, &psbt, &known, Network::Regtest).unwrap();
    let ask = |kind: RequestType, index: u32| {
        let mut request = protos::TxRequest::new();
        request.set_request_type(kind);
        request
            .details
            .mut_or_insert_default()
            .set_request_index(index);
        plan.answer(&psbt, &request).unwrap().tx.unwrap()
    };
    let path = |p: &str| -> Vec<u32> {
        DerivationPath::from_str(p)
            .unwrap()
            .into_iter()
            .map(|c| u32::from(*c))
            .collect()
    };
    // The cosigners' keys, derived from the nodes the Trezor is given.
    let cosigner_keys = |m: &protos::MultisigRedeemScriptType| -> Vec<bitcoin::PublicKey> {
        m.pubkeys
            .iter()
            .map(|p| {
                let node = &p.node;
                let xpub = Xpub {
                    network: NetworkKind::Test,
                    depth: node.depth() as u8,
                    parent_fingerprint: Fingerprint::from(node.fingerprint().to_be_bytes()),
                    child_number: ChildNumber::from(node.child_num()),
                    public_key: bitcoin::secp256k1::PublicKey::from_slice(node.public_key())
                        .unwrap(),
                    chain_code: ChainCode::from(<[u8; 32]>::try_from(node.chain_code()).unwrap()),
                };
                let rest: Vec<ChildNumber> =
                    p.address_n.iter().map(|n| ChildNumber::from(*n)).collect();
                bitcoin::PublicKey::new(xpub.derive_pub(&secp, &rest).unwrap().public_key)
            })
            .collect()
    };

    let input = &ask(RequestType::TXINPUT, 0).inputs[0];
    assert_eq!(input.script_type(), protos::InputScriptType::SPENDWITNESS);
    assert_eq!(input.address_n, path("m/48'/1'/0'/2'/0/0"));
    assert_eq!(input.multisig.m(), 2);
    let script = psbt.inputs[0].witness_script.as_ref().unwrap();
    assert_eq!(
        cosigner_keys(&input.multisig),
        multisig_script(script).unwrap().1
    );

    let input = &ask(RequestType::TXINPUT, 1).inputs[0];
    assert_eq!(input.script_type(), protos::InputScriptType::SPENDTAPROOT);
    assert_eq!(input.address_n, path("m/86'/1'/0'/0/0"));
    assert_eq!(input.amount(), 500_000);
    assert!(matches!(
        plan.signing_key(1),
        Some(coldsign::hw::trezor_tx::SigningKey::TaprootKey(_))
    ));

    let payment = &ask(RequestType::TXOUTPUT, 0).outputs[0];
    assert_eq!(
        payment.script_type(),
        protos::OutputScriptType::PAYTOADDRESS
    );
    assert!(payment.address_n.is_empty());
    let change = &ask(RequestType::TXOUTPUT, 1).outputs[0];
    assert_eq!(change.script_type(), protos::OutputScriptType::PAYTOWITNESS);
    assert_eq!(change.address_n, path("m/48'/1'/0'/2'/1/0"));
    let script = psbt.outputs[1].witness_script.as_ref().unwrap();
    assert_eq!(
        cosigner_keys(&change.multisig),
        multisig_script(script).unwrap().1
    );

    // Without the wallet (and no global xpubs) the cosigners are unknown: refused (exit 2)
    // before the device is asked anything.
    let unknown = KnownKeys::new(ours.fingerprint(), &psbt, &[]);
    let err = TxPlan::new(&secp, &psbt, &unknown, Network::Regtest).unwrap_err();
    assert_eq!(err.exit_code() as i32, 2, "{err}");
}

#[test]
fn a_changed_psbt_does_not_take_the_recorded_signature() {
    let f = fixture("btc_send_native");
    let (mut psbt, signed) = btc_psbt(&f);
    psbt.unsigned_tx.output[1].value -= bitcoin::Amount::from_sat(1);
    let (dev, _) = device(btc_flow(&f, recorded_signature(&signed)));
    let err = dev
        .map(|mut dev| sign(&mut dev, &mut psbt).unwrap_err())
        .unwrap();
    assert!(err.to_string().contains("does not verify"), "{err}");
    assert!(psbt.inputs[0].partial_sigs.is_empty());
}

#[test]
fn rejection_on_the_trezor_is_declined() {
    let f = fixture("btc_send_native");
    let (mut psbt, _) = btc_psbt(&f);
    let mut cancel = protos::Failure::new();
    cancel.set_code(FailureType::Failure_ActionCancelled);
    cancel.set_message("Cancelled".into());
    let steps = vec![
        features(),
        tx_request(
            MessageType::MessageType_SignTx,
            RequestType::TXINPUT,
            0,
            None,
        ),
        Step::new(MessageType::MessageType_TxAck, &cancel),
    ];
    let (dev, _) = device(steps);
    let err = dev
        .map(|mut dev| sign(&mut dev, &mut psbt).unwrap_err())
        .unwrap();
    assert_eq!(err, DeviceError::Declined);
}

#[test]
fn a_locked_trezor_is_reported() {
    let (dev, _) = device(vec![features_unlocked(false)]);
    assert_eq!(dev.err(), Some(DeviceError::Locked("Trezor")));
}

#[test]
fn software_signer_reproduces_the_trezor_btc_signature() {
    let f = fixture("btc_send_native");
    let (mut psbt, signed) = btc_psbt(&f);
    let hd = common::btc::hd(ALL);
    let (pk, (_, path)) = psbt.inputs[0].bip32_derivation.iter().next().unwrap();
    let pk = *pk;
    let key = hd.private_key(&path.clone());
    let tx = psbt.unsigned_tx.clone();
    let out = psbt.inputs[0].witness_utxo.clone().unwrap();
    coldsign::signer::software::sign_ecdsa_input(
        hd.secp(),
        &mut SighashCache::new(&tx),
        0,
        &mut psbt.inputs[0],
        &out,
        &[(pk, key.expose_secret())],
    )
    .unwrap();
    let ours = psbt.inputs[0].partial_sigs[&bitcoin::PublicKey::new(pk)].to_vec();
    assert_eq!(ours, signed.input[0].witness.nth(0).unwrap());
}

// ---- Ethereum EIP-1559 ----

fn rlp_len(base: u8, len: usize) -> Vec<u8> {
    if len < 56 {
        return vec![base + len as u8];
    }
    let bytes: Vec<u8> = len
        .to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect();
    let mut out = vec![base + 55 + bytes.len() as u8];
    out.extend(bytes);
    out
}

fn rlp_bytes(b: &[u8]) -> Vec<u8> {
    if b.len() == 1 && b[0] < 0x80 {
        return b.to_vec();
    }
    let mut out = rlp_len(0x80, b.len());
    out.extend_from_slice(b);
    out
}

fn rlp_list(items: &[Vec<u8>]) -> Vec<u8> {
    let body: Vec<u8> = items.concat();
    let mut out = rlp_len(0xc0, body.len());
    out.extend(body);
    out
}

fn uint(s: &str) -> u128 {
    u128::from_str_radix(s.trim_start_matches("0x"), 16).unwrap()
}

fn min_be(v: u128) -> Vec<u8> {
    v.to_be_bytes()
        .into_iter()
        .skip_while(|b| *b == 0)
        .collect()
}

fn eth_fields(p: &serde_json::Value) -> EthTxFields {
    let s = |k: &str| p[k].as_str().unwrap().to_string();
    let mut value = [0u8; 32];
    value[16..].copy_from_slice(&uint(&s("value")).to_be_bytes());
    EthTxFields {
        chain_id: p["chain_id"].as_u64().unwrap(),
        nonce: uint(&s("nonce")) as u64,
        max_fee: uint(&s("max_gas_fee")),
        max_priority_fee: uint(&s("max_priority_fee")),
        gas_limit: uint(&s("gas_limit")) as u64,
        to: Some(hex(&s("to_address")).try_into().unwrap()),
        value,
        data: hex(&s("data")),
    }
}

/// keccak(0x02 || rlp([chain_id, nonce, priority, max_fee, gas, to, value, data, []])).
fn eip1559_hash(t: &EthTxFields) -> [u8; 32] {
    let value = u128::from_be_bytes(t.value[16..].try_into().unwrap());
    let mut payload = vec![0x02];
    payload.extend(rlp_list(&[
        rlp_bytes(&min_be(t.chain_id.into())),
        rlp_bytes(&min_be(t.nonce.into())),
        rlp_bytes(&min_be(t.max_priority_fee)),
        rlp_bytes(&min_be(t.max_fee)),
        rlp_bytes(&min_be(t.gas_limit.into())),
        rlp_bytes(&t.to.unwrap()),
        rlp_bytes(&min_be(value)),
        rlp_bytes(&t.data),
        rlp_list(&[]),
    ]));
    keccak256(payload).0
}

/// Each firmware fixture: coldsign's request carries the fixture's fields, the signature
/// comes back with its y-parity, recovers to the seed's address at the path, and the
/// software key reproduces r and s (RFC 6979). Note for the Ethereum signer: the same check
/// applies to its own EIP-1559 signing hash.
#[test]
fn eth_eip1559_matches_the_firmware_fixtures() {
    let fx = fixture("eth_sign_tx_eip1559");
    let hd = common::btc::hd(fx["setup"]["mnemonic"].as_str().unwrap());
    let secp = Secp256k1::new();
    for case in fx["tests"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let p = &case["parameters"];
        let fields = eth_fields(p);
        let r = hex(case["result"]["sig_r"].as_str().unwrap());
        let s = hex(case["result"]["sig_s"].as_str().unwrap());
        let v = case["result"]["sig_v"].as_u64().unwrap();
        let mut reply = protos::EthereumTxRequest::new();
        reply.set_signature_v(v as u32);
        reply.set_signature_r(r.clone());
        reply.set_signature_s(s.clone());
        let (dev, log) = device(vec![
            features(),
            Step::new(MessageType::MessageType_EthereumSignTxEIP1559, &reply),
        ]);
        let path = DerivationPath::from_str(p["path"].as_str().unwrap()).unwrap();
        let sig = dev.unwrap().eth_sign_eip1559(&path, &fields).unwrap();
        assert_eq!(
            (sig.v, sig.r.to_vec(), sig.s.to_vec()),
            (v, r.clone(), s.clone()),
            "{name}"
        );

        let sent: protos::EthereumSignTxEIP1559 = decode(&log.lock().unwrap()[1].1);
        assert_eq!(sent.chain_id(), fields.chain_id, "{name}");
        assert_eq!(sent.to(), p["to_address"].as_str().unwrap(), "{name}");
        assert_eq!(sent.max_gas_fee(), min_be(fields.max_fee), "{name}");
        assert_eq!(sent.data_initial_chunk(), fields.data, "{name}");

        let msg = Message::from_digest(eip1559_hash(&fields));
        let mut compact = r.clone();
        compact.extend(&s);
        let rec =
            RecoverableSignature::from_compact(&compact, RecoveryId::from_i32(v as i32).unwrap())
                .unwrap();
        let key = hd.private_key(&path);
        let expected = key.expose_secret().public_key(&secp);
        assert_eq!(
            secp.recover_ecdsa(&msg, &rec).unwrap(),
            expected,
            "{name}: recovers"
        );
        assert_eq!(
            secp.sign_ecdsa(&msg, key.expose_secret())
                .serialize_compact()
                .to_vec(),
            compact,
            "{name}: software key reproduces the device"
        );
    }
}

#[test]
fn device_trezor_answers_an_xpub() {
    if std::env::var("COLDSIGN_DEVICE_TESTS").as_deref() != Ok("1") {
        eprintln!("skipped: set COLDSIGN_DEVICE_TESTS=1 with a Trezor plugged in");
        return;
    }
    let mut dev = TrezorDevice::open_usb().unwrap();
    let xpub = dev
        .xpub(
            &DerivationPath::from_str("m/84'/1'/0'").unwrap(),
            Network::Testnet,
            false,
        )
        .unwrap();
    assert_eq!(xpub.depth, 3);
}

/// `eth sign --device trezor`'s device half: the reviewed EIP-1559 transaction (built from
/// each firmware fixture's fields) goes to the FAKE Trezor as those very fields, the
/// firmware's recorded signature comes back, recovers to the seed's address at the path, and
/// the raw transaction coldsign would write recovers to it too. Other transaction types are
/// refused as bad input before any device is asked.
#[test]
fn eth_sign_on_the_trezor_yields_the_seed_address_raw_transaction() {
    use alloy_consensus::TxEip1559;
    use alloy_eips::eip2718::Decodable2718;
    use alloy_primitives::{Address, TxKind, U256};
    use coldsign::ceremony::check_recovers;
    use coldsign::eth::tx::UnsignedTx;
    use coldsign::eth::EthPayload;
    use coldsign::hw::eth_signer::{trezor_fields, trezor_sign};

    let fx = fixture("eth_sign_tx_eip1559");
    let hd = common::btc::hd(fx["setup"]["mnemonic"].as_str().unwrap());
    let secp = Secp256k1::new();
    for case in fx["tests"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let p = &case["parameters"];
        let fields = eth_fields(p);
        let tx = UnsignedTx::Eip1559(TxEip1559 {
            chain_id: fields.chain_id,
            nonce: fields.nonce,
            gas_limit: fields.gas_limit,
            max_fee_per_gas: fields.max_fee,
            max_priority_fee_per_gas: fields.max_priority_fee,
            to: TxKind::Call(Address::from(fields.to.unwrap())),
            value: U256::from_be_bytes(fields.value),
            access_list: Default::default(),
            input: fields.data.clone().into(),
        });
        let payload = EthPayload::Transaction(tx.clone());
        assert_eq!(trezor_fields(&tx).unwrap(), fields, "{name}");

        let mut reply = protos::EthereumTxRequest::new();
        reply.set_signature_v(case["result"]["sig_v"].as_u64().unwrap() as u32);
        reply.set_signature_r(hex(case["result"]["sig_r"].as_str().unwrap()));
        reply.set_signature_s(hex(case["result"]["sig_s"].as_str().unwrap()));
        let (dev, _) = device(vec![
            features(),
            Step::new(MessageType::MessageType_EthereumSignTxEIP1559, &reply),
        ]);
        let path = DerivationPath::from_str(p["path"].as_str().unwrap()).unwrap();
        let sig = trezor_sign(&mut dev.unwrap(), &path, &payload).unwrap();

        let key = hd.private_key(&path);
        let address = Address::from(
            coldsign::keys::ethereum::address_of(&key.expose_secret().public_key(&secp)).0,
        );
        check_recovers(&sig, tx.signature_hash(), address)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let raw = tx.clone().into_raw_signed(sig);
        let signed = alloy_consensus::TxEnvelope::decode_2718(&mut raw.as_slice()).unwrap();
        assert_eq!(
            coldsign::eth::sign::recover(signed.signature_hash(), signed.signature()),
            Some(address),
            "{name}"
        );
    }
    let legacy = UnsignedTx::decode(&hex(
        "ec098504a817c800825208943535353535353535353535353535353535353535880de0b6b3a764000080018080",
    ))
    .unwrap();
    let err = trezor_fields(&legacy).unwrap_err();
    assert_eq!(err.exit_code() as i32, 2);
}

// ---- button presses and timeouts ----

/// The emulator's debug link presses "yes" only after the device sent a ButtonRequest and
/// coldsign acknowledged it: the signing flow (five button requests) completes with exactly
/// five presses, none stray.
#[test]
fn debug_link_presses_follow_button_requests() {
    let f = fixture("btc_send_native");
    let (mut psbt, signed) = btc_psbt(&f);
    let (fake, _, link) =
        FakeTrezorTransport::with_debug_link(btc_flow(&f, recorded_signature(&signed)));
    let pressing = PressOnRequest::new(Box::new(fake), Box::new(link.clone()));
    let mut dev = TrezorDevice::with_transport(Model::Trezor, Box::new(pressing)).unwrap();
    let outcomes = sign(&mut dev, &mut psbt).unwrap();
    assert_eq!(outcomes[0].signatures, 1);
    assert_eq!(link.presses(), 5);
}

fn eth_address_steps() -> Vec<Step> {
    let mut address = protos::EthereumAddress::new();
    address.set_address("0x73d0385F4d8E00C5e6504C6030F47BF6212736A8".into());
    vec![
        features(),
        Step::new(MessageType::MessageType_EthereumGetAddress, &address),
    ]
}

/// A press while the device waits for no button corrupts the next reply on a Trezor One;
/// the FAKE makes that reply an error, so pressing out of turn fails a test.
#[test]
fn an_unrequested_press_corrupts_the_next_reply() {
    let path = DerivationPath::from_str("m/44'/60'/0'/0/0").unwrap();
    let (fake, _, mut link) = FakeTrezorTransport::with_debug_link(eth_address_steps());
    let mut dev = TrezorDevice::with_transport(Model::Trezor, Box::new(fake)).unwrap();
    link.press().unwrap();
    let err = dev.eth_address(&path).unwrap_err();
    assert!(
        err.to_string().contains("while no button was requested"),
        "{err}"
    );
    assert_eq!(link.presses(), 0);

    // The same request without the stray press is answered.
    let (fake, _, link) = FakeTrezorTransport::with_debug_link(eth_address_steps());
    let pressing = PressOnRequest::new(Box::new(fake), Box::new(link.clone()));
    let mut dev = TrezorDevice::with_transport(Model::Trezor, Box::new(pressing)).unwrap();
    assert_eq!(
        dev.eth_address(&path).unwrap(),
        hex("73d0385f4d8e00c5e6504c6030f47bf6212736a8").as_slice()
    );
    assert_eq!(link.presses(), 0, "no button was requested, none pressed");
}

/// A debug-link FAKE that is never pressed never answers after a button request.
#[test]
fn a_button_request_without_a_press_gets_no_reply() {
    let f = fixture("btc_send_native");
    let (mut psbt, signed) = btc_psbt(&f);
    let (fake, _, _) =
        FakeTrezorTransport::with_debug_link(btc_flow(&f, recorded_signature(&signed)));
    let mut dev = TrezorDevice::with_transport(Model::Trezor, Box::new(fake)).unwrap();
    let err = sign(&mut dev, &mut psbt).unwrap_err();
    assert!(
        err.to_string().contains("waits for a button press"),
        "{err}"
    );
}

/// An emulator that never answers (a local UDP socket that stays silent): opening it ends
/// with the Trezor timeout error, not a hang.
#[test]
fn a_silent_trezor_emulator_times_out() {
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = silent.local_addr().unwrap().to_string();
    let timeout = std::time::Duration::from_millis(300);
    let started = std::time::Instant::now();
    let err = TrezorDevice::open_emulator(&addr, None, true, timeout)
        .err()
        .unwrap();
    assert_times_out(&err, timeout);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let named = err.during("trezor", coldsign::hw::Step::Connect);
    assert_eq!(
        named.to_string(),
        "trezor: connecting: the Trezor did not answer within 300ms"
    );
    assert!(named.hint().unwrap().contains("try again"));
}

/// `err` is the Trezor's timeout after `timeout`.
fn assert_times_out(err: &DeviceError, timeout: std::time::Duration) {
    assert_eq!(
        *err,
        DeviceError::Timeout {
            device: "Trezor",
            after: timeout
        }
    );
}

/// A transport that never answers, behind the deadline every Trezor transport gets: the
/// request ends with the timeout error, and a later one fails at once.
#[test]
fn a_silent_trezor_transport_times_out() {
    struct Silent;
    impl trezor_client::transport::Transport for Silent {
        fn session_begin(&mut self) -> Result<(), TransportError> {
            Ok(())
        }
        fn session_end(&mut self) -> Result<(), TransportError> {
            Ok(())
        }
        fn write_message(&mut self, _: ProtoMessage) -> Result<(), TransportError> {
            Ok(())
        }
        fn read_message(&mut self) -> Result<ProtoMessage, TransportError> {
            loop {
                std::thread::park();
            }
        }
    }
    let timeout = std::time::Duration::from_millis(200);
    let err = TrezorDevice::with_transport_timeout(Model::Trezor, Box::new(Silent), timeout)
        .err()
        .unwrap();
    assert_times_out(&err, timeout);
}
