//! The PSBT work beside signing: finalize (with every input verified), combine and convert,
//! each producing the bytes to write.

use std::path::Path;

use bitcoin::consensus::encode::serialize_hex;
use bitcoin::psbt::Psbt;
use bitcoin::Transaction;

use super::finalize::{self, FinalizeOutcome};
use super::psbt_v2::PsbtVersion;
use crate::i18n::Text;
use crate::request::{Encoding, PsbtFile};
use crate::{Error, Result};

/// Reads and decodes a PSBT file (binary, base64, hex, UR text or QR image), or stdin for `-`.
pub fn read(path: &Path) -> Result<PsbtFile> {
    Ok(PsbtFile::decode(&crate::files::read_input(path)?)?)
}

/// A finalized PSBT ready to be written.
pub struct Finalized {
    /// The bytes to write.
    pub data: Vec<u8>,
    /// Whether they are binary.
    pub binary: bool,
    /// What finalizing did to each input.
    pub outcomes: Vec<FinalizeOutcome>,
    /// The network transaction, when every input is final (and verified).
    pub tx: Option<Transaction>,
}

/// Finalizes what can be of `file` and verifies the inputs with Bitcoin Core's interpreter;
/// `extract` asks for the network transaction as hex (refused unless every input is final),
/// else the PSBT is written in the encoding it was read in. An input whose signatures fail
/// verification refuses the whole (nothing is to be written).
pub fn finalize(file: &PsbtFile, extract: bool) -> Result<Finalized> {
    let mut psbt = file.psbt.clone();
    // An input failing verification is left unfinalized, so no transaction is extracted.
    let (outcomes, tx) = finalize::finalize_and_verify(&mut psbt)?;
    if let Some(bad) = outcomes.iter().find(|o| o.verification_failed) {
        let failure = match &bad.error {
            Some(error) => error.text().clone(),
            None => Text::new("error-input-fails-verification"),
        };
        return Err(Error::unverified(
            Text::new("error-nothing-written").text_arg("failure", failure),
        ));
    }
    let (data, binary) = match (&tx, extract) {
        (Some(tx), true) => ((serialize_hex(tx) + "\n").into_bytes(), false),
        (None, true) => {
            let (first, why) = finalize::first_not_final(&outcomes);
            return Err(Error::said(
                Text::new("error-cannot-extract-not-final")
                    .arg("index", first)
                    .text_arg("why", why),
                Some(Text::new("hint-collect-signatures")),
            ));
        }
        (_, false) => (file.encode_like(&psbt)?, file.encoding == Encoding::Binary),
    };
    Ok(Finalized {
        data,
        binary,
        outcomes,
        tx,
    })
}

/// The network transaction of `psbt`, finalized here if needed and every input verified;
/// an input not final yet is a usage error naming it.
pub fn final_transaction(psbt: &mut Psbt) -> Result<Transaction> {
    let (outcomes, tx) = finalize::finalize_and_verify(psbt)?;
    tx.ok_or_else(|| {
        let (i, why) = finalize::first_not_final(&outcomes);
        Error::said(
            Text::new("error-cannot-broadcast-not-final")
                .arg("index", i)
                .text_arg("why", why),
            Some(Text::new("hint-collect-signatures")),
        )
    })
}

/// Combines PSBTs of one transaction (each with the path it was read from), encoded like the
/// first; returns the bytes and whether they are binary.
pub fn combine<'a>(
    mut files: impl Iterator<Item = Result<(&'a Path, PsbtFile)>>,
) -> Result<(Vec<u8>, bool)> {
    let (_, first) = files
        .next()
        .ok_or_else(|| Error::Internal("no PSBT to combine".into()))??;
    let mut combined = first.psbt.clone();
    for next in files {
        let (path, next) = next?;
        combined
            .combine(next.psbt)
            .map_err(|e| Error::bad_input(format!("cannot combine {}: {e}", path.display())))?;
    }
    Ok((
        first.encode_like(&combined)?,
        first.encoding == Encoding::Binary,
    ))
}

/// `file` re-encoded as `version` in `encoding`; converting to version 0 is refused when it
/// would drop version 2 fields, unless `lossy`.
pub fn convert(
    file: &PsbtFile,
    version: PsbtVersion,
    encoding: Encoding,
    lossy: bool,
) -> Result<Vec<u8>> {
    let lost = match (&file.extras, version) {
        (Some(extras), PsbtVersion::V0) if !lossy => extras.lost_in_v0(),
        _ => Vec::new(),
    };
    if !lost.is_empty() {
        return Err(Error::usage(
            format!(
                "version 0 cannot carry {}; converting would drop it",
                lost.join(", ")
            ),
            "keep version 2, or pass --lossy to drop these fields",
        ));
    }
    Ok(file.encode(version, encoding)?)
}
