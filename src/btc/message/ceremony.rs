//! The signer's side of the message commands: signing a request (locate the address among
//! our keys, review, audit, the person's gate, signature, delivery, audit) and finishing a
//! multisig proof from its combined shares.

use std::path::Path;

use bitcoin::hashes::sha256;
use bitcoin::Network;

use super::bip322;
use super::request::{review, MessageRequest, MessageReview};
use super::sign::{self, finish_psbt, Format, Signed};
use crate::audit::{AuditLog, AuditSigner, Record, Summary};
use crate::btc::address_search::{self, Limits};
use crate::btc::wallets::{registry_dir, Wallet};
use crate::ceremony::confirm;
use crate::files::{self, Replace};
use crate::i18n::Text;
use crate::keys::material::KeyMaterial;
use crate::prompt::Prompt;
use crate::report::message::{Finalized, SignedMessage};
use crate::request::PsbtFile;
use crate::review::text::suspicious_text;
use crate::{Error, Result};

/// How a message request is signed and where the result goes.
pub struct Options<'a> {
    /// The Bitcoin network.
    pub network: Network,
    /// How far to search our accounts for the address.
    pub limits: Limits,
    /// Which signature to make.
    pub format: Format,
    /// Write BIP-322's variant prefix.
    pub prefixed: bool,
    /// Warning codes accepted (`--allow CODE`).
    pub allowed: &'a [String],
    /// Sign without asking when nothing serious is left unallowed (`--yes`).
    pub auto_yes: bool,
    /// Where the signature goes (`-`: only in the report).
    pub output: &'a Path,
    /// Replace an existing output file.
    pub force: bool,
}

/// A signed message request: the report, and what was signed (for a QR code).
pub struct Outcome {
    /// What to tell the person.
    pub report: SignedMessage,
    /// The signature, or our share of a multisig proof.
    pub signed: Signed,
}

/// Reviews `request` (read from bytes whose SHA-256 is `request_hash`) for the keystore at
/// `keystore` holding `material`, shows the review through `show`, asks the person, signs,
/// writes the signature and records each step in the audit log.
pub fn sign_request(
    keystore: &Path,
    material: &KeyMaterial,
    request: &MessageRequest,
    request_hash: &sha256::Hash,
    prompt: &dyn Prompt,
    options: &Options,
    show: &mut dyn FnMut(&MessageReview),
) -> Result<Outcome> {
    let hd = material
        .hd()
        .ok_or_else(|| Error::said(Text::new("error-msg-no-bitcoin-keys"), None))?;
    let network = options.network;
    let wallets = Wallet::load_all(&registry_dir(keystore))?;
    let policies = address_search::policies(&hd, &wallets, network, options.limits.accounts)?;
    let found = request.locate(&hd, &policies, network, options.limits)?;
    let shown = review(&found, &request.message, network)?;
    show(&shown);
    let log = AuditLog::for_keystore(keystore);
    let audit = AuditSigner::from_hd(&hd);
    let record = |event: &'static str, verdict: &str, detail: String| {
        log.append(&audit, || Record {
            event,
            intent_digest: shown.intent_digest.clone(),
            request_sha256: request_hash.to_string(),
            summary: Summary {
                chain: "bitcoin-message".into(),
                network: network.to_string(),
                destinations: vec![shown.address.clone()],
                ..Summary::default()
            },
            verdict: verdict.into(),
            detail,
            approvers: Vec::new(),
        })
        .map(|_| ())
    };
    record("review", "reviewed", String::new())?;
    if let Err(e) = confirm(
        prompt,
        &shown.warnings,
        &shown.intent_digest,
        options.allowed,
        options.auto_yes,
        "sign",
    ) {
        let verdict = if matches!(e, Error::Refused(_)) {
            "refused"
        } else {
            "declined"
        };
        record("decision", verdict, e.to_string())?;
        return Err(e);
    }
    let signed = sign::sign(
        &hd,
        &found,
        &request.message,
        options.format,
        options.prefixed,
    )?;
    let (format, text) = match &signed {
        Signed::Signature { text, format } => (*format, text.clone()),
        Signed::Share(psbt) => ("bip322-psbt-share", psbt.to_string()),
    };
    if options.output != Path::new("-") {
        let line = format!("{text}\n");
        files::write_output(
            options.output,
            line.as_bytes(),
            Replace::allowed_if(options.force),
        )?;
    }
    record("decision", "signed", format.to_string())?;
    let share = matches!(signed, Signed::Share(_));
    let report = SignedMessage {
        review: shown,
        format,
        signature: (!share).then(|| text.clone()),
        share_psbt: share.then_some(text),
        output: options.output.to_path_buf(),
    };
    Ok(Outcome { report, signed })
}

/// Turns a multisig BIP-322 PSBT holding every needed share (`psbt_file`, any encoding) into
/// the signature, naming the address and message to the person; `prefixed`: write BIP-322's
/// variant prefix.
pub fn finalize(
    psbt_file: &[u8],
    network: Network,
    prefixed: bool,
    prompt: &dyn Prompt,
) -> Result<Finalized> {
    let mut psbt = PsbtFile::decode(psbt_file)?.psbt;
    let message = bip322::psbt_message(&psbt)
        .ok_or_else(|| Error::said(Text::new("error-msg-psbt-no-message"), None))?
        .to_vec();
    let challenge = psbt
        .inputs
        .first()
        .and_then(|i| i.witness_utxo.clone())
        .ok_or_else(|| Error::said(Text::new("error-msg-psbt-no-witness-utxo"), None))?;
    let proof = finish_psbt(&mut psbt, &challenge.script_pubkey, &message)?;
    let address = bitcoin::Address::from_script(&challenge.script_pubkey, network).map_or_else(
        |_| challenge.script_pubkey.to_hex_string(),
        |a| a.to_string(),
    );
    let text = std::str::from_utf8(&message)
        .ok()
        .map(|t| match suspicious_text(t) {
            Some((escaped, _)) => escaped,
            None => t.to_string(),
        });
    let signed = match &text {
        Some(t) => Text::new("prompt-bip322-signed-text").arg("message", format!("{t:?}")),
        None => Text::new("prompt-bip322-signed-bytes").arg("bytes", message.len()),
    };
    prompt.show(&signed.arg("address", &address).localized());
    Ok(Finalized {
        address,
        message: text,
        signature: proof.encode(prefixed),
    })
}
