//! An approver's side of the policy's `[approvals]`: the request is reviewed on the
//! approver's own machine (their trusted wallets, address book and audit log), gated like a
//! signature, and an approval of its intent digest is signed and written.

use std::path::Path;
use std::time::Duration;

use bitcoin::hashes::{sha256, Hash};

use crate::approval::{self, Approval, ApproverKey};
use crate::audit::AuditSigner;
use crate::btc::ownership::Policies;
use crate::btc::wallets::Wallet;
use crate::ceremony::{self, Home};
use crate::files::{self, Replace};
use crate::keys::material::{HdKeys, KeyMaterial};
use crate::prompt::Prompt;
use crate::request::Request;
use crate::review::Review;
use crate::signer::capabilities;
use crate::{Error, Result};

/// The approver's HD keys: an approver key comes only from a mnemonic keystore.
pub fn approver_hd(material: &KeyMaterial) -> Result<HdKeys> {
    material.hd().ok_or_else(|| {
        Error::usage(
            "an approver key comes from a keystore created from a mnemonic",
            "use the approver's own mnemonic keystore",
        )
    })
}

/// A request as the approver reviewed it.
pub struct Approving {
    home: Home,
    key: ApproverKey,
    request_hash: sha256::Hash,
    /// The approver's review of the request.
    pub review: Review,
}

impl Approving {
    /// Reviews `request` (whose bytes hash to `request_hash`) with the home beside `keystore`
    /// audited by the approver's key; `wallet` (the spending wallet) proves change, else the
    /// approver's own registered wallets do. `network_for` names a PSBT's network.
    pub fn review(
        request: &Request,
        request_hash: sha256::Hash,
        keystore: &Path,
        hd: &HdKeys,
        wallet: Option<&Path>,
        network_for: impl Fn(&bitcoin::psbt::Psbt) -> Result<bitcoin::Network>,
    ) -> Result<Self> {
        let home = Home::beside(keystore)?.with_audit(AuditSigner::from_hd(hd));
        let wallet = wallet
            .map(|path| Wallet::parse_file(None, &files::read_text(path)?, path))
            .transpose()?;
        let review = match request {
            Request::Bitcoin(file) => {
                let policies = match wallet {
                    Some(w) => Policies::watch_only(w),
                    None => Policies::new(hd, home.wallets.clone()),
                };
                home.review_psbt(
                    file,
                    &policies,
                    network_for(&file.psbt)?,
                    &capabilities::SOFTWARE,
                )
            }
            Request::Ethereum(r) => home.review_ethereum(
                r,
                r.address.unwrap_or_default(),
                None,
                &capabilities::SOFTWARE,
            ),
        };
        Ok(Approving {
            home,
            key: ApproverKey::from_hd(hd),
            request_hash,
            review,
        })
    }

    /// Records the review, gates it (`allowed` codes, `auto_yes`) through `prompt`, then signs
    /// an approval valid for `lifetime` and writes it to `output` as UR text; every decision
    /// goes into the audit log.
    pub fn approve(
        &self,
        prompt: &dyn Prompt,
        allowed: &[String],
        auto_yes: bool,
        lifetime: Duration,
        output: &Path,
    ) -> Result<Approval> {
        let (home, review, hash) = (&self.home, &self.review, &self.request_hash);
        home.record("review", review, hash, "reviewed", String::new())?;
        if let Err(e) = ceremony::confirm(
            prompt,
            review.warnings(),
            review.intent_digest(),
            allowed,
            auto_yes,
            "approve",
        ) {
            home.record("approval", review, hash, "declined", e.to_string())?;
            return Err(e);
        }
        let expires = approval::now().saturating_add(lifetime.as_secs());
        let signed = self
            .key
            .approve(review.intent_digest(), hash.to_byte_array(), expires);
        let text = approval::to_ur(&signed) + "\n";
        files::write_output(output, text.as_bytes(), Replace::Never)?;
        home.record(
            "approval",
            review,
            hash,
            "approved",
            format!("expires {expires}"),
        )?;
        Ok(signed)
    }
}
