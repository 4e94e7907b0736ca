//! `eth inspect` and `eth sign`: the offline side.

use std::path::{Path, PathBuf};

use alloy_primitives::{hex, keccak256, Address, Signature, U256};
use bitcoin::bip32::DerivationPath;
use bitcoin::hashes::{sha256, Hash};
use clap::Args;
use serde::Serialize;

use super::super::context::{Context, Report};
use super::super::psbt::{check_airgap, confirm};
use super::output::{ur_text, write_text};
use super::view;
use crate::addressbook::{self, AddressBook};
use crate::audit::{AuditLog, AuditSigner, Record, Summary};
use crate::eth::account::{self, SigningKey};
use crate::eth::calldata::Touch;
use crate::eth::request::Source;
use crate::eth::review::{review, EthReview};
use crate::eth::sign::{sign_hash, to_rsv};
use crate::eth::{EthPayload, EthRequest};
use crate::policy::{LoadedPolicy, Verdict};
use crate::review::lookalike;
use crate::transport::registry::{EthSignature, Payload};
use crate::{Error, Result};

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Request: eth-sign-request UR text or QR image, unsigned transaction hex, or typed-data
    /// JSON; - for stdin.
    file: PathBuf,
    /// Key path to sign with (overrides the request's).
    #[arg(long, value_name = "PATH")]
    path: Option<DerivationPath>,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Request: eth-sign-request UR text or QR image, unsigned transaction hex, or typed-data
    /// JSON; - for stdin.
    file: PathBuf,
    /// Where to write the result: the signed raw transaction (hex), or the 65-byte signature
    /// (hex) for messages; - for stdout.
    #[arg(short, long)]
    output: PathBuf,
    /// Write an EIP-4527 eth-signature UR instead.
    #[arg(long)]
    ur: bool,
    /// Key path to sign with (overrides the request's).
    #[arg(long, value_name = "PATH")]
    path: Option<DerivationPath>,
    /// Sign without asking, but only when no high- or deny-level warning remains unallowed.
    #[arg(long)]
    yes: bool,
    /// Accept the warning CODE (repeat for each). Required for every deny-level warning.
    #[arg(long = "allow", value_name = "CODE")]
    allow: Vec<String>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    /// Treasury policy file (TOML, docs/policy.md): a denial is final.
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Refuse to sign while a non-loopback network interface is up.
    #[arg(long)]
    require_airgap: bool,
    /// Also show the eth-signature as an animated QR code.
    #[arg(long)]
    qr: bool,
}

/// The keystore side: the key, the address book and the audit log.
struct EthSigner {
    key: SigningKey,
    book: AddressBook,
    log: AuditLog,
    audit: AuditSigner,
}

impl EthSigner {
    fn open(ctx: &Context, request: &EthRequest, path: Option<&DerivationPath>) -> Result<Self> {
        let (keystore, _, material) = super::super::key::unlock(ctx)?;
        let key = account::resolve(&material, &request.key, request.address, path)
            .map_err(|e| Error::usage(e, "pass --path with the account's derivation path"))?;
        if key.found_by_search {
            ctx.note(&format!(
                "note: signing with {} found at {}",
                key.address,
                key.path.as_deref().unwrap_or("?")
            ));
        }
        let audit = AuditSigner::from_material(&material);
        Ok(EthSigner {
            key,
            book: AddressBook::load(&addressbook::path_for(&keystore))?,
            log: AuditLog::for_keystore(&keystore),
            audit,
        })
    }

    fn review(&self, request: &EthRequest) -> EthReview {
        let label = |a: Address| self.book.label_of(&a.to_checksum(None)).map(str::to_string);
        let mut r = review(request, self.key.address, self.key.path.clone(), &label);
        let recipients: Vec<String> = r
            .touches
            .iter()
            .map(|t| match t {
                Touch::Recipient(a) | Touch::Contract(a, _) => a.to_checksum(None),
            })
            .collect();
        r.warnings
            .extend(lookalike::check_addresses(&recipients, &self.book));
        r.warnings.sort_by_key(|w| std::cmp::Reverse(w.severity));
        r
    }

    fn record(
        &self,
        event: &'static str,
        r: &EthReview,
        request: &[u8],
        verdict: &str,
        detail: String,
    ) -> Result<()> {
        let gwei =
            |wei: U256| u64::try_from(wei / U256::from(1_000_000_000u64)).unwrap_or(u64::MAX);
        let summary = Summary {
            chain: "ethereum".into(),
            network: r.chain_id.map_or("eth:any".into(), |c| format!("eth:{c}")),
            inputs: 0,
            outputs: r.calls.len(),
            external: gwei(r.value),
            fee: Some(gwei(r.max_fee)),
            destinations: r
                .touches
                .iter()
                .filter_map(|t| match t {
                    Touch::Recipient(a) => Some(a.to_checksum(None)),
                    Touch::Contract(..) => None,
                })
                .collect(),
        };
        let record = Record {
            event,
            intent_digest: r.intent_digest.clone(),
            request_sha256: sha256::Hash::hash(request).to_string(),
            summary,
            verdict: verdict.into(),
            detail,
        };
        self.log.append(&self.audit, record).map(|_| ())
    }
}

fn decode(data: &[u8]) -> Result<EthRequest> {
    EthRequest::decode(data).map_err(Error::bad_input)
}

#[derive(Serialize)]
struct Inspected<'a> {
    #[serde(flatten)]
    review: &'a EthReview,
}

impl Report for Inspected<'_> {
    fn human(&self) -> String {
        view::render(self.review)
    }
}

/// `coldsign eth inspect`.
pub fn inspect(ctx: &Context, args: InspectArgs) -> Result<()> {
    let data = crate::files::read_input(&args.file)?;
    let request = decode(&data)?;
    let signer = EthSigner::open(ctx, &request, args.path.as_ref())?;
    let r = signer.review(&request);
    signer.record("review", &r, &data, "reviewed", String::new())?;
    ctx.emit(&Inspected { review: &r })
}

#[derive(Serialize)]
struct Signed<'a> {
    review: &'a EthReview,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<&'a Verdict>,
    /// The signature r ‖ s ‖ v (v = 27/28), hex.
    signature: String,
    /// The transaction hash, for transactions.
    #[serde(skip_serializing_if = "Option::is_none")]
    transaction_hash: Option<String>,
    output: &'a Path,
    #[serde(skip_serializing_if = "Option::is_none")]
    qr: Option<Vec<String>>,
}

impl Report for Signed<'_> {
    fn human(&self) -> String {
        let mut s = format!("signed by {}\n", self.review.from);
        if let Some(h) = &self.transaction_hash {
            s.push_str(&format!("transaction hash {h}\n"));
        }
        if self.output != Path::new("-") {
            s.push_str(&format!("written to {}\n", self.output.display()));
        }
        s
    }
}

/// The signed output: raw transaction or signature hex, or an eth-signature UR.
fn answer(
    request: &EthRequest,
    signature: &Signature,
    as_ur: bool,
) -> Result<(String, Option<String>, Payload)> {
    let rsv = to_rsv(signature);
    let raw = match &request.payload {
        EthPayload::Transaction(tx) => Some(tx.clone().into_raw_signed(*signature)),
        _ => None,
    };
    let ur_signature = {
        // Typed transactions carry the y-parity as v; everything else 27/28.
        let mut bytes = rsv.to_vec();
        if matches!(&request.payload, EthPayload::Transaction(t) if !matches!(t, crate::eth::tx::UnsignedTx::Legacy(_)))
        {
            bytes[64] -= 27;
        }
        bytes
    };
    let request_id = match &request.source {
        Source::SignRequest(r) => r.request_id,
        Source::Bare => None,
    };
    let payload = Payload::EthSignature(EthSignature {
        request_id,
        signature: ur_signature,
        origin: Some("coldsign".into()),
    });
    let hash = raw.as_ref().map(|r| keccak256(r).to_string());
    let text = if as_ur {
        ur_text(&payload)?
    } else {
        match &raw {
            Some(raw) => hex::encode_prefixed(raw) + "\n",
            None => hex::encode_prefixed(rsv) + "\n",
        }
    };
    Ok((text, hash, payload))
}

/// `coldsign eth sign`.
pub fn sign(ctx: &Context, args: SignArgs) -> Result<()> {
    if args.output != Path::new("-") && args.output.exists() && !args.force {
        return Err(Error::Exists(args.output));
    }
    check_airgap(ctx, args.require_airgap)?;
    let data = crate::files::read_input(&args.file)?;
    let request = decode(&data)?;
    let loaded = args
        .policy
        .as_deref()
        .map(|p| LoadedPolicy::load(p, ctx.network))
        .transpose()?;
    let signer = EthSigner::open(ctx, &request, args.path.as_ref())?;
    let r = signer.review(&request);
    if !ctx.json {
        eprint!("{}", view::render(&r));
    }
    signer.record("review", &r, &data, "reviewed", String::new())?;
    let mut allowed = args.allow.clone();
    let verdict = match &loaded {
        Some(policy) => {
            let verdict = policy.evaluate_ethereum(&r);
            if let Some(denial) = verdict.denial() {
                let detail = format!("{}: {}", denial.rule, denial.detail);
                signer.record("decision", &r, &data, "denied", detail)?;
                return Err(Error::PolicyDenied {
                    rule: denial.rule.clone(),
                    detail: denial.detail.clone(),
                });
            }
            allowed.extend(policy.allowed_ethereum_warnings());
            Some(verdict)
        }
        None => None,
    };
    if let Err(e) = confirm(&r.warnings, &r.intent_digest, &allowed, args.yes) {
        let verdict = if matches!(e, Error::Refused(_)) {
            "refused"
        } else {
            "declined"
        };
        signer.record("decision", &r, &data, verdict, e.to_string())?;
        return Err(e);
    }
    let secp = bitcoin::secp256k1::Secp256k1::signing_only();
    let signature = sign_hash(&secp, &signer.key.key, r.signing_hash);
    let (text, transaction_hash, payload) = answer(&request, &signature, args.ur)?;
    write_text(&args.output, &text, args.force)?;
    signer.record("decision", &r, &data, "signed", String::new())?;
    let qr = if args.qr {
        super::super::qr::show_payload(ctx, &payload)?
    } else {
        None
    };
    let report = Signed {
        review: &r,
        policy: verdict.as_ref(),
        signature: hex::encode_prefixed(to_rsv(&signature)),
        transaction_hash,
        output: &args.output,
        qr,
    };
    if args.output == Path::new("-") {
        if !ctx.json {
            eprint!("{}", report.human());
        }
        return Ok(());
    }
    ctx.emit(&report)
}
