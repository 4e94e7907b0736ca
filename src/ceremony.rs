//! The signing ceremony, once for every chain and signer:
//! review → audit → policy → gate (the person, through [`Prompt`]) → [`Signer`] →
//! verification → delivery of the result → audit.
//!
//! [`Home`] is what lives beside the keystore (registered wallets, address book, audit log);
//! it finishes every review (address-book labels and look-alikes, the signer's limits) so
//! that what the person confirms is what the signer signs.

use std::path::{Path, PathBuf};

use alloy_primitives::Address;
use bitcoin::hashes::{sha256, Hash};

use crate::addressbook::{self, AddressBook};
use crate::approval::Approval;
use crate::audit::{AuditLog, AuditSigner, Entry, Record, Verified};
use crate::btc::ownership::Policies;
use crate::btc::remembered::Remembered;
use crate::btc::wallets::{registry_dir, Wallet};
use crate::eth::flows::Known;
use crate::eth::registry::Registry;
use crate::eth::EthRequest;
use crate::i18n::{self, Lang, Text};
use crate::keys::material::HdKeys;
use crate::policy::{LoadedPolicy, Verdict, DAY};
use crate::prompt::Prompt;
use crate::request::{PsbtFile, Request};
use crate::review::bitcoin::{review_file, FeeLimits};
use crate::review::{gate, lookalike, Gate, Review, Severity, Warning};
use crate::signer::{Signed, Signer, SignerInfo, TypedDataSupport};
use crate::trusted::{self, Part};
use crate::{Error, Result};

/// What the signer knows beside the request and the keys: registered wallets, address book,
/// audit log (and the key that signs it, when there is a keystore).
pub struct Home {
    /// Wallets registered on this signer.
    pub wallets: Vec<Wallet>,
    /// The address book.
    pub book: AddressBook,
    /// Well-known contracts and tokens (built in, plus imported token lists).
    pub registry: Registry,
    /// The ERC-7730 descriptors installed with `coldsign registry import`.
    pub descriptors: crate::erc7730::Registry,
    log: AuditLog,
    audit: Option<AuditSigner>,
    keystore: PathBuf,
}

impl Home {
    /// The registered wallets, address book and audit log beside the keystore path
    /// `keystore` (which need no keystore; without an audit key nothing is logged).
    pub fn beside(keystore: &Path) -> Result<Self> {
        Ok(Home {
            wallets: Wallet::load_all(&registry_dir(keystore))?,
            book: AddressBook::load(&addressbook::path_for(keystore))?,
            registry: Registry::load_beside(&addressbook::path_for(keystore))?,
            descriptors: crate::erc7730::store::Store::open(&crate::erc7730::store::path_for(
                keystore,
            ))
            .registry()?,
            log: AuditLog::for_keystore(keystore),
            audit: None,
            keystore: keystore.to_path_buf(),
        })
    }

    /// Signs the audit log with `audit` from now on.
    pub fn with_audit(mut self, audit: AuditSigner) -> Self {
        self.audit = Some(audit);
        self
    }

    /// Whether reviews and decisions go into the audit log.
    pub fn audited(&self) -> bool {
        self.audit.is_some()
    }

    /// The derivations remembered beside the keystore, authenticated with a key of `hd`.
    pub fn remembered(&self, hd: &HdKeys) -> Remembered {
        Remembered::for_keystore(&self.keystore, hd)
    }

    /// The review of a PSBT whose inputs and change `policies` prove, with address-book
    /// labels, look-alikes and the signer's limits.
    pub fn review_psbt(
        &self,
        file: &PsbtFile,
        policies: &Policies,
        network: bitcoin::Network,
        signer: &SignerInfo,
    ) -> Review {
        let mut r = review_file(file, network, policies, &FeeLimits::default());
        lookalike::apply(&mut r, &self.book);
        let mut review = Review::Bitcoin(Box::new(r));
        flag_limits(&mut review, signer);
        review
    }

    /// The review of an Ethereum request signed by `from` (at `path`), with address-book
    /// labels, look-alikes and the signer's limits.
    pub fn review_ethereum(
        &self,
        request: &EthRequest,
        from: Address,
        path: Option<String>,
        signer: &SignerInfo,
    ) -> Review {
        let known = Known {
            book: &self.book,
            registry: &self.registry,
            descriptors: &self.descriptors,
        };
        let r = crate::review::ethereum::review(request, from, path, &known);
        let mut review = Review::Ethereum(Box::new(r));
        flag_limits(&mut review, signer);
        review
    }

    /// Appends an audit entry (after verifying the whole log); nothing without an audit key.
    pub fn record(
        &self,
        event: &'static str,
        review: &Review,
        request: &sha256::Hash,
        verdict: &str,
        detail: String,
    ) -> Result<()> {
        self.record_approved(event, review, request, verdict, detail, Vec::new())
    }

    /// [`Home::record`] naming the approvers the decision rests on.
    fn record_approved(
        &self,
        event: &'static str,
        review: &Review,
        request: &sha256::Hash,
        verdict: &str,
        detail: String,
        approvers: Vec<String>,
    ) -> Result<()> {
        let Some(audit) = &self.audit else {
            return Ok(());
        };
        let record = || Record {
            event,
            intent_digest: review.intent_digest().to_string(),
            request_sha256: request.to_string(),
            summary: review.summary(),
            verdict: verdict.into(),
            detail,
            approvers,
        };
        self.log.append(audit, record).map(|_| ())
    }

    /// Appends a `configuration` entry: a change to what the signer trusts (`verdict` says
    /// which, e.g. `imported`; `subject` is the SHA-256 of what changed; `detail` describes
    /// it). Nothing without an audit key.
    pub fn record_configuration(
        &self,
        verdict: &str,
        subject: String,
        detail: String,
    ) -> Result<()> {
        let Some(audit) = &self.audit else {
            return Ok(());
        };
        let record = || Record {
            event: "configuration",
            intent_digest: String::new(),
            request_sha256: subject,
            summary: crate::audit::Summary::default(),
            verdict: verdict.into(),
            detail,
            approvers: Vec::new(),
        };
        self.log.append(audit, record).map(|_| ())
    }

    /// Records the new state of `part` of the trusted configuration (after a coldsign
    /// command changed it; `detail` says how). Nothing without an audit key.
    pub fn record_trusted(&self, part: Part, detail: String) -> Result<()> {
        let fingerprint = part.fingerprint(&self.keystore)?;
        self.record_configuration(part.verdict(), fingerprint, detail)
    }

    /// Records that the operator accepted `policy` on this signer.
    pub fn accept_policy(&self, policy: &LoadedPolicy) -> Result<()> {
        self.record_configuration(
            trusted::POLICY_ACCEPTED,
            policy.sha256.clone(),
            format!("accepted {}", policy.path.display()),
        )
    }

    /// The parts of the trusted configuration changed since their last audit record
    /// (after verifying the log); none without an audit key.
    pub fn unrecorded(&self) -> Result<Vec<(Part, trusted::Unrecorded)>> {
        if self.audit.is_none() {
            return Ok(Vec::new());
        }
        trusted::unrecorded(
            &self.keystore,
            &self.verified_log(trusted::is_configuration)?,
        )
    }

    /// Records, on the operator's word, every part changed outside coldsign and each of
    /// `policies` as accepted; returns what it recorded.
    pub fn attest(&self, policies: &[LoadedPolicy]) -> Result<Vec<trusted::Unrecorded>> {
        let changed = self.unrecorded()?;
        for (part, _) in &changed {
            self.record_trusted(*part, "attested by the operator".into())?;
        }
        for policy in policies {
            self.accept_policy(policy)?;
        }
        Ok(changed.into_iter().map(|(_, u)| u).collect())
    }

    /// Refuses to sign on a configuration the audit log does not vouch for (see
    /// [`trusted::check`]); nothing to check without an audit key.
    fn check_trusted(&self, policy: Option<&LoadedPolicy>) -> Result<()> {
        if self.audit.is_none() {
            return Ok(());
        }
        let policy = policy.map(|p| (p.path.as_path(), p.sha256.as_str()));
        trusted::check(
            &self.keystore,
            &self.verified_log(trusted::is_configuration)?,
            policy,
        )
    }

    /// The verified audit log with the entries `keep` selects (the policy's 24-hour limits
    /// are computed from its decisions, the trusted configuration from its records).
    fn verified_log(&self, keep: impl Fn(&Entry) -> bool) -> Result<Verified> {
        let Some(audit) = &self.audit else {
            return Err(Error::said(
                Text::new("error-daily-limit-needs-audit-log"),
                Some(Text::new("hint-daily-limit-needs-audit-log")),
            ));
        };
        self.log
            .verify_keeping(&audit.public(), keep)
            .map_err(|e| Error::verification(e.to_string()))
    }
}

/// What the signer cannot show the person itself becomes a warning: a device that signs typed
/// data blind (its screen shows only the two hashes), a Ledger that signs a contract call
/// blind (its screen shows the fees, not what the call does).
fn flag_limits(review: &mut Review, signer: &SignerInfo) {
    if let Review::Ethereum(r) = review {
        let caps = &signer.capabilities;
        let device = signer.name;
        let mut limits = Vec::new();
        let calls_contract = r.transaction.is_some() && r.calls.iter().any(|c| c.data_bytes > 0);
        if calls_contract && caps.blind_contract_calls {
            let text = Text::new("warning-eth-device-blind-contract-call").arg("device", device);
            limits.push(("eth.device.blind-contract-call", Severity::High, text));
        }
        match (&r.typed_data, caps.typed_data) {
            // The Ledger's full EIP-712 mode: the fields are on its screen only when two of
            // its Ethereum app's settings are on (found on Speculos, app 1.22.0).
            (Some(t), TypedDataSupport::Full) if caps.typed_data_needs_settings => {
                let text = Text::new("warning-eth-device-typed-data-settings")
                    .arg("device", device)
                    .arg("message_hash", t.message_hash);
                limits.push(("eth.device.typed-data-settings", Severity::Warning, text));
            }
            (Some(t), TypedDataSupport::Hashed) => {
                let text = Text::new("warning-eth-device-blind-typed-data")
                    .arg("device", device)
                    .arg("domain_hash", t.domain_separator)
                    .arg("message_hash", t.message_hash);
                limits.push(("eth.device.blind-typed-data", Severity::High, text));
            }
            _ => {}
        }
        for (code, severity, text) in limits {
            r.warnings.push(Warning::said(code, severity, text));
        }
    }
    review.sort_warnings();
}

/// What the operator settled before signing: codes accepted, `--yes`, the policy file, and
/// the approvals gathered from approvers.
#[derive(Debug, Default)]
pub struct Approvals {
    /// Warning codes accepted (`--allow CODE`).
    pub allowed: Vec<String>,
    /// Sign without asking when nothing serious is left unallowed (`--yes`).
    pub auto_yes: bool,
    /// The treasury policy, if any.
    pub policy: Option<LoadedPolicy>,
    /// Approvals of this request (`--approval FILE`), checked against the policy's
    /// `[approvals]`.
    pub approvals: Vec<Approval>,
}

impl Approvals {
    /// The operator's settlements: the `allowed` codes, `auto_yes`, the policy file (loaded
    /// and checked for `network`) if one was given, and the approval files, each read and
    /// decoded.
    pub fn load(
        allowed: &[String],
        auto_yes: bool,
        policy: Option<&Path>,
        approvals: &[PathBuf],
        network: bitcoin::Network,
    ) -> Result<Self> {
        Ok(Approvals {
            allowed: allowed.to_vec(),
            auto_yes,
            policy: policy.map(|p| LoadedPolicy::load(p, network)).transpose()?,
            approvals: approvals
                .iter()
                .map(|path| {
                    crate::approval::read(&crate::files::read_input(path)?)
                        .map_err(|e| Error::bad_input(format!("{}: {e}", path.display())))
                })
                .collect::<Result<_>>()?,
        })
    }
}

/// What the ceremony produced.
#[derive(Debug)]
pub struct Outcome {
    /// What the signer signed.
    pub signed: Signed,
    /// The policy's verdict, when a policy applied.
    pub verdict: Option<Verdict>,
    /// The approvers whose approvals were verified.
    pub approvers: Vec<String>,
}

/// Runs the ceremony for a reviewed request: audit, policy, gate, signer, verification,
/// `deliver` (writes the result; nothing is recorded as signed unless it succeeds), audit.
/// A refusal at any step is recorded and returned as the error.
#[allow(clippy::too_many_arguments)]
pub fn sign(
    home: &Home,
    approvals: &Approvals,
    prompt: &dyn Prompt,
    request: &mut Request,
    request_hash: &sha256::Hash,
    review: &Review,
    signer: &mut dyn Signer,
    deliver: &mut dyn FnMut(&Request, &Signed) -> Result<()>,
) -> Result<Outcome> {
    let record = |verdict: &str, detail: String| {
        home.record("decision", review, request_hash, verdict, detail)
    };
    home.record("review", review, request_hash, "reviewed", String::new())?;
    if let Err(e) = home.check_trusted(approvals.policy.as_ref()) {
        record("refused", e.to_string())?;
        return Err(e);
    }
    let mut allowed = approvals.allowed.clone();
    let mut needs_person = false;
    let verdict = match &approvals.policy {
        Some(policy) => {
            let verdict = evaluate(home, policy, review)?;
            if let Some(denial) = verdict.denial() {
                record("denied", format!("{}: {}", denial.rule, denial.detail))?;
                return Err(Error::PolicyDenied {
                    rule: denial.rule.clone(),
                    detail: denial.detail.clone(),
                });
            }
            allowed.extend(match review {
                Review::Bitcoin(_) => policy.allowed_warnings().to_vec(),
                Review::Ethereum(r) => policy.allowed_ethereum_warnings(r),
            });
            needs_person = verdict.needs_person;
            let key = if needs_person {
                "prompt-policy-allowed-confirm"
            } else {
                "prompt-policy-allowed"
            };
            let allowed = Text::new(key)
                .arg("path", policy.path.display())
                .arg("sha256", &policy.sha256);
            prompt.show(&allowed.localized());
            Some(verdict)
        }
        None => None,
    };
    let approvers = match check_approvals(approvals, review, request_hash) {
        Ok(names) => {
            if !names.is_empty() {
                let approved = Text::new("prompt-approved-by").arg("names", names.join(", "));
                prompt.show(&approved.localized());
            }
            names
        }
        Err(e) => {
            record("denied", e.to_string())?;
            return Err(e);
        }
    };
    let info = signer.info();
    if let Some(why) = info.refusal(request) {
        record("refused", why.to_string())?;
        return Err(Error::said(
            why.text().clone(),
            Some(Text::new("hint-signer-refuses")),
        ));
    }
    if let Err(e) = confirm(
        prompt,
        review.warnings(),
        review.intent_digest(),
        &allowed,
        approvals.auto_yes && !needs_person,
        "sign",
    ) {
        record(verdict_of(&e, "declined"), e.to_string())?;
        return Err(e);
    }
    if info.capabilities.on_device_display {
        let device = Text::new("prompt-confirm-on-device").arg("device", info.name);
        prompt.show(&device.localized());
    }
    let signed = match signer
        .sign(request, review, prompt)
        .and_then(|signed| verify(review, signed))
    {
        Ok(signed) => signed,
        Err(e) => {
            record(verdict_of(&e, "failed"), e.to_string())?;
            return Err(e);
        }
    };
    let detail = detail(&signed);
    if let Signed::Psbt(outcomes) = &signed {
        if outcomes.iter().all(|o| o.signatures == 0) {
            record("declined", detail.clone())?;
            return Err(Error::said(
                Text::new("error-nothing-signed-by-signer").arg("detail", detail),
                Some(Text::new("hint-nothing-signed-by-signer")),
            ));
        }
    }
    deliver(request, &signed)?;
    home.record_approved(
        "decision",
        review,
        request_hash,
        "signed",
        detail,
        approvers.clone(),
    )?;
    Ok(Outcome {
        signed,
        verdict,
        approvers,
    })
}

/// The quorum of the policy's `[approvals]` over this very request; approvals without a
/// policy that names approvers are refused (nobody could tell whose they are).
fn check_approvals(
    approvals: &Approvals,
    review: &Review,
    request_hash: &sha256::Hash,
) -> Result<Vec<String>> {
    let rules = approvals.policy.as_ref().map(|p| &p.policy.approvals);
    let deny = |detail: String| Error::PolicyDenied {
        rule: "approvals".into(),
        detail,
    };
    match rules {
        Some(rules) if rules.required > 0 || !approvals.approvals.is_empty() => rules
            .check(
                &approvals.approvals,
                review.intent_digest(),
                request_hash.to_byte_array(),
                crate::approval::now(),
            )
            .map_err(|e| deny(e.to_string())),
        None if !approvals.approvals.is_empty() => Err(Error::said(
            Text::new("error-approvals-without-policy"),
            Some(Text::new("hint-approvals-without-policy")),
        )),
        _ => Ok(Vec::new()),
    }
}

/// How the audit log names a step that stopped the ceremony (`otherwise` for errors that
/// are neither a refusal nor the person declining).
fn verdict_of(e: &Error, otherwise: &'static str) -> &'static str {
    match e {
        Error::Refused(_) => "refused",
        Error::Declined { .. } => "declined",
        _ => otherwise,
    }
}

/// The policy's verdict over `review` (the 24-hour window from the verified audit log).
fn evaluate(home: &Home, policy: &LoadedPolicy, review: &Review) -> Result<Verdict> {
    let summary = review.summary();
    Ok(match review {
        Review::Bitcoin(r) => {
            let spent = match policy.policy.bitcoin.max_per_24h {
                Some(_) => AuditLog::spent_within(
                    &home.verified_log(AuditLog::is_decision)?,
                    &summary.network,
                    DAY,
                    &summary.spends,
                ),
                None => 0,
            };
            policy.evaluate_bitcoin(r, spent)
        }
        Review::Ethereum(r) => {
            let spent = if crate::eth::policy::needs_window(&policy.policy.ethereum) {
                let log = home.verified_log(AuditLog::is_decision)?;
                let signed = AuditLog::signed_within(&log, &summary.network, DAY, &summary.spends);
                crate::eth::policy::spent(&signed)
            } else {
                Default::default()
            };
            policy.evaluate_ethereum(r, &home.registry, &spent)
        }
    })
}

/// An Ethereum signature must recover to the reviewed address over the reviewed signing
/// hash; Bitcoin signatures from devices were verified against our own sighash as they were
/// merged ([`crate::hw::merge`]).
fn verify(review: &Review, signed: Signed) -> Result<Signed> {
    if let (Review::Ethereum(r), Signed::Ethereum(signature)) = (review, &signed) {
        let from: Address = r
            .from
            .parse()
            .map_err(|_| Error::Internal(format!("reviewed address {} unreadable", r.from)))?;
        check_recovers(signature, r.signing_hash, from)?;
    }
    Ok(signed)
}

/// Refuses a signature that does not recover to `from` over `hash` (verification failed,
/// exit code 4).
pub fn check_recovers(
    signature: &alloy_primitives::Signature,
    hash: alloy_primitives::B256,
    from: Address,
) -> Result<()> {
    match crate::eth::sign::recover(hash, signature) {
        Some(signer) if signer == from => Ok(()),
        Some(signer) => Err(Error::unverified(
            Text::new("error-signature-recovers-other")
                .arg("signer", signer.to_checksum(None))
                .arg("from", from.to_checksum(None)),
        )),
        None => Err(Error::unverified(Text::new(
            "error-signature-recovers-none",
        ))),
    }
}

/// The per-input summary the audit log keeps.
fn detail(signed: &Signed) -> String {
    match signed {
        Signed::Psbt(outcomes) => outcomes
            .iter()
            .map(|o| {
                format!(
                    "input {}: {}",
                    o.index,
                    o.not_signed_because
                        .as_deref()
                        .map(|r| format!("not signed ({r})"))
                        .unwrap_or_else(|| format!("{} signature(s)", o.signatures))
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        Signed::Ethereum(_) => String::new(),
    }
}

/// Whether `answer` to a `[y/N]` question is yes: `y`, `Y` or `yes` in every language, and
/// `はい` when the operator's language is Japanese.
pub(crate) fn is_yes(answer: &str) -> bool {
    matches!(answer, "y" | "Y" | "yes") || (i18n::current() == Lang::Ja && answer == "はい")
}

/// Applies the gate over `warnings` before `action` ("sign", "approve"): refuse, ask the
/// person, or proceed.
pub fn confirm(
    prompt: &dyn Prompt,
    warnings: &[Warning],
    intent_digest: &str,
    allowed: &[String],
    auto_yes: bool,
    action: &str,
) -> Result<()> {
    match gate(warnings, allowed, auto_yes) {
        Gate::Proceed => Ok(()),
        Gate::Refuse(codes) => Err(Error::Refused(codes)),
        Gate::Confirm { type_digest } => {
            if !prompt.interactive() {
                return Err(Error::said(
                    Text::new("error-signing-needs-confirmation"),
                    Some(Text::new("hint-signing-needs-confirmation")),
                ));
            }
            let accepted = if type_digest {
                let last = intent_digest.rsplit('-').next().unwrap_or_default();
                let question = Text::new("prompt-type-digest").arg("action", action);
                let answer = prompt.line(&question.localized())?;
                answer.trim().eq_ignore_ascii_case(last)
            } else {
                let question = Text::new("prompt-confirm").arg("action", action);
                let answer = prompt.line(&question.localized())?;
                is_yes(answer.trim())
            };
            if accepted {
                Ok(())
            } else {
                Err(Error::declined(match action {
                    "sign" => Text::new("error-declined-sign"),
                    other => Text::new("error-declined-action").arg("action", other),
                }))
            }
        }
    }
}
