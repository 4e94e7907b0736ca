//! Review and signing speed for N-input PSBTs (P2WPKH and P2TR), and the floor: a bare
//! rust-bitcoin loop (one sighash cache, secp256k1 signing, nothing else).
//! Run: `cargo bench --bench bitcoin`. Figures: docs/performance.md.

use std::str::FromStr;

use bitcoin::hashes::Hash;
use bitcoin::psbt::Psbt;
use bitcoin::secp256k1::{Message, Secp256k1};
use bitcoin::sighash::{EcdsaSighashType, SighashCache};
use bitcoin::{Amount, Network, ScriptBuf, WPubkeyHash};
use coldsign::btc::builder::SpendBuilder;
use coldsign::btc::ownership::Policies;
use coldsign::btc::psbt_v2::PsbtVersion;
use coldsign::keys::accounts::key_expression;
use coldsign::keys::material::{HdKeys, KeyMaterial};
use coldsign::keys::mnemonic::SecretMnemonic;
use coldsign::review::bitcoin::{review, FeeLimits};
use coldsign::signer::software::sign_psbt;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use secrecy::SecretString;

fn keys() -> HdKeys {
    let words = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    KeyMaterial::Bip39 {
        mnemonic: SecretMnemonic::parse(words).unwrap(),
        passphrase: SecretString::from(""),
    }
    .hd()
    .unwrap()
}

/// An N-input consolidation of our coins of one script type.
fn psbt(hd: &HdKeys, template: &str, account: &str, n: u32) -> Psbt {
    let path = bitcoin::bip32::DerivationPath::from_str(account).unwrap();
    let key = key_expression(
        hd.fingerprint(),
        &path,
        &hd.xpub(&path, bitcoin::NetworkKind::Test),
    );
    let d = Descriptor::<DescriptorPublicKey>::from_str(
        &template.replace("{0}", &format!("{key}/<0;1>/*")),
    )
    .unwrap();
    let receive = d.into_single_descriptors().unwrap().remove(0);
    let mut b = SpendBuilder::new();
    for i in 0..n {
        b = b.fund(
            &receive.at_derivation_index(i).unwrap(),
            Amount::from_sat(100_000),
        );
    }
    b.pay(
        ScriptBuf::new_p2wpkh(&WPubkeyHash::hash(b"sink")),
        Amount::from_sat(99_000 * n as u64),
    )
    .build()
}

fn bench(c: &mut Criterion) {
    let hd = keys();
    let mut group = c.benchmark_group("bitcoin");
    group.sample_size(10);
    for (name, template, account) in [
        ("p2wpkh", "wpkh({0})", "m/84'/1'/0'"),
        ("p2tr", "tr({0})", "m/86'/1'/0'"),
    ] {
        for n in [100u32, 1_000, 5_000] {
            let unsigned = psbt(&hd, template, account, n);
            group.bench_with_input(
                BenchmarkId::new(format!("review/{name}"), n),
                &unsigned,
                |b, p| {
                    b.iter(|| {
                        review(
                            p,
                            PsbtVersion::V0,
                            Network::Regtest,
                            &Policies::new(&hd, vec![]),
                            &FeeLimits::default(),
                        )
                    })
                },
            );
            group.bench_with_input(
                BenchmarkId::new(format!("review+sign/{name}"), n),
                &unsigned,
                |b, p| {
                    b.iter(|| {
                        let policies = Policies::new(&hd, vec![]);
                        let r = review(
                            p,
                            PsbtVersion::V0,
                            Network::Regtest,
                            &policies,
                            &FeeLimits::default(),
                        );
                        let mut signed = p.clone();
                        sign_psbt(&mut signed, &r, &policies)
                    })
                },
            );
        }
    }
    // The floor: sighash + ECDSA per P2WPKH input with keys already at hand.
    let n = 5_000;
    let unsigned = psbt(&hd, "wpkh({0})", "m/84'/1'/0'", n);
    let secp = Secp256k1::new();
    let keys: Vec<_> = (0..n)
        .map(|i| hd.private_key(&format!("m/84'/1'/0'/0/{i}").parse().unwrap()))
        .collect();
    group.bench_function(BenchmarkId::new("floor/p2wpkh", n), |b| {
        b.iter(|| {
            let mut cache = SighashCache::new(&unsigned.unsigned_tx);
            for (i, input) in unsigned.inputs.iter().enumerate() {
                let spent = input.witness_utxo.as_ref().unwrap();
                let hash = cache
                    .p2wpkh_signature_hash(
                        i,
                        &spent.script_pubkey,
                        spent.value,
                        EcdsaSighashType::All,
                    )
                    .unwrap();
                std::hint::black_box(
                    secp.sign_ecdsa_low_r(&Message::from(hash), keys[i].expose_secret()),
                );
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
