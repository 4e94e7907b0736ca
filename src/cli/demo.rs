//! `coldsign demo`: the main job on built-in sample data ([`crate::demo`]), printing each
//! step: a throwaway keystore, a PSBT built from its watch-only export, the offline review,
//! signing, finalizing and verification of every input with Bitcoin Core's script interpreter.

use clap::Args;
use secrecy::SecretString;

use super::context::Context;
use crate::btc::psbt_v2::PsbtVersion;
use crate::demo::{self, QrTransfer};
use crate::files::{self, Replace};
use crate::request::{encode_psbt, Encoding, PsbtFile};
use crate::{Error, Result};

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

    say(ctx, "== offline signer: setup");
    say(
        ctx,
        "1. restore the public test mnemonic (abandon ×11 about) into a throwaway keystore",
    );
    let export = demo::sample_keystore(&keystore_path, &password)?;
    say(
        ctx,
        &format!(
            "   {} (mode 0600, scrypt + XChaCha20-Poly1305)",
            keystore_path.display()
        ),
    );
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
    let psbt = demo::sample_spend(&export)?;
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
    let signed = demo::review_and_sign(&file, &keystore_path, &password)?;
    say(
        ctx,
        "4. the review the signer computes by itself (this is the confirmation screen):\n",
    );
    for line in crate::review::render::bitcoin::render(&signed.review).lines() {
        say(ctx, &format!("   | {line}"));
    }
    let signatures: usize = signed.inputs.iter().map(|o| o.signatures).sum();
    say(
        ctx,
        &format!(
            "\n5. confirmed (the demo answers yes); signed {} inputs with {signatures} signatures",
            signed.inputs.iter().filter(|o| o.signatures > 0).count()
        ),
    );
    let signed_path = dir.path().join("spend.signed.psbt");
    files::write_atomic(
        &signed_path,
        &file.encode_like(&signed.psbt)?,
        0o644,
        Replace::Never,
    )?;
    say(
        ctx,
        "\n== air gap: animated QR, signer screen to host camera",
    );
    let returned = through_qr(ctx, &files::read_input(&signed_path)?, 5)?;

    say(ctx, "\n== online host: finalize, verify");
    let tx = demo::finalize(PsbtFile::decode(&returned)?.psbt)?;
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
            intent_digest: signed.review.intent_digest.clone(),
            vsize: tx.vsize(),
        })?;
    }
    say(
        ctx,
        "\ndemo finished; the throwaway keystore and files are deleted",
    );
    Ok(())
}

/// Carries a PSBT file through QR images ([`demo::through_qr`]) and says how it went.
fn through_qr(ctx: &Context, psbt_file: &[u8], drop_every: usize) -> Result<Vec<u8>> {
    let QrTransfer {
        psbt,
        fragments,
        frames_scanned,
    } = demo::through_qr(psbt_file, drop_every)?;
    say(ctx, &format!(
        "   {fragments} fragments as crypto-psbt QR frames; every {drop_every}th frame lost, the rest scanned out of order: complete after {frames_scanned} frames"
    ));
    Ok(psbt)
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
