//! `coldsign demo`: the main job on built-in sample data, printing each step: a throwaway
//! keystore, a PSBT built from its watch-only export, the offline review, signing, finalizing
//! and verification of every input with Bitcoin Core's script interpreter.

use std::str::FromStr;

use bitcoin::hashes::Hash;
use bitcoin::{Amount, ScriptBuf, WPubkeyHash};
use clap::Args;
use miniscript::descriptor::{DefiniteDescriptorKey, Descriptor, DescriptorPublicKey};
use secrecy::SecretString;

use super::context::Context;
use super::review_view;
use crate::btc::builder::SpendBuilder;
use crate::btc::finalize;
use crate::btc::ownership::Policies;
use crate::btc::psbt_v2::PsbtVersion;
use crate::files::{self, Replace};
use crate::keys::ethereum::EthLayout;
use crate::keys::keystore::{KdfCost, Keystore};
use crate::keys::material::KeyMaterial;
use crate::keys::mnemonic::{SecretMnemonic, WordList};
use crate::keys::watch_only::{WatchOnly, WatchOnlyOptions};
use crate::request::{encode_psbt, Encoding, PsbtFile};
use crate::review::bitcoin::{review, FeeLimits};
use crate::review::{gate, Gate};
use crate::signer::software;
use crate::transport::collect::Collector;
use crate::transport::registry::Payload;
use crate::transport::{qr, scan};
use crate::{Error, Result};

/// The public BIP39 test mnemonic's entropy ("abandon ×11 about"): its keys are known to
/// everyone, so the demo only ever uses regtest.
pub const SAMPLE_ENTROPY: [u8; 16] = [0; 16];

#[derive(Debug, Args)]
pub struct DemoArgs {}

/// Runs the demo in a throwaway directory.
pub fn run(ctx: &Context, _args: DemoArgs) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|source| Error::File {
        action: "cannot create",
        path: std::env::temp_dir(),
        source,
    })?;
    let keystore_path = dir.path().join("keystore.json");
    let password = SecretString::from("demo password");
    let network = bitcoin::Network::Regtest;

    say(ctx, "== offline signer: setup");
    say(
        ctx,
        "1. restore the public test mnemonic (abandon ×11 about) into a throwaway keystore",
    );
    let mnemonic = SecretMnemonic::from_entropy(&SAMPLE_ENTROPY, WordList::English)?;
    let material = KeyMaterial::Bip39 {
        mnemonic,
        passphrase: SecretString::from(String::new()),
    };
    Keystore::seal(&material, "demo", &password, KdfCost::new(12)?)?
        .save(&keystore_path, Replace::Never)?;
    say(
        ctx,
        &format!(
            "   {} (mode 0600, scrypt + XChaCha20-Poly1305)",
            keystore_path.display()
        ),
    );
    let options = WatchOnlyOptions {
        network,
        account: 0,
        slip132: false,
        eth_count: 1,
        eth_layout: EthLayout::Bip44,
    };
    let export = WatchOnly::derive(&material, &options);
    say(
        ctx,
        &format!(
            "2. watch-only export for the online machine (fingerprint {})",
            export.fingerprint.as_deref().unwrap_or("?")
        ),
    );
    for line in export.descriptor_lines() {
        say(ctx, &format!("   {line}"));
    }

    say(ctx, "\n== online host: build");
    let psbt_path = dir.path().join("spend.psbt");
    let builder = sample_spend(&export)?;
    let psbt = builder.build();
    let text = encode_psbt(&psbt, PsbtVersion::V2, None, Encoding::Base64)?;
    files::write_atomic(&psbt_path, &text, 0o644, Replace::Never)?;
    say(ctx, &format!(
        "3. a PSBT spending 4 coins (p2wpkh, p2tr, p2sh-p2wpkh, p2pkh) to an outside address with change: {} ({} bytes base64)",
        psbt_path.display(),
        text.len()
    ));

    say(
        ctx,
        "\n== air gap: animated QR, host screen to signer camera",
    );
    let scanned = through_qr(ctx, &files::read_input(&psbt_path)?, 4)?;
    say(ctx, "\n== offline signer: review, confirm, sign");
    let file = PsbtFile::decode(&scanned)?;
    let unlocked = Keystore::load(&keystore_path)?.unlock(&password, &keystore_path)?;
    let hd = unlocked.hd().expect("mnemonic keystore");
    let policies = Policies::new(&hd, Vec::new());
    let reviewed = review(
        &file.psbt,
        file.version,
        network,
        &policies,
        &FeeLimits::default(),
    );
    say(
        ctx,
        "4. the review the signer computes by itself (this is the confirmation screen):\n",
    );
    for line in review_view::render(&reviewed).lines() {
        say(ctx, &format!("   | {line}"));
    }
    if gate(&reviewed.warnings, &[], true) != Gate::Proceed {
        return Err(Error::Internal(
            "the demo's sample transaction raised a serious warning".into(),
        ));
    }
    let mut signed = file.psbt.clone();
    let outcomes = software::sign_psbt(&mut signed, &reviewed, &policies);
    let signatures: usize = outcomes.iter().map(|o| o.signatures).sum();
    say(
        ctx,
        &format!(
            "\n5. confirmed (the demo answers yes); signed {} inputs with {signatures} signatures",
            outcomes.iter().filter(|o| o.signatures > 0).count()
        ),
    );
    let signed_path = dir.path().join("spend.signed.psbt");
    files::write_atomic(
        &signed_path,
        &file.encode_like(&signed)?,
        0o644,
        Replace::Never,
    )?;
    say(
        ctx,
        "\n== air gap: animated QR, signer screen to host camera",
    );
    let returned = through_qr(ctx, &files::read_input(&signed_path)?, 5)?;

    say(ctx, "\n== online host: finalize, verify");
    let mut back = PsbtFile::decode(&returned)?.psbt;
    let finalized = finalize::finalize(&mut back);
    if let Some(f) = finalized.iter().find(|f| !f.finalized) {
        return Err(Error::Internal(format!(
            "demo input {} did not finalize: {:?}",
            f.index, f.error
        )));
    }
    let tx = finalize::extract(&back)
        .map_err(|i| Error::Internal(format!("demo input {i} is not final")))?;
    let spent = finalize::spent_outputs(&back).map_err(|e| Error::Internal(e.to_string()))?;
    finalize::verify(&tx, &spent).map_err(|e| Error::Verification(e.to_string()))?;
    say(ctx, &format!("6. finalized; each of the {} inputs verified by Bitcoin Core's script interpreter (libbitcoinconsensus)", tx.input.len()));
    say(
        ctx,
        &format!(
            "7. transaction {} ({} vbytes) is ready to broadcast",
            tx.compute_txid(),
            tx.vsize()
        ),
    );
    if ctx.json {
        ctx.emit(&DemoReport {
            txid: tx.compute_txid().to_string(),
            intent_digest: reviewed.intent_digest.clone(),
            vsize: tx.vsize(),
        })?;
    }
    say(
        ctx,
        "\ndemo finished; the throwaway keystore and files are deleted",
    );
    Ok(())
}

/// Sends a PSBT file through real QR codes: `crypto-psbt` parts rendered to images, every
/// `drop_every`-th frame lost, the rest scanned (in reverse order) and reassembled.
fn through_qr(ctx: &Context, psbt_file: &[u8], drop_every: usize) -> Result<Vec<u8>> {
    let payload = Payload::Psbt(PsbtFile::decode(psbt_file)?.psbt.serialize());
    let needed = crate::transport::parts::ur_parts(&payload, true, 200, None)?.len();
    let frames = crate::transport::parts::ur_parts(&payload, true, 200, Some(needed * 2))?;
    let mut collector = Collector::new();
    let mut shown = 0;
    for (i, part) in frames.iter().enumerate().rev() {
        if (i + 1) % drop_every == 0 {
            continue;
        }
        shown += 1;
        for text in scan::scan(&qr::to_image(&qr::encode(part)?, 4)) {
            collector
                .push(&text)
                .map_err(|e| Error::Internal(e.to_string()))?;
        }
        if collector.progress().complete {
            break;
        }
    }
    let received = collector
        .finish()
        .map_err(|e| Error::Internal(e.to_string()))?;
    say(ctx, &format!(
        "   {} fragments as crypto-psbt QR frames; every {drop_every}th frame lost, the rest scanned out of order: complete after {shown} frames",
        needed
    ));
    received
        .psbt()
        .map_err(|e| Error::Internal(e.to_string()))?
        .ok_or_else(|| Error::Internal("the QR transfer was not a PSBT".into()))
}

/// Four coins of the sample wallet spent to an outside address, with change.
fn sample_spend(export: &WatchOnly) -> Result<SpendBuilder> {
    let at = |line: &str, branch: usize, index: u32| -> Result<Descriptor<DefiniteDescriptorKey>> {
        let multi = Descriptor::<DescriptorPublicKey>::from_str(line)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let singles = multi
            .into_single_descriptors()
            .map_err(|e| Error::Internal(e.to_string()))?;
        singles[branch]
            .at_derivation_index(index)
            .map_err(|e| Error::Internal(e.to_string()))
    };
    let lines = export.descriptor_lines();
    let mut builder = SpendBuilder::new();
    for (i, line) in lines.iter().enumerate() {
        builder = builder.fund(
            &at(line, 0, 0)?,
            Amount::from_sat(25_000_000 * (i as u64 + 1)),
        );
    }
    let outside = ScriptBuf::new_p2wpkh(&WPubkeyHash::hash(b"coldsign demo recipient"));
    Ok(builder
        .pay(outside, Amount::from_sat(150_000_000))
        .pay_to_descriptor(&at(lines[0], 1, 0)?, Amount::from_sat(99_990_000)))
}

#[derive(serde::Serialize)]
struct DemoReport {
    txid: String,
    intent_digest: String,
    vsize: usize,
}

impl super::context::Report for DemoReport {
    fn human(&self) -> String {
        String::new()
    }
}

fn say(ctx: &Context, line: &str) {
    if !ctx.json {
        println!("{line}");
    }
}
