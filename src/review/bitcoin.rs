//! Review of a Bitcoin PSBT: every input's amount verified where it can be, every output
//! script classified (ours by derivation, standard external with an address, or flagged with
//! its reason), totals that balance (inputs = external + change + ours-not-change + burned +
//! fee), every field that changes what a signature commits to checked, and a warning for each
//! check of DESIGN.md §4 and §7.

pub mod amounts;
mod balance;
mod fields;
mod inputs;
mod outputs;
mod paths;
pub mod scripts;
pub mod signatures;
pub mod timelocks;

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::Write;

use bitcoin::bip32::{Fingerprint, KeySource};
use bitcoin::psbt::{Input, Psbt};
use bitcoin::{Network, OutPoint, TxOut, Weight};
use serde::Serialize;

use super::{IntentHasher, Severity, Warning};
use crate::btc::ownership::{Owner, Policies};
use crate::btc::psbt_v2::{PsbtVersion, V2Extras};
use crate::i18n::{Phrase, Text};
use crate::request::PsbtFile;

pub use balance::Balance;
pub use outputs::GAP_LIMIT;
pub use timelocks::describe_locktime;

/// Fee thresholds above which `fee.high` is raised.
#[derive(Debug, Clone, Copy)]
pub struct FeeLimits {
    /// Absolute fee, in satoshis.
    pub max_fee: u64,
    /// Fee as a fraction of the value leaving the wallet (of the inputs, for consolidations).
    pub max_fraction: f64,
    /// Fee rate, sat/vB.
    pub max_rate: f64,
}

impl Default for FeeLimits {
    fn default() -> Self {
        FeeLimits {
            max_fee: 5_000_000,
            max_fraction: 0.10,
            max_rate: 1_000.0,
        }
    }
}

/// Serializes `value` as its text (how it is shown).
fn as_text<S: serde::Serializer>(
    value: &impl std::fmt::Display,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

/// Who holds an input's or output's key, as proven by derivation.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerView {
    /// Policy name (`bip84/0` for standard accounts, the registered wallet name otherwise).
    pub wallet: String,
    /// Master fingerprint (hex in JSON).
    #[serde(serialize_with = "as_text")]
    pub fingerprint: Fingerprint,
    /// Our key's derivation path.
    pub path: String,
}

/// One input, as reviewed.
#[derive(Debug, Clone, Serialize)]
pub struct InputView {
    /// Position in the transaction.
    pub index: usize,
    /// The coin spent (`txid:vout` in JSON; kept binary, a review holds one per input).
    #[serde(serialize_with = "as_text")]
    pub outpoint: OutPoint,
    /// Amount in satoshis, when known.
    pub amount: Option<u64>,
    /// Whether the amount was checked against the full previous transaction (or is committed
    /// to by a taproot signature).
    pub amount_verified: bool,
    /// Script type of the spent output.
    pub script_type: &'static str,
    /// Our key, when the spent script derives from it under a known policy.
    pub owner: Option<OwnerView>,
    /// Sighash type that will be used (the usual `all` and `default` without an allocation).
    pub sighash: Cow<'static, str>,
    /// nSequence.
    pub sequence: u32,
    /// The relative lock time the sequence sets (BIP68), for people. (This and the reason
    /// below are boxed: rarely present, and a review holds one view per input.)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relative_lock: Option<Box<Phrase>>,
    /// Whether this signer will sign it.
    pub signable: bool,
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_signed_because: Option<Box<Phrase>>,
    /// Already finalized.
    pub finalized: bool,
    /// For a multisig input not yet final: the signatures present and needed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signatures: Option<signatures::SignatureCount>,
}

/// What an output is, from the signer's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutputKind {
    /// Pays someone else (or a script we cannot prove is ours).
    External,
    /// Returns to us under the same policy as the inputs, on the change branch (verified).
    Change,
    /// Derived from our keys, but not change of this spend (another wallet, or a receive
    /// address): a transfer to ourselves.
    OursNotChange,
    /// An OP_RETURN data carrier: its value, if any, is burned.
    OpReturn,
    /// Any other script no one can ever spend: its value is burned.
    Unspendable,
}

/// One output, as reviewed.
#[derive(Debug, Clone, Serialize)]
pub struct OutputView {
    /// Position in the transaction.
    pub index: usize,
    /// Address on the reviewed network, when the script has one.
    pub address: Option<String>,
    /// The script, hex.
    pub script: String,
    /// What the script is: `p2pkh`, `p2sh`, `p2wpkh`, `p2wsh`, `p2tr`, or the kind of script
    /// that needed a reason (see [`scripts::classify`]).
    pub script_type: &'static str,
    /// Why a script that is not a standard template was flagged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Phrase>,
    /// Amount in satoshis.
    pub amount: u64,
    /// Classification.
    pub kind: OutputKind,
    /// Our key, for change and ours-not-change.
    pub owner: Option<OwnerView>,
    /// The address-book label of an external destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Codes of the warnings about this output (also in the review's warning list), so the
    /// output's row can carry them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<&'static str>,
}

/// Sums and sizes.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    /// Sum of input amounts, when all are known.
    pub input: Option<u64>,
    /// Sum of outputs.
    pub output: u64,
    /// What leaves the spending wallet: paid to others, to our other wallets, or burned
    /// (`balance.external + balance.ours_not_change + balance.burned`).
    pub external: u64,
    /// Sum of change outputs.
    pub change: u64,
    /// Fee, when all input amounts are known.
    pub fee: Option<u64>,
    /// Estimated virtual size of the final transaction.
    pub vsize: u64,
    /// Whether every input's final size is known exactly or from its policy.
    pub vsize_exact: bool,
    /// Fee rate in sat/vB from the estimated size.
    pub fee_rate: Option<f64>,
    /// Where every satoshi goes, and whether that balances exactly.
    pub balance: Balance,
}

/// The review of a Bitcoin PSBT.
#[derive(Debug, Clone, Serialize)]
pub struct BtcReview {
    /// Network used for addresses and checks.
    pub network: String,
    /// PSBT version as received.
    pub psbt_version: u8,
    /// Txid of the unsigned transaction (final for segwit/taproot-only spends).
    pub txid: String,
    /// The intent digest: same request, same digest on the host, the signer and in the log.
    pub intent_digest: String,
    /// Inputs.
    pub inputs: Vec<InputView>,
    /// Outputs.
    pub outputs: Vec<OutputView>,
    /// Totals.
    pub totals: Totals,
    /// nLockTime (0 = none; below 500,000,000 a block height, else a Unix time).
    pub locktime: u32,
    /// Whether any input signals replace-by-fee (BIP125).
    pub rbf: bool,
    /// Findings, most serious first.
    pub warnings: Vec<Warning>,
}

impl BtcReview {
    /// The most serious severity present.
    pub fn worst(&self) -> Option<Severity> {
        self.warnings.iter().map(|w| w.severity).max()
    }
}

/// The canonical text the intent digest is computed over: version, locktime, each input's
/// outpoint, amount and sequence, each output's script and amount. It depends only on the
/// request (not on `--network`, which only changes how scripts are shown as addresses), so the
/// host and every signer compute the same digest.
fn write_canonical_intent(psbt: &Psbt, text: &mut impl Write) {
    let tx = &psbt.unsigned_tx;
    let _ = write!(
        text,
        "coldsign intent v2\nchain bitcoin\nversion {}\nlocktime {}\n",
        tx.version.0,
        tx.lock_time.to_consensus_u32()
    );
    for (txin, input) in tx.input.iter().zip(&psbt.inputs) {
        let amount =
            spent_output(input, &txin.previous_output).map(|o| o.value.to_sat().to_string());
        let _ = writeln!(
            text,
            "in {} {} {}",
            txin.previous_output,
            amount.unwrap_or_else(|| "?".into()),
            txin.sequence.0
        );
    }
    for out in &tx.output {
        let _ = writeln!(
            text,
            "out {} {}",
            out.script_pubkey.to_hex_string(),
            out.value.to_sat()
        );
    }
}

/// The intent digest of `psbt`: its canonical text, hashed as it is written (the text of a
/// 5,000-input request is half a megabyte).
pub fn psbt_intent_digest(psbt: &Psbt) -> String {
    let mut hasher = IntentHasher::default();
    write_canonical_intent(psbt, &mut hasher);
    hasher.digest()
}

/// The output an input spends, from witness_utxo or the previous transaction.
pub fn spent_output<'a>(input: &'a Input, outpoint: &OutPoint) -> Option<&'a TxOut> {
    input.witness_utxo.as_ref().or_else(|| {
        input
            .non_witness_utxo
            .as_ref()
            .and_then(|tx| tx.output.get(outpoint.vout as usize))
    })
}

/// Reviews a decoded request (its PSBT v2 fields included) with our `policies` on `network`.
pub fn review_file(
    file: &PsbtFile,
    network: Network,
    policies: &Policies,
    limits: &FeeLimits,
) -> BtcReview {
    review_with_extras(
        &file.psbt,
        file.version,
        file.extras.as_ref(),
        network,
        policies,
        limits,
    )
}

/// Reviews `psbt` with our `policies` on `network` (a version 0 PSBT, or a version 2 PSBT
/// without its modifiable flags: prefer [`review_file`]).
pub fn review(
    psbt: &Psbt,
    version: PsbtVersion,
    network: Network,
    policies: &Policies,
    limits: &FeeLimits,
) -> BtcReview {
    review_with_extras(psbt, version, None, network, policies, limits)
}

fn review_with_extras(
    psbt: &Psbt,
    version: PsbtVersion,
    extras: Option<&V2Extras>,
    network: Network,
    policies: &Policies,
    limits: &FeeLimits,
) -> BtcReview {
    let mut ctx = Checks {
        warnings: Vec::new(),
        network,
        policies,
    };
    if let Err(e) = amounts::check(psbt) {
        ctx.warn(
            "btc.amount.out_of_range",
            Severity::Deny,
            Text::new("warning-btc-amount-out-of-range").arg("error", e),
        );
    }
    let tx = &psbt.unsigned_tx;
    let mut inputs = Vec::with_capacity(tx.input.len());
    let mut spending = outputs::Spending::default();
    let mut seen = HashSet::with_capacity(tx.input.len());
    let mut satisfaction = Weight::ZERO;
    let mut exact = true;
    let mut any_segwit = false;
    for (index, (txin, input)) in tx.input.iter().zip(&psbt.inputs).enumerate() {
        if !seen.insert(txin.previous_output) {
            ctx.warn(
                "btc.input.duplicate",
                Severity::Deny,
                Text::new("warning-btc-input-duplicate")
                    .arg("index", index)
                    .arg("outpoint", txin.previous_output),
            );
        }
        let (view, owner, weight) = ctx.input(index, txin, tx.version.0, input);
        any_segwit |= view.script_type != "p2pkh" && view.script_type != "p2sh";
        match weight {
            Some(w) => satisfaction += w,
            None => exact = false,
        }
        inputs.push(view);
        if let Some(owner) = &owner {
            spending.add(owner);
        }
    }
    let outputs: Vec<OutputView> = tx
        .output
        .iter()
        .zip(&psbt.outputs)
        .enumerate()
        .map(|(index, (txout, output))| ctx.output(index, txout, output, &spending))
        .collect();
    ctx.check_sighash(&inputs, outputs.len());
    ctx.check_modifiable(psbt, extras);
    ctx.check_global_xpubs(psbt);
    ctx.check_key_origins(psbt);
    let weight = tx.weight()
        + satisfaction
        + if any_segwit {
            Weight::from_wu(2)
        } else {
            Weight::ZERO
        };
    let vsize = weight.to_vbytes_ceil();
    let balance = Balance::new(&inputs, &outputs);
    let output_total = amounts::checked_sum(outputs.iter().map(|o| o.amount)).unwrap_or(u64::MAX);
    let leaving = amounts::checked_sum([balance.external, balance.ours_not_change, balance.burned])
        .unwrap_or(u64::MAX);
    match (balance.inputs, balance.fee) {
        (None, _) => ctx.warn(
            "btc.fee.unknown",
            Severity::Deny,
            Text::new("warning-btc-fee-unknown"),
        ),
        (Some(i), None) => ctx.warn(
            "btc.fee.negative",
            Severity::Deny,
            Text::new("warning-btc-fee-negative")
                .arg("outputs", output_total)
                .arg("inputs", i),
        ),
        (Some(i), Some(f)) => ctx.check_fee(f, i, leaving, vsize, limits),
    }
    let locktime = tx.lock_time.to_consensus_u32();
    if locktime != 0 {
        ctx.warn(
            "btc.locktime",
            Severity::Info,
            timelocks::describe_absolute(locktime, tx.input.iter().map(|i| i.sequence)),
        );
    }
    let mut warnings = ctx.warnings;
    warnings.sort_by_key(|w| std::cmp::Reverse(w.severity));
    BtcReview {
        network: network.to_string(),
        psbt_version: match version {
            PsbtVersion::V0 => 0,
            PsbtVersion::V2 => 2,
        },
        txid: tx.compute_txid().to_string(),
        intent_digest: psbt_intent_digest(psbt),
        inputs,
        totals: Totals {
            input: balance.inputs,
            output: output_total,
            external: leaving,
            change: balance.change,
            fee: balance.fee,
            vsize,
            vsize_exact: exact,
            fee_rate: balance.fee.map(|f| f as f64 / vsize as f64),
            balance,
        },
        outputs,
        locktime,
        rbf: tx.input.iter().any(|i| i.sequence.is_rbf()),
        warnings,
    }
}

struct Checks<'a, 'p> {
    warnings: Vec<Warning>,
    network: Network,
    policies: &'a Policies<'p>,
}

impl Checks<'_, '_> {
    fn warn(&mut self, code: &'static str, severity: Severity, text: Text) {
        self.warnings.push(Warning::said(code, severity, text));
    }

    fn owner_view(&self, owner: &Owner) -> OwnerView {
        OwnerView {
            wallet: owner.wallet.clone(),
            fingerprint: owner.fingerprint,
            path: crate::keys::accounts::display_path(&owner.path),
        }
    }
}

/// Every (serialized public key, origin) pair listed in BIP32 and taproot derivation maps.
pub(crate) fn key_origins<'a>(
    bip32: &'a std::collections::BTreeMap<bitcoin::secp256k1::PublicKey, KeySource>,
    taproot: &'a std::collections::BTreeMap<
        bitcoin::XOnlyPublicKey,
        (Vec<bitcoin::TapLeafHash>, KeySource),
    >,
) -> Vec<(Vec<u8>, &'a KeySource)> {
    bip32
        .iter()
        .map(|(pk, src)| (pk.serialize().to_vec(), src))
        .chain(
            taproot
                .iter()
                .map(|(pk, (_, src))| (pk.serialize().to_vec(), src)),
        )
        .collect()
}
