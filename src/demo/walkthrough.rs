//! `coldsign demo`'s walkthrough: the main job on the sample data, each step told through
//! `say`: a throwaway keystore, a PSBT built from its watch-only export, the offline review,
//! signing, finalizing and verification of every input with Bitcoin Core's script
//! interpreter.

use secrecy::SecretString;

use super::{finalize, review_and_sign, sample_keystore, sample_spend, QrTransfer};
use crate::btc::psbt_v2::PsbtVersion;
use crate::files::{self, Replace};
use crate::i18n::{t, Text};
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

    say(&t("demo-setup"));
    say(&t("demo-restore"));
    let export = sample_keystore(&keystore_path, &password)?;
    let keystore = Text::new("demo-keystore").arg("path", keystore_path.display());
    say(&format!("   {}", keystore.localized()));
    let watch_only = Text::new("demo-watch-only")
        .arg("fingerprint", export.fingerprint.as_deref().unwrap_or("?"));
    say(&watch_only.localized());
    for line in export.descriptor_lines() {
        say(&format!("   {line}"));
    }

    say(&format!("\n{}", t("demo-build")));
    let psbt_path = dir.path().join("spend.psbt");
    let psbt = sample_spend(&export)?;
    let text = encode_psbt(&psbt, PsbtVersion::V2, None, Encoding::Base64)?;
    files::write_atomic(&psbt_path, &text, 0o644, Replace::Never)?;
    let built = Text::new("demo-psbt")
        .arg("path", psbt_path.display())
        .arg("bytes", text.len());
    say(&built.localized());

    say(&format!("\n{}", t("demo-air-gap-to-signer")));
    let scanned = through_qr(say, &files::read_input(&psbt_path)?, 4)?;
    say(&format!("\n{}", t("demo-review")));
    let file = PsbtFile::decode(&scanned)?;
    let signed = review_and_sign(&file, &keystore_path, &password)?;
    say(&format!("{}\n", t("demo-review-screen")));
    for line in render(&signed.review).lines() {
        say(&format!("   | {line}"));
    }
    let signatures: usize = signed.inputs.iter().map(|o| o.signatures).sum();
    let confirmed = Text::new("demo-signed")
        .arg(
            "inputs",
            signed.inputs.iter().filter(|o| o.signatures > 0).count(),
        )
        .arg("signatures", signatures);
    say(&format!("\n{}", confirmed.localized()));
    let signed_path = dir.path().join("spend.signed.psbt");
    files::write_atomic(
        &signed_path,
        &file.encode_like(&signed.psbt)?,
        0o644,
        Replace::Never,
    )?;
    say(&format!("\n{}", t("demo-air-gap-to-host")));
    let returned = through_qr(say, &files::read_input(&signed_path)?, 5)?;

    say(&format!("\n{}", t("demo-finalize")));
    let tx = finalize(PsbtFile::decode(&returned)?.psbt)?;
    say(&Text::new("demo-finalized")
        .arg("inputs", tx.input.len())
        .localized());
    let ready = Text::new("demo-ready")
        .arg("txid", tx.compute_txid())
        .arg("vbytes", tx.vsize());
    say(&ready.localized());
    say(&format!("\n{}", t("demo-finished")));
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
    let carried = Text::new("demo-qr")
        .arg("fragments", fragments)
        .arg("drop_every", drop_every)
        .arg("frames", frames_scanned);
    say(&format!("   {}", carried.localized()));
    Ok(psbt)
}
