//! UR envelope (`transport::ur`) and registry types (`transport::registry`): the published
//! vectors of BCR-2020-006/007/010/015, BCR-2023-010/019 and EIP-4527's reference tests
//! (fixtures/bcr-2020-006.json, fixtures/eip-4527.json), Keystone 3's crypto-account export,
//! and cross-checks against the independent JavaScript implementation `@ngraveio/bc-ur`
//! (installed by scripts/test; tests/js/bc-ur.js drives it).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::str::FromStr;

use bitcoin::bip32::{DerivationPath, Fingerprint, Xpub};
use bitcoin::hex::{DisplayHex, FromHex};
use coldsign::transport::registry::{
    self, Account, DescriptorKey, EthDataType, EthSignRequest, EthSignature, HdKey,
    OutputDescriptor, Payload, RegistryError, TagSet,
};
use coldsign::transport::ur::{self, UrError, UrPart};
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use serde_json::Value;

fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn hex(s: &str) -> Vec<u8> {
    Vec::<u8>::from_hex(s).unwrap()
}

fn text(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
}

/// Parses a single-part UR, checking its type.
fn single(ur_text: &str, expected_type: &str) -> Vec<u8> {
    match ur::parse_part(ur_text).unwrap() {
        UrPart::Single { ur_type, cbor } => {
            assert_eq!(ur_type, expected_type);
            cbor
        }
        other => panic!("expected a single-part ur, got {other:?}"),
    }
}

/// Reassembles parts with the `ur` crate's decoder (the fountain decoder is another module's).
fn reassemble<'a>(parts: impl IntoIterator<Item = &'a String>) -> (String, Vec<u8>) {
    let mut decoder = ::ur::Decoder::default();
    for part in parts {
        match ur::parse_part(part).unwrap() {
            UrPart::Single { ur_type, cbor } => return (ur_type, cbor),
            UrPart::Multi { .. } => decoder.receive(part).unwrap(),
        }
        if decoder.complete() {
            break;
        }
    }
    assert!(decoder.complete(), "parts did not complete the message");
    (
        decoder.ur_type().unwrap().to_string(),
        decoder.message().unwrap().unwrap(),
    )
}

// ---------------------------------------------------------------------------------------------
// Published vectors

#[test]
fn bcr_2020_006_psbt_vectors() {
    let doc = fixture("bcr-2020-006.json");
    for v in doc["psbt"].as_array().unwrap() {
        let ur_type = text(&v["ur_type"]);
        let cbor = single(text(&v["ur"]), ur_type);
        assert_eq!(cbor, hex(text(&v["cbor_hex"])));
        let Payload::Psbt(psbt) = Payload::from_ur(ur_type, &cbor).unwrap() else {
            panic!("not a psbt")
        };
        assert_eq!(psbt, hex(text(&v["psbt_hex"])));
        bitcoin::Psbt::deserialize(&psbt).expect("the vector is a valid psbt");
        let (out_type, out_cbor) = Payload::Psbt(psbt)
            .to_ur(ur_type == registry::CRYPTO_PSBT)
            .unwrap();
        assert_eq!((out_type, &out_cbor), (ur_type, &cbor));
        assert_eq!(ur::encode_single(out_type, &out_cbor), text(&v["ur"]));
    }
}

#[test]
fn bcr_2020_007_hdkey_vectors() {
    let doc = fixture("bcr-2020-006.json");
    let vectors = doc["hdkey"].as_array().unwrap();

    // Vector 1: a master private key. It decodes, re-encodes, and is refused as text.
    let v = &vectors[0];
    let cbor = single(text(&v["ur"]), registry::CRYPTO_HDKEY);
    assert_eq!(cbor, hex(text(&v["cbor_hex"])));
    let Payload::HdKey(key) = Payload::from_ur(registry::CRYPTO_HDKEY, &cbor).unwrap() else {
        panic!("not an hdkey")
    };
    assert!(key.is_master);
    assert!(!key.is_public());
    assert_eq!(key.key_data, hex(text(&v["key_data"])));
    assert_eq!(
        key.chain_code.unwrap().to_vec(),
        hex(text(&v["chain_code"]))
    );
    assert_eq!(key.to_cbor(TagSet::V1), cbor);
    assert_eq!(
        key.key_expression(),
        Err(RegistryError::PrivateKey("hd key"))
    );
    assert!(key.xpub().is_err());

    // Vector 2: a testnet public key; the CBOR rebuilds the published tpub exactly.
    let v = &vectors[1];
    let cbor = single(text(&v["ur"]), registry::CRYPTO_HDKEY);
    assert_eq!(cbor, hex(text(&v["cbor_hex"])));
    let key = HdKey::from_cbor(&cbor).unwrap();
    assert_eq!(key.xpub().unwrap().to_string(), text(&v["xpub"]));
    assert_eq!(
        key.origin.as_ref().unwrap().path().unwrap(),
        DerivationPath::from_str(text(&v["origin_path"])).unwrap()
    );
    assert_eq!(
        key.parent_fingerprint.unwrap(),
        Fingerprint::from_str(text(&v["parent_fingerprint"])).unwrap()
    );
    assert_eq!(key.network().unwrap(), bitcoin::NetworkKind::Test);
    // No source fingerprint in the origin, so the key prints without one.
    assert_eq!(key.key_expression().unwrap(), text(&v["xpub"]));
    let (ur_type, out) = Payload::HdKey(key.clone()).to_ur(true).unwrap();
    assert_eq!(ur::encode_single(ur_type, &out), text(&v["ur"]));

    // The version 2 name and tags carry the same key.
    let (ur_type, v2) = Payload::HdKey(key.clone()).to_ur(false).unwrap();
    assert_eq!(ur_type, registry::HDKEY);
    assert_ne!(v2, cbor);
    assert_eq!(Payload::from_ur(ur_type, &v2).unwrap(), Payload::HdKey(key));
}

#[test]
fn bcr_2020_010_output_vectors() {
    let doc = fixture("bcr-2020-006.json");
    for (i, v) in doc["output"].as_array().unwrap().iter().enumerate() {
        let name = text(&v["name"]);
        let cbor = single(text(&v["ur"]), registry::CRYPTO_OUTPUT);
        assert_eq!(cbor, hex(text(&v["cbor_hex"])), "{name}");
        let Payload::Output(output) = Payload::from_ur(registry::CRYPTO_OUTPUT, &cbor).unwrap()
        else {
            panic!("not an output")
        };
        // Decoded and re-encoded, and encoded from the published text: the same bytes.
        assert_eq!(output.to_cbor_v1().unwrap(), cbor, "{name}");
        let published = text(&v["descriptor"]);
        let from_text = OutputDescriptor::from_descriptor(published).unwrap();
        assert_eq!(from_text.to_cbor_v1().unwrap(), cbor, "{name}");
        assert_eq!(
            ur::encode_single(registry::CRYPTO_OUTPUT, &from_text.to_cbor_v1().unwrap()),
            text(&v["ur"])
        );

        let decoded = output.to_descriptor().unwrap();
        match i {
            // Vector 4's xpub has child number 0xfffffffe, which the CBOR does not carry
            // (its origin ends in 0'): same key and chain code, another child number.
            3 => {
                let xpub = |s: &str| {
                    let start = s.find("xpub").unwrap();
                    Xpub::from_str(&s[start..start + 111]).unwrap()
                };
                let (ours, theirs) = (xpub(&decoded), xpub(published));
                assert_eq!(ours.public_key, theirs.public_key);
                assert_eq!(ours.chain_code, theirs.chain_code);
                assert_eq!(ours.depth, 4);
                assert_eq!(ours.parent_fingerprint, theirs.parent_fingerprint);
                assert!(decoded.starts_with("pkh([d34db33f/44'/0'/0']xpub"));
                assert!(decoded.ends_with("/1/*)"));
            }
            // Vector 5's second key is encoded with its parent as a one-step origin.
            4 => assert_eq!(
                decoded,
                published.replace(",xpub69H7", ",[bd16bee5/0]xpub69H7"),
                "{name}"
            ),
            _ => assert_eq!(decoded, published, "{name}"),
        }
        // And through the version 3 format and back.
        let v3 = output.to_cbor_v3().unwrap();
        let back = OutputDescriptor::from_cbor_v3(&v3).unwrap();
        assert_eq!(back.to_descriptor().unwrap(), decoded);
        assert_eq!(back.to_cbor_v1().unwrap(), cbor);
    }
}

#[test]
fn bcr_2023_010_output_descriptor_vector() {
    let doc = fixture("bcr-2020-006.json");
    let v = &doc["output_v3"][0];
    let tagged = hex(text(&v["tagged_cbor_hex"]));
    // The paper prints the tagged form; a UR body is the untagged map.
    assert_eq!(&tagged[..3], &[0xd9, 0x9d, 0x74]);
    let body = &tagged[3..];
    let Payload::Output(output) = Payload::from_ur(registry::OUTPUT_DESCRIPTOR, body).unwrap()
    else {
        panic!("not an output")
    };
    assert_eq!(output, OutputDescriptor::from_cbor_v3(&tagged).unwrap());
    assert_eq!(output.source, text(&v["placeholder_source"]));
    assert_eq!(output.name.as_deref(), Some(text(&v["descriptor_name"])));
    assert_eq!(output.to_descriptor().unwrap(), text(&v["descriptor"]));
    assert_eq!(output.to_cbor_v3().unwrap(), body);

    let mut from_text = OutputDescriptor::from_descriptor(text(&v["descriptor"])).unwrap();
    from_text.name = Some(text(&v["descriptor_name"]).to_string());
    assert_eq!(from_text.to_cbor_v3().unwrap(), body);
    let (ur_type, cbor) = Payload::Output(from_text.clone()).to_ur(false).unwrap();
    assert_eq!(
        (ur_type, cbor.as_slice()),
        (registry::OUTPUT_DESCRIPTOR, body)
    );

    // Miniscript reads the decoded text as the same descriptor.
    let ours = Descriptor::<DescriptorPublicKey>::from_str(&output.to_descriptor().unwrap());
    let theirs = Descriptor::<DescriptorPublicKey>::from_str(text(&v["descriptor"]));
    assert_eq!(ours.unwrap(), theirs.unwrap());

    // The legacy format has no name; the rest survives.
    let (ur_type, legacy) = Payload::Output(from_text).to_ur(true).unwrap();
    assert_eq!(ur_type, registry::CRYPTO_OUTPUT);
    let back = OutputDescriptor::from_cbor_v1(&legacy).unwrap();
    assert_eq!(back.name, None);
    assert_eq!(back.to_descriptor().unwrap(), text(&v["descriptor"]));
}

#[test]
fn bcr_2020_015_and_2023_019_account_vectors() {
    let doc = fixture("bcr-2020-006.json");
    let vectors = doc["account"].as_array().unwrap();
    let mut decoded = Vec::new();
    for v in vectors {
        let ur_type = text(&v["ur_type"]);
        let legacy = ur_type == registry::CRYPTO_ACCOUNT;
        let cbor = single(text(&v["ur"]), ur_type);
        assert_eq!(cbor, hex(text(&v["cbor_hex"])), "{ur_type}");
        let Payload::Account(account) = Payload::from_ur(ur_type, &cbor).unwrap() else {
            panic!("not an account")
        };
        let master = Fingerprint::from_str(text(&v["master_fingerprint"])).unwrap();
        assert_eq!(account.master_fingerprint, master);
        let descriptors: Vec<&str> = v["descriptors"]
            .as_array()
            .unwrap()
            .iter()
            .map(text)
            .collect();
        assert_eq!(account.descriptors().unwrap(), descriptors, "{ur_type}");
        assert_eq!(
            Payload::Account(account.clone()).to_ur(legacy).unwrap(),
            (ur_type, cbor.clone())
        );
        // From the published descriptor texts to the published bytes and UR.
        let from_text = Account::from_descriptors(master, &descriptors).unwrap();
        assert_eq!(from_text.to_cbor(legacy).unwrap(), cbor, "{ur_type}");
        assert_eq!(ur::encode_single(ur_type, &cbor), text(&v["ur"]));
        decoded.push(account);
    }
    // Both papers encode the same account: converting one format gives the other's bytes.
    assert_eq!(
        decoded[0].to_cbor(false).unwrap(),
        hex(text(&vectors[1]["cbor_hex"]))
    );
    assert_eq!(
        decoded[1].to_cbor(true).unwrap(),
        hex(text(&vectors[0]["cbor_hex"]))
    );
}

#[test]
fn keystone_crypto_account_multisig_exports() {
    let doc = fixture("wallet-formats/keystone-multisig-export.json");
    for v in doc["vectors"].as_array().unwrap() {
        let case = text(&v["case"]);
        let cbor = hex(text(&v["crypto_account_cbor_hex"]));
        let account = Account::from_cbor(&cbor).unwrap();
        assert_eq!(
            account.master_fingerprint,
            Fingerprint::from_str(text(&v["master_fingerprint"])).unwrap()
        );
        assert_eq!(account.outputs.len(), 1, "{case}");
        let DescriptorKey::Hd(key) = &account.outputs[0].keys[0] else {
            panic!("not an hd key")
        };
        let (fp, path) = key.key_origin().unwrap().unwrap();
        assert_eq!(fp, account.master_fingerprint);
        assert_eq!(path, DerivationPath::from_str(text(&v["path"])).unwrap());
        // Keystone writes coin-info network 1 for testnet even over a mainnet xpub (notes).
        let xpub = key.xpub().unwrap();
        let input = Xpub::from_str(text(&v["xpub"])).unwrap();
        assert_eq!(xpub.public_key, input.public_key, "{case}");
        assert_eq!(xpub.chain_code, input.chain_code, "{case}");
        assert_eq!(xpub.depth, input.depth, "{case}");
        assert_eq!(xpub.child_number, input.child_number, "{case}");
        assert_eq!(xpub.parent_fingerprint, input.parent_fingerprint, "{case}");
        if text(&v["network"]) == "mainnet" {
            assert_eq!(xpub, input, "{case}");
        }
        // Keystone leaves out the 308 tag around the output (as BCR-2020-015's first
        // revision did); we write it. Its explicit is-private false and coin-info survive.
        let mut tagged = cbor.clone();
        tagged.splice(9..9, [0xd9, 0x01, 0x34]);
        assert_eq!(account.to_cbor(true).unwrap(), tagged, "{case}");
        assert_eq!(Account::from_cbor(&tagged).unwrap(), account);
        let descriptor = account.outputs[0].to_descriptor().unwrap();
        assert!(
            descriptor.contains("cosigner(") || descriptor.contains("sh("),
            "{descriptor}"
        );
    }
}

#[test]
fn eip_4527_sign_request_vectors() {
    let doc = fixture("eip-4527.json");
    for v in doc["eth_sign_request"].as_array().unwrap() {
        let name = text(&v["name"]);
        let cbor = single(text(&v["ur"]), registry::ETH_SIGN_REQUEST);
        let Payload::EthSignRequest(request) =
            Payload::from_ur(registry::ETH_SIGN_REQUEST, &cbor).unwrap()
        else {
            panic!("not a sign request")
        };
        let uuid = text(&v["request_id"]).replace('-', "");
        assert_eq!(request.request_id.unwrap().to_vec(), hex(&uuid), "{name}");
        assert_eq!(request.sign_data, hex(text(&v["sign_data"])));
        assert_eq!(request.data_type, EthDataType::Transaction);
        assert_eq!(request.data_type as u64, v["data_type"].as_u64().unwrap());
        assert_eq!(request.chain_id(), v["chain_id"].as_u64().unwrap());
        assert_eq!(
            request.derivation_path.path().unwrap(),
            DerivationPath::from_str(text(&v["derivation_path"])).unwrap()
        );
        assert_eq!(
            request.derivation_path.source_fingerprint.unwrap(),
            Fingerprint::from_str(text(&v["source_fingerprint"])).unwrap()
        );
        assert_eq!(request.address, None);
        assert_eq!(request.origin.as_deref(), v["origin"].as_str(), "{name}");
        assert_eq!(request.to_cbor(), cbor, "{name}");
        assert_eq!(
            ur::encode_single(registry::ETH_SIGN_REQUEST, &request.to_cbor()),
            text(&v["ur"])
        );
    }
}

#[test]
fn eip_4527_signature_vector() {
    let doc = fixture("eip-4527.json");
    for v in doc["eth_signature"].as_array().unwrap() {
        let cbor = single(text(&v["ur"]), registry::ETH_SIGNATURE);
        let Payload::EthSignature(signature) =
            Payload::from_ur(registry::ETH_SIGNATURE, &cbor).unwrap()
        else {
            panic!("not a signature")
        };
        let uuid = text(&v["request_id"]).replace('-', "");
        assert_eq!(signature.request_id.unwrap().to_vec(), hex(&uuid));
        assert_eq!(signature.signature, hex(text(&v["signature"])));
        assert_eq!(signature.origin, None);
        assert_eq!(signature.to_cbor(), cbor);
        assert_eq!(
            Payload::EthSignature(signature).to_ur(false).unwrap(),
            (registry::ETH_SIGNATURE, cbor)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Our own watch-only exports

const ABANDON_FP: &str = "73c5da0a";

fn abandon_xpub(bip: u64, network: &str) -> (String, String) {
    let doc = fixture("bip44-84-86-abandon.json");
    let v = doc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["bip"].as_u64() == Some(bip) && text(&v["network"]) == network)
        .unwrap();
    let path = text(&v["path"]).trim_start_matches("m/").to_string();
    // BIP49/84 vectors are SLIP-132 ypub/zpub: rebuild the plain xpub from the same bytes.
    let data = bitcoin::base58::decode_check(text(&v["account_xpub"])).unwrap();
    let mut bytes = data.clone();
    bytes[..4].copy_from_slice(if network == "bitcoin" {
        &[0x04, 0x88, 0xb2, 0x1e]
    } else {
        &[0x04, 0x35, 0x87, 0xcf]
    });
    (path, Xpub::decode(&bytes).unwrap().to_string())
}

#[test]
fn our_account_descriptors_round_trip_in_both_formats() {
    let key = |bip, network| {
        let (path, xpub) = abandon_xpub(bip, network);
        format!("[{ABANDON_FP}/{path}]{xpub}/<0;1>/*")
    };
    let descriptors = [
        format!("pkh({})", key(44, "bitcoin")),
        format!("sh(wpkh({}))", key(49, "bitcoin")),
        format!("wpkh({})", key(84, "bitcoin")),
        format!("tr({})", key(86, "bitcoin")),
        format!("sh(wpkh({}))", key(49, "bitcoin-testnet")),
    ];
    let master = Fingerprint::from_str(ABANDON_FP).unwrap();
    let account = Account::from_descriptors(master, &descriptors).unwrap();
    for legacy in [true, false] {
        let (ur_type, cbor) = Payload::Account(account.clone()).to_ur(legacy).unwrap();
        assert_eq!(
            ur_type,
            if legacy {
                registry::CRYPTO_ACCOUNT
            } else {
                registry::ACCOUNT_DESCRIPTOR
            }
        );
        let text = ur::encode_single(ur_type, &cbor);
        let UrPart::Single { ur_type, cbor } = ur::parse_part(&text).unwrap() else {
            panic!("single part")
        };
        let Payload::Account(back) = Payload::from_ur(&ur_type, &cbor).unwrap() else {
            panic!("not an account")
        };
        assert_eq!(back.descriptors().unwrap(), descriptors);
        for d in back.descriptors().unwrap() {
            // Each is a descriptor miniscript accepts, equal to the one we started from.
            let ours = Descriptor::<DescriptorPublicKey>::from_str(&d).unwrap();
            assert!(descriptors
                .iter()
                .any(|o| Descriptor::<DescriptorPublicKey>::from_str(o).unwrap() == ours));
        }
    }
    // The testnet key carries coin-info network 1.
    let DescriptorKey::Hd(testnet) = &account.outputs[4].keys[0] else {
        panic!("hd key")
    };
    assert_eq!(testnet.use_info.unwrap().network, Some(1));
    assert!(testnet.key_expression().unwrap().contains("]tpub"));
}

#[test]
fn our_multisig_descriptor_and_cosigner_key() {
    let (path, xpub) = abandon_xpub(84, "bitcoin");
    let ours = format!("[{ABANDON_FP}/{path}]{xpub}");
    let other = "[dc567276/48'/0'/0'/2']xpub6DiYrfRwNnjeX4vHsWMajJVFKrbEEnu8gAW9vDuQzgTWEsEHE16sGWeXXUV1LBWQE1yCTmeprSNcqZ3W74hqVdgDbtYHUv3eM4W2TEUhpan";
    for (template, legacy_ok) in [
        ("wsh(sortedmulti(2,{a}/<0;1>/*,{b}/<0;1>/*))", true),
        ("sh(wsh(multi(1,{a}/0/*,{b}/0/*)))", true),
        ("sh(sortedmulti(2,{a}/<0;1>/*,{b}/<0;1>/*))", true),
        ("wsh(cosigner({a}))", true),
        ("wsh(and_v(v:pk({a}/<0;1>/*),pk({b}/<0;1>/*)))", false),
    ] {
        let text = template.replace("{a}", &ours).replace("{b}", other);
        let output = OutputDescriptor::from_descriptor(&text).unwrap();
        let checksummed = match Descriptor::<DescriptorPublicKey>::from_str(&text) {
            Ok(d) => d.to_string(),
            Err(_) => text.clone(), // cosigner() is no Bitcoin Core descriptor
        };
        assert_eq!(
            OutputDescriptor::from_descriptor(&checksummed).unwrap(),
            output,
            "a #checksum is ignored"
        );
        let (ur_type, v3) = Payload::Output(output.clone()).to_ur(false).unwrap();
        assert_eq!(ur_type, registry::OUTPUT_DESCRIPTOR);
        let Payload::Output(back) = Payload::from_ur(ur_type, &v3).unwrap() else {
            panic!()
        };
        assert_eq!(back.to_descriptor().unwrap(), text);
        match Payload::Output(output).to_ur(true) {
            Ok((ur_type, v1)) => {
                assert!(legacy_ok, "{text}");
                let Payload::Output(back) = Payload::from_ur(ur_type, &v1).unwrap() else {
                    panic!()
                };
                assert_eq!(back.to_descriptor().unwrap(), text);
            }
            Err(RegistryError::Unsupported { .. }) => assert!(!legacy_ok, "{text}"),
            Err(e) => panic!("{text}: {e}"),
        }
    }
    // A single account key as an hdkey UR, and back to `[fingerprint/path]xpub`.
    let key = HdKey::from_key_expression(&ours).unwrap();
    for legacy in [true, false] {
        let (ur_type, cbor) = Payload::HdKey(key.clone()).to_ur(legacy).unwrap();
        let Payload::HdKey(back) = Payload::from_ur(ur_type, &cbor).unwrap() else {
            panic!()
        };
        assert_eq!(back.key_expression().unwrap(), ours);
    }
}

#[test]
fn registry_rejects_malformed_bodies() {
    let doc = fixture("bcr-2020-006.json");
    let psbt_cbor = hex(text(&doc["psbt"][0]["cbor_hex"]));
    let mut trailing = psbt_cbor.clone();
    trailing.push(0);
    assert!(matches!(
        Payload::from_ur(registry::PSBT, &trailing),
        Err(RegistryError::Cbor { .. })
    ));
    // A byte string that is no PSBT.
    assert!(Payload::from_ur(registry::PSBT, &[0x43, 1, 2, 3]).is_err());
    assert_eq!(
        Payload::from_ur("crypto-seed", &psbt_cbor),
        Err(RegistryError::UnknownType("crypto-seed".into()))
    );
    // Truncated bodies of every vector fail cleanly.
    for section in ["hdkey", "output", "account"] {
        for v in doc[section].as_array().unwrap() {
            let cbor = hex(text(&v["cbor_hex"]));
            let ur_type = text(&v["ur"])[3..].split('/').next().unwrap().to_string();
            for cut in [1, cbor.len() / 2, cbor.len() - 1] {
                assert!(Payload::from_ur(&ur_type, &cbor[..cut]).is_err());
            }
        }
    }
    // Deeply nested sh(sh(sh(…))) is refused, not recursed into.
    let mut deep = Vec::new();
    for _ in 0..100 {
        deep.extend_from_slice(&[0xd9, 0x01, 0x90]);
    }
    assert!(OutputDescriptor::from_cbor_v1(&deep).is_err());
    // A placeholder without a key.
    let bad = OutputDescriptor {
        source: "wpkh(@1)".into(),
        keys: Vec::new(),
        name: None,
        note: None,
    };
    assert!(bad.to_cbor_v3().is_err());
    assert!(bad.to_descriptor().is_err());
    // EIP-4527 signatures are 65 bytes.
    let short = EthSignature {
        request_id: None,
        signature: vec![1; 64],
        origin: None,
    };
    assert!(EthSignature::from_cbor(&short.to_cbor()).is_err());
    // Unknown data type.
    let doc = fixture("eip-4527.json");
    let request_cbor = single(text(&doc["eth_sign_request"][0]["ur"]), "eth-sign-request");
    let request = EthSignRequest::from_cbor(&request_cbor).unwrap();
    let mut bytes = request.to_cbor();
    let at = bytes
        .windows(2)
        .position(|w| w == [0x03, 0x01])
        .expect("data-type entry");
    bytes[at + 1] = 0x09;
    assert!(EthSignRequest::from_cbor(&bytes).is_err());
}

// ---------------------------------------------------------------------------------------------
// The UR envelope

fn message(len: usize) -> Vec<u8> {
    // A CBOR byte string of pseudo-random bytes.
    let mut body = Vec::with_capacity(len);
    let mut x: u32 = 0x1234_5678;
    for _ in 0..len {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        body.push(x as u8);
    }
    registry::psbt_to_cbor(&body)
}

#[test]
fn encoder_parts_parse_and_reassemble() {
    let cbor = message(1000);
    let mut encoder = ur::encoder("bytes", &cbor, 100).unwrap();
    let n = encoder.fragment_count();
    assert_eq!(n, 11);
    assert!(!encoder.is_single_part());
    let parts: Vec<String> = encoder.by_ref().take(3 * n).collect();
    assert_eq!(encoder.parts_emitted(), 3 * n);
    for (i, part) in parts.iter().enumerate() {
        let UrPart::Multi {
            ur_type, seq, len, ..
        } = ur::parse_part(part).unwrap()
        else {
            panic!("multi-part")
        };
        assert_eq!(
            (ur_type.as_str(), seq, len),
            ("bytes", i as u32 + 1, n as u32)
        );
        assert!(part.starts_with(&format!("ur:bytes/{}-{n}/", i + 1)));
    }
    // The first n parts alone, in any order, and mixed parts after losses.
    let mut reversed: Vec<&String> = parts[..n].iter().collect();
    reversed.reverse();
    assert_eq!(reassemble(reversed), ("bytes".into(), cbor.clone()));
    let lossy: Vec<&String> = parts
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 3 != 1)
        .map(|(_, p)| p)
        .collect();
    assert_eq!(reassemble(lossy), ("bytes".into(), cbor.clone()));

    // A message within one fragment is the single-part UR, every time.
    let mut short = ur::encoder("crypto-psbt", &cbor[..50], 100).unwrap();
    assert!(short.is_single_part());
    let expected = ur::encode_single("crypto-psbt", &cbor[..50]);
    assert_eq!(short.next_part(), expected);
    assert_eq!(short.next_part(), expected);
}

#[test]
fn encoder_refuses_bad_input() {
    assert_eq!(
        ur::encoder("bytes", &[], 10).err(),
        Some(UrError::EmptyMessage)
    );
    assert_eq!(
        ur::encoder("bytes", &[1], 0).err(),
        Some(UrError::FragmentLength)
    );
    assert!(matches!(
        ur::encoder("Bytes", &[1], 10),
        Err(UrError::Type(_))
    ));
    assert!(matches!(
        ur::encoder("a/b", &[1], 10),
        Err(UrError::Type(_))
    ));
}

#[test]
fn parse_part_rejects_malformed_text() {
    let good = ur::encode_single("crypto-psbt", &message(40));
    let parts: Vec<String> = ur::encoder("bytes", &message(300), 61)
        .unwrap()
        .take(8)
        .collect();
    // The last byteword replaced by another valid one: only the checksum can tell.
    let last = &good[good.len() - 2..];
    let damaged = format!(
        "{}{}",
        &good[..good.len() - 2],
        if last == "ae" { "ad" } else { "ae" }
    );
    type Check = fn(&UrError) -> bool;
    let cases: Vec<(String, Check)> = vec![
        ("ur:bytes/aeadaolazmjendeotz".into(), |e| {
            *e == UrError::Bytewords
        }),
        ("crypto-psbt/aeae".into(), |e| *e == UrError::Scheme),
        ("ur:crypto-psbt".into(), |e| *e == UrError::NoPayload),
        ("ur:crypto-psbt/".into(), |e| *e == UrError::NoPayload),
        ("ur:/aeadaolazmjendeoti".into(), |e| {
            matches!(e, UrError::Type(_))
        }),
        ("ur:crypto_psbt/aeadaolazmjendeoti".into(), |e| {
            matches!(e, UrError::Type(_))
        }),
        (format!("ur:{}/aeadaolazmjendeoti", "x".repeat(65)), |e| {
            matches!(e, UrError::Type(_))
        }),
        ("ur:bytes/1-2/3/aeadaolazmjendeoti".into(), |e| {
            *e == UrError::Components
        }),
        ("ur:bytes/0-2/aeadaolazmjendeoti".into(), |e| {
            matches!(e, UrError::Sequence(_))
        }),
        ("ur:bytes/1-0/aeadaolazmjendeoti".into(), |e| {
            matches!(e, UrError::Sequence(_))
        }),
        ("ur:bytes/1-99999/aeadaolazmjendeoti".into(), |e| {
            matches!(e, UrError::Sequence(_))
        }),
        ("ur:bytes/-1-2/aeadaolazmjendeoti".into(), |e| {
            matches!(e, UrError::Sequence(_))
        }),
        ("ur:bytes/1_2/aeadaolazmjendeoti".into(), |e| {
            matches!(e, UrError::Sequence(_))
        }),
        (damaged, |e| *e == UrError::Checksum),
        ("ur:bytes/aeadaolazmjendeoxx".into(), |e| {
            *e == UrError::Bytewords
        }),
        ("ur:bytes/aeadaolazmjendeot".into(), |e| {
            *e == UrError::PayloadLength
        }),
        ("ur:bytes/ae".into(), |e| *e == UrError::PayloadLength),
        ("ur:bytes/aéadaolazmjendeoti".into(), |e| {
            *e == UrError::Bytewords
        }),
        (
            good.replacen("ur:crypto-psbt/", "ur:crypto-psbt/1-2/", 1),
            |e| matches!(e, UrError::FountainPart(_)),
        ),
        // A real part relabelled: the fountain header disagrees.
        (parts[0].replacen("/1-5/", "/2-5/", 1), |e| {
            matches!(
                e,
                UrError::SequenceMismatch {
                    seq: 2,
                    len: 5,
                    header_seq: 1,
                    header_len: 5
                }
            )
        }),
        (parts[0].replacen("/1-5/", "/1-6/", 1), |e| {
            matches!(e, UrError::SequenceMismatch { .. })
        }),
        (
            format!("ur:bytes/{}", "ae".repeat(ur::MAX_TEXT_LEN / 2)),
            |e| matches!(e, UrError::TooLong(_)),
        ),
    ];
    for (input, check) in cases {
        let err = ur::parse_part(&input).expect_err(&input[..input.len().min(80)]);
        assert!(check(&err), "{}: {err:?}", &input[..input.len().min(80)]);
        let message = err.to_string();
        assert!(!message.contains('\n') && message.chars().next().unwrap().is_lowercase());
    }
    // Upper case (QR alphanumeric mode) and surrounding whitespace are fine; mixed parts
    // beyond the fragment count too.
    assert!(ur::parse_part(&format!("\n {} \t", good.to_uppercase())).is_ok());
    assert!(matches!(
        ur::parse_part(&parts[7]).unwrap(),
        UrPart::Multi { seq: 8, len: 5, .. }
    ));
}

// ---------------------------------------------------------------------------------------------
// Cross-implementation: @ngraveio/bc-ur

/// `node` and the node_modules holding @ngraveio/bc-ur, or `None` (with "skipping: …") when
/// they are missing and `COLDSIGN_TEST_REQUIRE_TOOLS` is unset.
fn bc_ur() -> Option<PathBuf> {
    let modules = std::env::var_os("COLDSIGN_TEST_NODE_MODULES")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .map(|h| PathBuf::from(h).join(".cache/coldsign-test/npm/node_modules"))
        });
    let found = modules.filter(|m| m.join("@ngraveio/bc-ur/package.json").is_file());
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found.is_none() || !node {
        assert!(
            std::env::var_os("COLDSIGN_TEST_REQUIRE_TOOLS").is_none(),
            "node and @ngraveio/bc-ur are required but not installed"
        );
        eprintln!("skipping: node or @ngraveio/bc-ur not installed (scripts/test installs it)");
        return None;
    }
    found
}

fn node(modules: &PathBuf, args: &[&str], stdin: &str) -> String {
    let script = format!("{}/tests/js/bc-ur.js", env!("CARGO_MANIFEST_DIR"));
    let mut child = Command::new("node")
        .arg(script)
        .args(args)
        .env("NODE_PATH", modules)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "bc-ur.js {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Messages for the cross-checks: the fixtures' PSBT and account, and a longer byte string.
fn cross_messages() -> Vec<(&'static str, Vec<u8>, usize)> {
    let doc = fixture("bcr-2020-006.json");
    vec![
        ("crypto-psbt", hex(text(&doc["psbt"][0]["cbor_hex"])), 30),
        (
            "account-descriptor",
            hex(text(&doc["account"][1]["cbor_hex"])),
            100,
        ),
        ("psbt", message(2500), 200),
        ("bytes", message(9), 10),
        ("crypto-psbt", message(20), 100),
    ]
}

#[test]
fn bc_ur_encoder_output_is_identical() {
    let Some(modules) = bc_ur() else { return };
    for (ur_type, cbor, fragment) in cross_messages() {
        let ours = ur::encoder(ur_type, &cbor, fragment).unwrap();
        let count = ours.fragment_count() + 10;
        let ours: Vec<String> = ours.take(count).collect();
        let theirs = node(
            &modules,
            &[
                "encode",
                ur_type,
                &cbor.to_lower_hex_string(),
                &fragment.to_string(),
                &count.to_string(),
            ],
            "",
        );
        let theirs: Vec<&str> = theirs.lines().collect();
        assert_eq!(ours, theirs, "{ur_type} fragment {fragment}");
        let single = node(
            &modules,
            &["single", ur_type, &cbor.to_lower_hex_string()],
            "",
        );
        assert_eq!(single.trim(), ur::encode_single(ur_type, &cbor));
    }
}

#[test]
fn bc_ur_decodes_our_parts_with_losses_and_reordering() {
    let Some(modules) = bc_ur() else { return };
    for (ur_type, cbor, fragment) in cross_messages() {
        let mut encoder = ur::encoder(ur_type, &cbor, fragment).unwrap();
        let n = encoder.fragment_count();
        let parts: Vec<String> = encoder.by_ref().take(4 * n + 4).collect();
        // Lose every third part, then send the rest back to front in pairs.
        let mut kept: Vec<&String> = parts
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 != 2)
            .map(|(_, p)| p)
            .collect();
        kept.reverse();
        for pair in kept.chunks_mut(2) {
            pair.reverse();
        }
        let input: String = kept.iter().map(|p| format!("{p}\n")).collect();
        let out = node(&modules, &["decode"], &input);
        assert_eq!(
            out.trim(),
            format!("{ur_type} {}", cbor.to_lower_hex_string()),
            "{ur_type}"
        );
    }
}

#[test]
fn we_decode_bc_ur_parts() {
    let Some(modules) = bc_ur() else { return };
    for (ur_type, cbor, fragment) in cross_messages() {
        let n = ur::encoder(ur_type, &cbor, fragment)
            .unwrap()
            .fragment_count();
        let count = n + 10;
        let theirs = node(
            &modules,
            &[
                "encode",
                ur_type,
                &cbor.to_lower_hex_string(),
                &fragment.to_string(),
                &count.to_string(),
            ],
            "",
        );
        let parts: Vec<String> = theirs.lines().map(str::to_string).collect();
        assert_eq!(parts.len(), count);
        for part in &parts {
            let parsed = ur::parse_part(part).unwrap();
            assert_eq!(parsed.ur_type(), ur_type);
            assert_eq!(matches!(parsed, UrPart::Single { .. }), n == 1);
        }
        // Without the first two pure fragments: the mixed parts make up for them.
        let lossy: Vec<&String> = parts.iter().skip(2).collect();
        assert_eq!(
            reassemble(lossy),
            (ur_type.to_string(), cbor.clone()),
            "{ur_type}"
        );
    }
}
