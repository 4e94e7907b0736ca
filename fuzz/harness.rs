//! Fuzz harnesses: each takes arbitrary bytes and drives one parser (and what runs on its
//! output) the way coldsign does; any panic is a bug. Included by the cargo-fuzz targets in
//! `fuzz_targets/` and by the stable corpus-replay test `tests/fuzz_corpus.rs`.

use std::str::FromStr;

use alloy_primitives::{Address, U256};
use bitcoin::Network;
use coldsign::btc::known_keys::KnownKeys;
use coldsign::btc::ownership::Policies;
use coldsign::eth::tx::UnsignedTx;
use coldsign::eth::{EthPayload, EthRequest};
use coldsign::keys::keystore::Keystore;
use coldsign::keys::material::{HdKeys, KeyMaterial};
use coldsign::keys::mnemonic::SecretMnemonic;
use coldsign::policy::LoadedPolicy;
use coldsign::request::PsbtFile;
use coldsign::review::bitcoin::{review_file, FeeLimits};
use coldsign::transport::collect::Collector;
use coldsign::transport::fountain::{FountainDecoder, FountainPart};
use coldsign::transport::registry::Payload;
use coldsign::transport::{base43, bbqr, ur};
use secrecy::SecretString;

/// A harness: arbitrary bytes in, a panic means a bug.
pub type Harness = fn(&[u8]);

/// Every harness, by target name.
pub const TARGETS: &[(&str, Harness)] = &[
    ("psbt", psbt),
    ("ur_stream", ur_stream),
    ("registry", registry),
    ("fountain", fountain),
    ("keystore", keystore),
    ("keystore_v3", keystore_v3),
    ("wallet", wallet),
    ("policy", policy),
    ("bbqr_base43", bbqr_base43),
    ("mnemonic", mnemonic),
    ("eth_request", eth_request),
    ("eip712", eip712),
    ("eth_calldata", eth_calldata),
    ("message", message),
    ("erc7730", erc7730),
    ("remembered", remembered),
    ("psbt_known_keys", psbt_known_keys),
];

/// The signer's keys, derived once per process (PBKDF2 per input would dominate the run).
fn keys() -> &'static HdKeys {
    static KEYS: std::sync::OnceLock<HdKeys> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let words = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        KeyMaterial::Bip39 { mnemonic: SecretMnemonic::parse(words).unwrap(), passphrase: SecretString::from("") }
            .hd()
            .unwrap()
    })
}

/// PSBT decoding (any encoding, v0/v2), the full review, and writing it back in every form.
pub fn psbt(data: &[u8]) {
    let Ok(file) = PsbtFile::decode(data) else {
        return;
    };
    let policies = Policies::new(keys(), Vec::new());
    let r = review_file(&file, Network::Regtest, &policies, &FeeLimits::default());
    let _ = serde_json::to_string(&r);
    for version in [
        coldsign::btc::psbt_v2::PsbtVersion::V0,
        coldsign::btc::psbt_v2::PsbtVersion::V2,
    ] {
        let _ = file.encode(version, coldsign::request::Encoding::Base64);
    }
}

/// Text lines as scanned QR parts (UR, BBQr, base43) into the collector.
pub fn ur_stream(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut collector = Collector::new();
    for line in text.lines() {
        if collector.push(line).is_err() {
            break;
        }
    }
    if let Ok(received) = collector.finish() {
        let _ = received.payload();
    }
}

/// A UR type chosen by the first byte, the rest as its CBOR body; decoded and re-encoded.
pub fn registry(data: &[u8]) {
    const TYPES: [&str; 10] = [
        "crypto-psbt",
        "psbt",
        "eth-sign-request",
        "eth-signature",
        "crypto-hdkey",
        "hdkey",
        "crypto-account",
        "account-descriptor",
        "crypto-output",
        "output-descriptor",
    ];
    let Some((first, cbor)) = data.split_first() else {
        return;
    };
    if let Ok(payload) = Payload::from_ur(TYPES[*first as usize % TYPES.len()], cbor) {
        let _ = payload.to_ur(true);
        let _ = payload.to_ur(false);
    }
    let _ = ur::parse_part(&String::from_utf8_lossy(data));
}

/// Fountain parts (CBOR, split on a 0xff 0x00 marker) into one decoder.
pub fn fountain(data: &[u8]) {
    let mut decoder = FountainDecoder::with_limits(256, 1 << 16);
    for chunk in data.split(|b| *b == 0xff) {
        if let Ok(part) = FountainPart::from_cbor(chunk) {
            if decoder.receive(&part).is_err() {
                break;
            }
        }
    }
    let _ = decoder.message();
}

/// Keystore JSON, parsed without the password.
pub fn keystore(data: &[u8]) {
    if let Ok(k) = Keystore::parse(data) {
        let _ = k.header();
    }
}

/// Keystore v3 JSON, decrypted with a fixed password (KDF costs capped by the harness so one
/// input cannot take seconds).
pub fn keystore_v3(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let expensive = ["\"n\":", "\"c\":"].iter().any(|k| {
        text.split(k).skip(1).any(|rest| {
            rest.trim_start().len() > 5
                && rest
                    .trim_start()
                    .chars()
                    .take(6)
                    .all(|c| c.is_ascii_digit())
        })
    });
    if !expensive {
        let _ = coldsign::keys::keystore_v3::decrypt(data, &SecretString::from("testpassword"));
    }
}

/// Descriptor, BIP388, Caravan and Coldcard wallet import.
pub fn wallet(data: &[u8]) {
    if let Ok(w) = coldsign::btc::wallets::Wallet::parse(Some("w"), &String::from_utf8_lossy(data))
    {
        let _ = w.cosigners(keys());
    }
}

/// Policy TOML.
pub fn policy(data: &[u8]) {
    let _ = LoadedPolicy::from_text(&String::from_utf8_lossy(data), Network::Regtest);
}

/// BBQr parts and base43 text.
pub fn bbqr_base43(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = bbqr::join(text.lines());
    let _ = base43::decode(&text);
}

/// Typed mnemonic words.
pub fn mnemonic(data: &[u8]) {
    let _ = SecretMnemonic::parse(&String::from_utf8_lossy(data));
}

/// Ethereum requests: UR/QR/hex/JSON recognition, RLP transaction decoding (with the
/// canonical re-encoding check), and the whole review.
pub fn eth_request(data: &[u8]) {
    if let Ok(tx) = UnsignedTx::decode(data) {
        assert_eq!(
            tx.encoded_for_signing(),
            data,
            "decode accepted a non-canonical encoding"
        );
        let _ = tx.signature_hash();
    }
    if let Ok(request) = EthRequest::decode(data) {
        eth_review(&request);
    }
}

/// EIP-712 typed data JSON: parsing, hashing, the readable view, Permit/Permit2/SafeTx
/// recognition, through the review.
pub fn eip712(data: &[u8]) {
    if let Ok(typed) = coldsign::eth::typed_data::parse(data) {
        let request = EthRequest {
            payload: EthPayload::TypedData(Box::new(typed)),
            chain_id: None,
            key: Default::default(),
            address: None,
            source: coldsign::eth::request::Source::Bare,
        };
        eth_review(&request);
    }
}

/// Calldata to a contract: ERC-20, Safe execTransaction (nested), MultiSend (packed), Safe
/// administration; the first 20 bytes are the target.
pub fn eth_calldata(data: &[u8]) {
    use coldsign::eth::calldata::{Decoder, Operation, RawCall};
    if data.len() < 20 {
        return;
    }
    let mut decoder = Decoder::new(1, coldsign::eth::flows::Known::builtin(), Address::ZERO);
    let call = decoder.decode(
        "call",
        RawCall {
            to: Some(Address::from_slice(&data[..20])),
            value: U256::ZERO,
            operation: Operation::Call,
            data: &data[20..],
        },
    );
    let _ = serde_json::to_string(&call);
}

/// An ERC-7730 descriptor, then (after a NUL byte) call arguments or typed-data JSON: the
/// strict parser and validation, then the rendering of every function the descriptor
/// describes at each of its deployments (the arguments after its selector), or of the
/// typed message under its domain.
pub fn erc7730(data: &[u8]) {
    use coldsign::erc7730::{Binding, Call, Descriptor, Directory, Registry, TokenInfo};
    let (doc, rest) = match data.iter().position(|b| *b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let Ok(descriptor) = Descriptor::from_bytes(doc) else {
        return;
    };
    let selectors: Vec<[u8; 4]> = descriptor
        .calls
        .iter()
        .take(16)
        .map(|c| c.function.selector().0)
        .collect();
    let binding = descriptor.binding.clone();
    let mut registry = Registry::new();
    registry.add(descriptor);
    let mut tokens = Directory::default();
    match binding {
        Binding::Contract(deployments) => {
            for d in deployments.iter().take(4) {
                let token = TokenInfo {
                    symbol: "TKN".into(),
                    decimals: 6,
                };
                tokens.add_token(d.chain_id, d.address, token);
                for selector in &selectors {
                    let mut calldata = selector.to_vec();
                    calldata.extend_from_slice(rest);
                    let call = Call {
                        chain_id: d.chain_id,
                        from: Some(Address::ZERO),
                        to: d.address,
                        value: U256::from(1u8),
                        data: &calldata,
                    };
                    if let Some(Ok(shown)) = registry.clear_sign_call(&call, &tokens) {
                        let _ = serde_json::to_string(&shown);
                    }
                }
            }
        }
        Binding::Messages { .. } => {
            if let Ok(typed) = coldsign::eth::typed_data::parse(rest) {
                if let Some(Ok(shown)) = registry.clear_sign_typed(&typed, None, &tokens) {
                    let _ = serde_json::to_string(&shown);
                }
            }
        }
        Binding::KnownTokens => {}
    }
}

fn eth_review(request: &EthRequest) {
    let r = coldsign::review::ethereum::review(
        request,
        Address::ZERO,
        None,
        &coldsign::eth::flows::Known::builtin(),
    );
    let _ = serde_json::to_string(&r);
}

/// Bitcoin message requests (JSON, QR image, ur:bytes) and signatures (BIP-322 with or without
/// prefix, legacy), the text verified for a P2WPKH, a P2SH and a P2TR address.
pub fn message(data: &[u8]) {
    let _ = coldsign::btc::message::request::MessageRequest::parse(data);
    let text = String::from_utf8_lossy(data);
    for address in [
        "bc1q9vza2e8x573nczrlzms0wvx3gsqjx7vavgkx0l",
        "37VucYSaXLCAsxYyAPfbSi9eh4iEcbShgf",
        "bc1pss0zhytly75awhm6x2hhvd5lnzv3vssgrf9axfheq8ldyzn88ges79fler",
    ] {
        let script = bitcoin::Address::from_str(address)
            .expect("valid constant")
            .assume_checked()
            .script_pubkey();
        let _ = coldsign::btc::message::verify(keys().secp(), &script, b"Hello World", &text);
    }
}

/// A remembered-derivations file (`derived-keys.bin`) beside a keystore, recalled into a
/// review's policies: it is parsed as it is authenticated, so arbitrary bytes reach the
/// parser before the code is checked.
pub fn remembered(data: &[u8]) {
    use coldsign::btc::remembered::{Remembered, FILE_NAME};
    let dir = std::env::temp_dir().join(format!("coldsign-fuzz-remembered-{}", std::process::id()));
    if std::fs::create_dir_all(&dir).is_err() || std::fs::write(dir.join(FILE_NAME), data).is_err()
    {
        return;
    }
    let store = Remembered::for_keystore(&dir.join("keystore.json"), keys());
    let policies = Policies::new(keys(), Vec::new());
    let _ = policies.recall(&store);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every key a PSBT names, as points (x-only keys with even y, as BIP340 reads them).
pub fn known_keys_of(psbt: &bitcoin::psbt::Psbt) -> KnownKeys {
    let mut known = KnownKeys::none();
    let full = |x: &bitcoin::XOnlyPublicKey| x.public_key(bitcoin::secp256k1::Parity::Even);
    let inputs = psbt
        .inputs
        .iter()
        .map(|i| (&i.bip32_derivation, &i.tap_key_origins, &i.tap_internal_key));
    let outputs = psbt
        .outputs
        .iter()
        .map(|o| (&o.bip32_derivation, &o.tap_key_origins, &o.tap_internal_key));
    for (bip32_derivation, tap_key_origins, tap_internal_key) in inputs.chain(outputs) {
        bip32_derivation.keys().for_each(|k| known.offer_key(k));
        tap_key_origins
            .keys()
            .for_each(|k| known.offer_key(&full(k)));
        tap_internal_key
            .iter()
            .for_each(|k| known.offer_key(&full(k)));
    }
    known
}

/// Reading a PSBT with its keys already known as points gives what reading it without them
/// gives: the same PSBT, or an error either way. Checked for the PSBT (as version 0 and as
/// version 2) and for versions of it with one byte changed or cut short.
pub fn psbt_known_keys(data: &[u8]) {
    use coldsign::btc::psbt_v2::{parse_any, parse_any_knowing, PsbtVersion};
    let Ok(file) = PsbtFile::decode(data) else {
        return;
    };
    let known = known_keys_of(&file.psbt);
    for version in [PsbtVersion::V0, PsbtVersion::V2] {
        let Ok(bytes) = file.encode(version, coldsign::request::Encoding::Binary) else {
            continue;
        };
        // Changes where the fuzz input says (its bytes as positions), and two cuts.
        let step = bytes.len() / 8 + 1;
        let mut variants = vec![bytes.clone(), bytes[..bytes.len() / 2].to_vec()];
        for (i, &b) in data.iter().take(8).enumerate() {
            let mut changed = bytes.clone();
            let at = (i * step + b as usize) % changed.len();
            changed[at] ^= b | 1;
            variants.push(changed);
        }
        for variant in variants {
            match (parse_any(&variant), parse_any_knowing(&variant, &known)) {
                (Ok(plain), Ok(knowing)) => assert!(plain == knowing, "known keys changed a psbt"),
                (Err(_), Err(_)) => {}
                (plain, knowing) => panic!(
                    "known keys changed whether a psbt reads: {:?} vs {:?}",
                    plain.err(),
                    knowing.err()
                ),
            }
        }
    }
}
