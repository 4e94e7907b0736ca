//! One `inspect` or `sign` of any request, Bitcoin or Ethereum, with the keystore or a
//! hardware wallet: picks the signer and its keys, computes the review, runs the
//! [`ceremony`] and encodes the result the way the request came.

use std::path::Path;

use alloy_primitives::hex;
use bitcoin::bip32::DerivationPath;
use bitcoin::hashes::{sha256, Hash};
use bitcoin::psbt::Psbt;
use bitcoin::Network;

use crate::btc::known_keys::KnownKeys;
use crate::btc::ownership::Policies;
use crate::btc::remembered::Remembered;
use crate::ceremony::{self, Approvals, Home, Outcome};
use crate::eth::account;
use crate::eth::sign::Answer;
use crate::eth::EthRequest;
use crate::files;
use crate::i18n::Text;
use crate::keys::material::{HdKeys, KeyMaterial};
use crate::prompt::Prompt;
use crate::report::sign::{Decision, SignedEth, SignedPsbt, SignedRequest};
use crate::request::{Encoded, Encoding, PsbtFile, Request};
use crate::review::Review;
use crate::signer::software::SoftwareSigner;
use crate::signer::{capabilities, HardwareSigner, Signed, Signer};
use crate::transport::parts::ur_text;
use crate::transport::registry::Payload;
use crate::{Error, Result};

/// Reads a request from `path` (- for stdin), keeping only the SHA-256 of its bytes (for the
/// audit log) rather than the bytes; a PSBT's keys that `known` holds are not decompressed
/// again.
pub fn read_request(path: &Path, known: &KnownKeys) -> Result<(Request, sha256::Hash)> {
    let data = files::read_input(path)?;
    let hash = sha256::Hash::hash(&data);
    Ok((Request::detect(data, known)?, hash))
}

/// The keystore's HD key tree (a single-key keystore cannot sign Bitcoin).
pub fn hd_keys(material: &KeyMaterial) -> Result<HdKeys> {
    material.hd().ok_or_else(|| {
        Error::said(
            Text::new("error-ethereum-key-cannot-sign-bitcoin"),
            Some(Text::new("hint-ethereum-key-cannot-sign-bitcoin")),
        )
    })
}

/// What one request is reviewed and signed with, beside the keys.
pub struct Session<'a> {
    /// The wallets, address book and audit log beside the keystore.
    pub home: &'a Home,
    /// The person at the signer.
    pub prompt: &'a dyn Prompt,
    /// SHA-256 of the request as it was read (for the audit log).
    pub request_hash: sha256::Hash,
    /// Ethereum: the key path to sign with (overrides the request's).
    pub path: Option<&'a DerivationPath>,
}

/// How `sign` goes beyond the review: the approvals, and what becomes of the result.
pub struct SignOptions<'a> {
    /// What the operator settled before signing.
    pub approvals: &'a Approvals,
    /// The Bitcoin network of the request.
    pub network: Network,
    /// Where the result goes (for the report).
    pub output: &'a Path,
    /// Ethereum: an EIP-4527 eth-signature UR instead of hex.
    pub ur: bool,
    /// Keep the result as a QR payload.
    pub qr: bool,
}

/// The bytes to deliver, and whether they are binary.
type Delivery<'r> = (Encoded<'r>, bool);

/// `encode` as a closure whose result may borrow from the signed request.
fn encoder<F>(encode: F) -> F
where
    F: for<'r> FnMut(&'r Request, &Signed) -> Result<Delivery<'r>>,
{
    encode
}

/// What signs: the keystore's keys, a hardware wallet, or both (the keystore proving
/// ownership, the device signing with the same seed).
pub struct Keys<'a> {
    /// The unlocked keystore, if any.
    pub material: Option<&'a KeyMaterial>,
    /// The hardware wallet, if any.
    pub device: Option<&'a mut Box<dyn HardwareSigner>>,
}

/// The result of `sign`: the report, and the payload to show as a QR code (with `qr`).
pub struct Signing {
    /// What to tell the person.
    pub report: SignedRequest,
    /// The signed PSBT or the signature, to show as a QR code.
    pub qr: Option<Payload>,
}

/// Where the review is shown and the result written, by the caller.
pub struct Screens<'a> {
    /// Shows the review (the confirmation screen) before the ceremony.
    pub show: &'a mut dyn FnMut(&Review),
    /// Writes the encoded result (`true`: binary bytes); nothing is recorded as signed
    /// unless it succeeds.
    pub deliver: &'a mut dyn FnMut(&Encoded, bool) -> Result<()>,
}

impl Session<'_> {
    /// The review `inspect` shows, computed with the keystore's keys (a PSBT on the network
    /// `network` picks for it), recorded in the audit log; then the derivations it made are
    /// remembered.
    pub fn inspect(
        &self,
        request: &Request,
        material: &KeyMaterial,
        network: &dyn Fn(&Psbt) -> Result<Network>,
    ) -> Result<Review> {
        match request {
            Request::Bitcoin(file) => {
                let hd = hd_keys(material)?;
                let (policies, remembered) = self.keystore_policies(&hd);
                let review = self.home.review_psbt(
                    file,
                    &policies,
                    network(&file.psbt)?,
                    &capabilities::SOFTWARE,
                );
                self.record_review(&review)?;
                self.remember(&policies, &remembered);
                Ok(review)
            }
            Request::Ethereum(request) => {
                let key = self.eth_key(material, request)?;
                let review = self.home.review_ethereum(
                    request,
                    key.address,
                    key.path,
                    &capabilities::SOFTWARE,
                );
                self.record_review(&review)?;
                Ok(review)
            }
        }
    }

    /// Records `inspect`'s review in the audit log.
    fn record_review(&self, review: &Review) -> Result<()> {
        self.home.record(
            "review",
            review,
            &self.request_hash,
            "reviewed",
            String::new(),
        )
    }

    /// Reviews, confirms and signs `request` with `keys`, showing and delivering through
    /// `screens`.
    pub fn sign(
        &self,
        request: Request,
        keys: Keys,
        options: &SignOptions,
        screens: Screens,
    ) -> Result<Signing> {
        match request {
            Request::Bitcoin(file) => self.bitcoin(file, keys, options, screens),
            Request::Ethereum(request) => self.ethereum(request, keys, options, screens),
        }
    }

    /// The keystore's policies, their derivations filled with those remembered beside the
    /// keystore (a file that fails its check is ignored, with a note).
    fn keystore_policies<'h>(&self, hd: &'h HdKeys) -> (Policies<'h>, Remembered) {
        let policies = Policies::new(hd, self.home.wallets.clone());
        let remembered = self.home.remembered(hd);
        if let Err(ignored) = policies.recall(&remembered) {
            self.prompt
                .show(&ignored.said(remembered.path()).localized());
        }
        (policies, remembered)
    }

    /// Writes what `policies` derived to `remembered`, once the command has succeeded (a
    /// refused request leaves nothing behind but its audit record); a failure is a note, since
    /// the review is whole without it.
    fn remember(&self, policies: &Policies, remembered: &Remembered) {
        if let Err(e) = policies.remember(remembered) {
            let note = Text::new("note-remembered-unwritable").arg("detail", e);
            self.prompt.show(&note.localized());
        }
    }

    /// The keystore's account that signs an Ethereum request.
    fn eth_key(&self, material: &KeyMaterial, request: &EthRequest) -> Result<account::SigningKey> {
        let key = account::resolve(material, &request.key, request.address, self.path)
            .map_err(|e| Error::usage(e, "pass --path with the account's derivation path"))?;
        if key.found_by_search {
            let note = Text::new("prompt-signing-with-found")
                .arg("address", key.address)
                .arg("path", key.path.as_deref().unwrap_or("?"));
            self.prompt.show(&note.localized());
        }
        Ok(key)
    }

    /// Shows the review, then runs the ceremony with `signer`; `encode` turns the signed
    /// request into the bytes to deliver (and whether they are binary).
    fn ceremony(
        &self,
        options: &SignOptions,
        screens: Screens,
        request: &mut Request,
        review: &Review,
        signer: &mut dyn Signer,
        encode: &mut dyn for<'r> FnMut(&'r Request, &Signed) -> Result<Delivery<'r>>,
    ) -> Result<Outcome> {
        (screens.show)(review);
        ceremony::sign(
            self.home,
            options.approvals,
            self.prompt,
            request,
            &self.request_hash,
            review,
            signer,
            &mut |request, signed| {
                let (encoded, binary) = encode(request, signed)?;
                (screens.deliver)(&encoded, binary)
            },
        )
    }

    fn bitcoin(
        &self,
        file: PsbtFile,
        keys: Keys,
        options: &SignOptions,
        screens: Screens,
    ) -> Result<Signing> {
        let hd = keys.material.map(hd_keys).transpose()?;
        let (policies, remembered, device) = match (&hd, keys.device) {
            (Some(hd), device) => {
                let mut device = device;
                if let Some(d) = device.as_mut() {
                    d.require_seed(hd.fingerprint());
                }
                let (policies, remembered) = self.keystore_policies(hd);
                (policies, Some(remembered), device)
            }
            (None, Some(device)) => (device.policies(&file.psbt)?, None, Some(device)),
            (None, None) => return Err(Error::Internal("no keystore and no device".into())),
        };
        let mut software = SoftwareSigner::bitcoin(&policies);
        let signer: &mut dyn Signer = match device {
            Some(d) => d.as_signer(),
            None => &mut software,
        };
        let review = self
            .home
            .review_psbt(&file, &policies, options.network, &signer.info());
        let mut request = Request::Bitcoin(file);
        let mut qr = None;
        let mut encode = encoder(|request, _| {
            let Request::Bitcoin(file) = request else {
                return Err(Error::Internal("bitcoin request changed chain".into()));
            };
            if options.qr {
                qr = Some(Payload::Psbt(file.psbt.serialize()));
            }
            Ok((
                Encoded::psbt(
                    &file.psbt,
                    file.version,
                    file.extras.as_ref(),
                    file.encoding,
                )?,
                file.encoding == Encoding::Binary,
            ))
        });
        let outcome =
            self.ceremony(options, screens, &mut request, &review, signer, &mut encode)?;
        drop(request);
        if let Some(remembered) = &remembered {
            self.remember(&policies, remembered);
        }
        let Signed::Psbt(inputs) = outcome.signed else {
            return Err(Error::Internal("a psbt signer returned no inputs".into()));
        };
        let report = SignedPsbt {
            review,
            decision: decision(options, outcome.verdict, outcome.approvers),
            inputs,
            output: options.output.to_path_buf(),
            audit_logged: self.home.audited(),
            qr: None,
        };
        Ok(Signing {
            report: SignedRequest::Psbt(report),
            qr,
        })
    }

    fn ethereum(
        &self,
        request: EthRequest,
        keys: Keys,
        options: &SignOptions,
        screens: Screens,
    ) -> Result<Signing> {
        let (from, path, mut software) = match (&keys.device, keys.material) {
            (None, Some(material)) => {
                let key = self.eth_key(material, &request)?;
                (
                    key.address,
                    key.path.clone(),
                    Some(SoftwareSigner::ethereum(key)),
                )
            }
            _ => (Default::default(), None, None),
        };
        let (signer, from, path): (&mut dyn Signer, _, _) = match (keys.device, software.as_mut()) {
            (Some(d), _) => {
                let (from, path) = d.eth_account(&request, self.path)?;
                (
                    d.as_signer(),
                    from,
                    Some(crate::keys::accounts::display_path(&path)),
                )
            }
            (None, Some(s)) => (s, from, path),
            (None, None) => return Err(Error::Internal("no keystore and no device".into())),
        };
        let info = signer.info();
        let review = self.home.review_ethereum(&request, from, path, &info);
        let mut request = Request::Ethereum(request);
        let mut answer = None;
        let mut encode = encoder(|request, signed| {
            let (Request::Ethereum(request), Signed::Ethereum(signature)) = (request, signed)
            else {
                return Err(Error::Internal("ethereum request changed chain".into()));
            };
            let a = Answer::new(request, signature);
            let text = if options.ur {
                ur_text(&Payload::EthSignature(a.eth_signature.clone()))?
            } else {
                match &a.raw_transaction {
                    Some(raw) => hex::encode_prefixed(raw) + "\n",
                    None => hex::encode_prefixed(a.rsv) + "\n",
                }
            };
            answer = Some(a);
            Ok((Encoded::Bytes(text.into_bytes()), false))
        });
        let outcome =
            self.ceremony(options, screens, &mut request, &review, signer, &mut encode)?;
        let answer = answer.ok_or_else(|| Error::Internal("signed without an answer".into()))?;
        let Review::Ethereum(review) = review else {
            return Err(Error::Internal(
                "ethereum request without its review".into(),
            ));
        };
        let qr = options
            .qr
            .then(|| Payload::EthSignature(answer.eth_signature.clone()));
        let report = SignedEth {
            review,
            decision: decision(options, outcome.verdict, outcome.approvers),
            signature: hex::encode_prefixed(answer.rsv),
            transaction_hash: answer.transaction_hash(),
            output: options.output.to_path_buf(),
            device: info.capabilities.on_device_display.then_some(info.name),
            audit_logged: self.home.audited(),
            qr: None,
        };
        Ok(Signing {
            report: SignedRequest::Ethereum(report),
            qr,
        })
    }
}

/// The decision's part of the report.
fn decision(
    options: &SignOptions,
    policy: Option<crate::policy::Verdict>,
    approvers: Vec<String>,
) -> Decision {
    Decision {
        policy,
        policy_sha256: options.approvals.policy.as_ref().map(|p| p.sha256.clone()),
        approvers,
    }
}
