//! `coldsign demo`'s walkthrough: the main job on the sample data, each step told through
//! `say`: a throwaway keystore, a PSBT built from its watch-only export, the offline review,
//! signing, finalizing and verification of every input with Bitcoin Core's script
//! interpreter.

use secrecy::SecretString;

use super::{finalize, review_and_sign, sample_keystore, sample_spend, QrTransfer};
use crate::btc::psbt_v2::PsbtVersion;
use crate::files::{self, Replace};
use crate::report::demo::DemoReport;
use crate::request::{encode_psbt, Encoding, PsbtFile};
use crate::review::render::bitcoin::render;
use crate::{Error, Result};

/// Runs the demo in a throwaway directory (deleted when it returns), telling each step
/// through `say`.
pub fn run(say: &mut dyn FnMut(&str)) -> Result<DemoReport> {
    let dir = tempfile::tempdir().map_err(|source| Error::File {
        action: "cannot create",
        path: std::env::temp_dir(),
        source,
    })?;
    let keystore_path = dir.path().join("keystore.json");
    let password = SecretString::from("demo password");

    say("== offline signer: setup");
    say("1. restore the public test mnemonic (abandon ×11 about) into a throwaway keystore");
    let export = sample_keystore(&keystore_path, &password)?;
    say(&format!(
        "   {} (mode 0600, scrypt + XChaCha20-Poly1305)",
        keystore_path.display()
    ));
    say(&format!(
        "2. watch-only export for the online machine (fingerprint {})",
        export.fingerprint.as_deref().unwrap_or("?")
    ));
    for line in export.descriptor_lines() {
        say(&format!("   {line}"));
    }

    say("\n== online host: build");
    let psbt_path = dir.path().join("spend.psbt");
    let psbt = sample_spend(&export)?;
    let text = encode_psbt(&psbt, PsbtVersion::V2, None, Encoding::Base64)?;
    files::write_atomic(&psbt_path, &text, 0o644, Replace::Never)?;
    say(&format!(
        "3. a PSBT spending 4 coins (p2wpkh, p2tr, p2sh-p2wpkh, p2pkh) to an outside address with change: {} ({} bytes base64)",
        psbt_path.display(),
        text.len()
    ));

    say("\n== air gap: animated QR, host screen to signer camera");
    let scanned = through_qr(say, &files::read_input(&psbt_path)?, 4)?;
    say("\n== offline signer: review, confirm, sign");
    let file = PsbtFile::decode(&scanned)?;
    let signed = review_and_sign(&file, &keystore_path, &password)?;
    say("4. the review the signer computes by itself (this is the confirmation screen):\n");
    for line in render(&signed.review).lines() {
        say(&format!("   | {line}"));
    }
    let signatures: usize = signed.inputs.iter().map(|o| o.signatures).sum();
    say(&format!(
        "\n5. confirmed (the demo answers yes); signed {} inputs with {signatures} signatures",
        signed.inputs.iter().filter(|o| o.signatures > 0).count()
    ));
    let signed_path = dir.path().join("spend.signed.psbt");
    files::write_atomic(
        &signed_path,
        &file.encode_like(&signed.psbt)?,
        0o644,
        Replace::Never,
    )?;
    say("\n== air gap: animated QR, signer screen to host camera");
    let returned = through_qr(say, &files::read_input(&signed_path)?, 5)?;

    say("\n== online host: finalize, verify");
    let tx = finalize(PsbtFile::decode(&returned)?.psbt)?;
    say(&format!("6. finalized; each of the {} inputs verified by Bitcoin Core's script interpreter (libbitcoinconsensus)", tx.input.len()));
    say(&format!(
        "7. transaction {} ({} vbytes) is ready to broadcast",
        tx.compute_txid(),
        tx.vsize()
    ));
    say("\ndemo finished; the throwaway keystore and files are deleted");
    Ok(DemoReport {
        txid: tx.compute_txid().to_string(),
        intent_digest: signed.review.intent_digest,
        vsize: tx.vsize(),
    })
}

/// Carries a PSBT file through QR images ([`super::through_qr`]) and says how it went.
fn through_qr(say: &mut dyn FnMut(&str), psbt_file: &[u8], drop_every: usize) -> Result<Vec<u8>> {
    let QrTransfer {
        psbt,
        fragments,
        frames_scanned,
    } = super::through_qr(psbt_file, drop_every)?;
    say(&format!(
        "   {fragments} fragments as crypto-psbt QR frames; every {drop_every}th frame lost, the rest scanned out of order: complete after {frames_scanned} frames"
    ));
    Ok(psbt)
}
