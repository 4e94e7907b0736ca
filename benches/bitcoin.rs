//! Review, signing and finalizing speed for N-input PSBTs (P2WPKH and P2TR), the review also
//! with the derivations an earlier review remembered, reading the PSBT without and with the
//! remembered keys known, and the floor: a
//! bare rust-bitcoin loop (one sighash cache, secp256k1 signing, nothing else), with the keys
//! at hand and with each key derived from a cached account key; and the elliptic-curve steps
//! both are made of (group `secp256k1`).
//! Run: `cargo bench --bench bitcoin`. Figures: docs/performance.md.

use std::str::FromStr;

use bitcoin::bip32::{ChildNumber, DerivationPath, Xpriv, Xpub};
use bitcoin::key::TapTweak;
use bitcoin::psbt::Psbt;
use bitcoin::secp256k1::{Keypair, Message, PublicKey, Scalar, Secp256k1, SecretKey};
use bitcoin::sighash::{EcdsaSighashType, Prevouts, SighashCache, TapSighashType};
use bitcoin::{Network, ScriptBuf};
use coldsign::btc::finalize;
use coldsign::btc::known_keys::KnownKeys;
use coldsign::btc::ownership::Policies;
use coldsign::btc::psbt_v2::{parse_any_knowing, PsbtVersion};
use coldsign::btc::remembered::{known_keys, Remembered};
use coldsign::review::bitcoin::{review, BtcReview, FeeLimits};
use coldsign::signer::software::sign_psbt;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

mod support;
use support::{consolidation as psbt, keys, TYPES, WORDS};

fn bench(c: &mut Criterion) {
    let hd = keys();
    let mut group = c.benchmark_group("bitcoin");
    group.sample_size(10);
    for (name, template, account) in TYPES {
        for n in [100u32, 1_000, 5_000] {
            let unsigned = psbt(&hd, template, account, n);
            // Every key derived, then with the derivations an earlier review remembered
            // (recalled from their file inside the measured time).
            let dir = tempfile::tempdir().expect("temporary directory");
            let store = Remembered::for_keystore(&dir.path().join("keystore.json"), &hd);
            let first = Policies::new(&hd, vec![]);
            let (_, signed) = reviewed_and_signed(&unsigned, &first);
            first
                .remember(&store)
                .expect("remembered derivations written");
            let policies = |remembered: bool| {
                let policies = Policies::new(&hd, vec![]);
                if remembered {
                    policies
                        .recall(&store)
                        .expect("remembered derivations read");
                }
                policies
            };
            for (variant, remembered) in [("", false), ("-remembered", true)] {
                group.bench_with_input(
                    BenchmarkId::new(format!("review{variant}/{name}"), n),
                    &unsigned,
                    |b, p| b.iter(|| reviewed(p, &policies(remembered))),
                );
                group.bench_with_input(
                    BenchmarkId::new(format!("review+sign{variant}/{name}"), n),
                    &unsigned,
                    |b, p| b.iter(|| reviewed_and_signed(p, &policies(remembered))),
                );
            }
            // Reading the PSBT: every key decompressed, then with the keys remembered beside
            // the keystore known as points (read from their file inside the measured time).
            let bytes = unsigned.serialize();
            let keystore = dir.path().join("keystore.json");
            for (variant, remembered) in [("", false), ("-remembered", true)] {
                group.bench_with_input(
                    BenchmarkId::new(format!("read{variant}/{name}"), n),
                    &bytes,
                    |b, bytes| {
                        b.iter(|| {
                            let known = match remembered {
                                true => known_keys(&keystore),
                                false => KnownKeys::none(),
                            };
                            parse_any_knowing(bytes, &known).expect("psbt read")
                        })
                    },
                );
            }
            group.bench_with_input(
                BenchmarkId::new(format!("finalize/{name}"), n),
                &signed,
                |b, p| {
                    b.iter(|| {
                        let mut p = p.clone();
                        finalize::finalize(&mut p)
                    })
                },
            );
            // What `coldsign finalize` does: finalize, extract, verify every input.
            group.bench_with_input(
                BenchmarkId::new(format!("finalize+verify/{name}"), n),
                &signed,
                |b, p| {
                    b.iter(|| {
                        let mut p = p.clone();
                        finalize::finalize_and_verify(&mut p).unwrap()
                    })
                },
            );
            let mut finalized = signed.clone();
            finalize::finalize(&mut finalized);
            let tx = finalize::extract(&finalized).unwrap();
            let spent = finalize::spent_outputs(&finalized).unwrap();
            group.bench_with_input(
                BenchmarkId::new(format!("verify/{name}"), n),
                &(tx, spent),
                |b, (tx, spent)| b.iter(|| finalize::verify(tx, spent).unwrap()),
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
    // The taproot floor: key-path sighash + keypair, BIP341 tweak and BIP340 signature per
    // input, keys at hand.
    let unsigned_tr = psbt(&hd, "tr({0})", "m/86'/1'/0'", n);
    let tr_keys: Vec<_> = (0..n)
        .map(|i| hd.private_key(&format!("m/86'/1'/0'/0/{i}").parse().unwrap()))
        .collect();
    let prevouts: Vec<_> = unsigned_tr
        .inputs
        .iter()
        .map(|i| i.witness_utxo.clone().unwrap())
        .collect();
    group.bench_function(BenchmarkId::new("floor/p2tr", n), |b| {
        b.iter(|| {
            let mut cache = SighashCache::new(&unsigned_tr.unsigned_tx);
            for (i, key) in tr_keys.iter().enumerate() {
                let hash = cache
                    .taproot_key_spend_signature_hash(
                        i,
                        &Prevouts::All(&prevouts),
                        TapSighashType::Default,
                    )
                    .unwrap();
                let keypair = Keypair::from_secret_key(&secp, key.expose_secret())
                    .tap_tweak(&secp, None)
                    .to_keypair();
                std::hint::black_box(secp.sign_schnorr_with_aux_rand(
                    &Message::from(hash),
                    &keypair,
                    &[0; 32],
                ));
            }
        })
    });
    // The same with each key derived inside the loop from the cached account key
    // (rust-bitcoin's derive_priv), as a plain signer has to.
    let seed = bip39::Mnemonic::parse(WORDS).unwrap().to_seed("");
    let account = Xpriv::new_master(bitcoin::NetworkKind::Test, &seed)
        .unwrap()
        .derive_priv(&secp, &DerivationPath::from_str("m/84'/1'/0'").unwrap())
        .unwrap();
    group.bench_function(BenchmarkId::new("floor-derive/p2wpkh", n), |b| {
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
                let path = [
                    ChildNumber::Normal { index: 0 },
                    ChildNumber::Normal { index: i as u32 },
                ];
                let key = account.derive_priv(&secp, &path).unwrap().private_key;
                std::hint::black_box(secp.sign_ecdsa_low_r(&Message::from(hash), &key));
            }
        })
    });
    group.finish();
}

/// The review of `psbt` (regtest) with `policies`.
fn reviewed(psbt: &Psbt, policies: &Policies) -> BtcReview {
    review(
        psbt,
        PsbtVersion::V0,
        Network::Regtest,
        policies,
        &FeeLimits::default(),
    )
}

/// The review of `psbt`, and a copy with every input it allows signed.
fn reviewed_and_signed(psbt: &Psbt, policies: &Policies) -> (BtcReview, Psbt) {
    let r = reviewed(psbt, policies);
    let mut signed = psbt.clone();
    sign_psbt(&mut signed, &r, policies);
    (r, signed)
}

/// The elliptic-curve steps that the review's proofs and the signatures are made of, one of
/// each, so that the review's share of signing can be compared with what these steps allow:
/// proving a P2WPKH input is one `ckd_pub`, a P2TR input adds the output key's tweak, and
/// signing is one low-R ECDSA signature or one keypair plus BIP340 signature. The
/// `gen+combine` row is the alternative derivation (IL·G by the generator multiplication
/// that signing uses, then one point addition) measured against libsecp256k1's tweak-add.
fn primitives(c: &mut Criterion) {
    let secp = Secp256k1::new();
    let seed = bip39::Mnemonic::parse(WORDS).unwrap().to_seed("");
    let branch_priv = Xpriv::new_master(bitcoin::NetworkKind::Test, &seed)
        .unwrap()
        .derive_priv(&secp, &DerivationPath::from_str("m/84'/1'/0'/0").unwrap())
        .unwrap();
    let branch = Xpub::from_priv(&secp, &branch_priv);
    let tweak = Scalar::from_be_bytes([7; 32]).unwrap();
    let secret = SecretKey::from_slice(&[7; 32]).unwrap();
    let mut group = c.benchmark_group("secp256k1");
    let mut index = 0u32;
    let mut next = move || {
        index = (index + 1) % 0x8000_0000;
        ChildNumber::Normal { index }
    };
    group.bench_function("derive/ckd_pub (rust-bitcoin)", |b| {
        b.iter(|| branch.ckd_pub(&secp, next()).unwrap())
    });
    group.bench_function("derive/tweak_add", |b| {
        b.iter(|| branch.public_key.add_exp_tweak(&secp, &tweak).unwrap())
    });
    group.bench_function("derive/gen+combine", |b| {
        b.iter(|| {
            let il = PublicKey::from_secret_key(&secp, &secret);
            branch.public_key.combine(&il).unwrap()
        })
    });
    let internal = branch.public_key.x_only_public_key().0;
    group.bench_function("taproot/output-key", |b| {
        b.iter(|| ScriptBuf::new_p2tr(&secp, internal, None))
    });
    // A different message each time: low-R grinding retries a nonce whose R is high, so one
    // fixed message would measure one fixed number of attempts.
    let mut counter = 0u64;
    let mut message = move || {
        counter += 1;
        let mut digest = [3; 32];
        digest[..8].copy_from_slice(&counter.to_be_bytes());
        Message::from_digest(digest)
    };
    group.bench_function("sign/ecdsa-low-r", |b| {
        b.iter(|| secp.sign_ecdsa_low_r(&message(), &secret))
    });
    group.bench_function("sign/keypair+bip340", |b| {
        b.iter(|| {
            let keypair = Keypair::from_secret_key(&secp, &secret);
            secp.sign_schnorr_with_aux_rand(&message(), &keypair, &[0; 32])
        })
    });
    group.finish();
}

criterion_group!(benches, bench, primitives);
criterion_main!(benches);
