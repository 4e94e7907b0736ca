//! Review of a Bitcoin PSBT: every input's amount verified where it can be, every output
//! classified (external, verified change, ours-not-change), totals and fee rate, and a warning
//! for each check of DESIGN.md §4.

use std::collections::HashSet;
use std::fmt::Write as _;

use bitcoin::bip32::{ChildNumber, DerivationPath, KeySource};
use bitcoin::hex::DisplayHex;
use bitcoin::psbt::{Input, Psbt};
use bitcoin::{Address, Network, OutPoint, Script, Sequence, TxOut, Weight};
use serde::Serialize;

use super::{intent_digest, Severity, Warning};
use crate::btc::ownership::{Owner, Ownership, Policies};
use crate::btc::psbt_v2::PsbtVersion;

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

/// Who holds an input's or output's key, as proven by derivation.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerView {
    /// Policy name (`bip84/0` for standard accounts, the registered wallet name otherwise).
    pub wallet: String,
    /// Master fingerprint.
    pub fingerprint: String,
    /// Our key's derivation path.
    pub path: String,
}

/// One input, as reviewed.
#[derive(Debug, Clone, Serialize)]
pub struct InputView {
    /// Position in the transaction.
    pub index: usize,
    /// `txid:vout`.
    pub outpoint: String,
    /// Amount in satoshis, when known.
    pub amount: Option<u64>,
    /// Whether the amount was checked against the full previous transaction (or is committed
    /// to by a taproot signature).
    pub amount_verified: bool,
    /// Script type of the spent output.
    pub script_type: &'static str,
    /// Our key, when the spent script derives from it under a known policy.
    pub owner: Option<OwnerView>,
    /// Sighash type that will be used.
    pub sighash: String,
    /// nSequence.
    pub sequence: u32,
    /// Whether this signer will sign it.
    pub signable: bool,
    /// Why not, when not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_signed_because: Option<String>,
    /// Already finalized.
    pub finalized: bool,
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
    /// An OP_RETURN data carrier.
    OpReturn,
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
    /// Amount in satoshis.
    pub amount: u64,
    /// Classification.
    pub kind: OutputKind,
    /// Our key, for change and ours-not-change.
    pub owner: Option<OwnerView>,
    /// The address-book label of an external destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// Sums and sizes.
#[derive(Debug, Clone, Serialize)]
pub struct Totals {
    /// Sum of input amounts, when all are known.
    pub input: Option<u64>,
    /// Sum of outputs.
    pub output: u64,
    /// Sum of external outputs (what leaves the signer's wallets).
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
    /// Proven ownership per input, for the signer.
    #[serde(skip)]
    pub owners: Vec<Option<Owner>>,
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
pub fn canonical_intent(psbt: &Psbt) -> String {
    let tx = &psbt.unsigned_tx;
    let mut text = format!(
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
    text
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

/// Reviews `psbt` with our `policies` on `network`.
pub fn review(
    psbt: &Psbt,
    version: PsbtVersion,
    network: Network,
    policies: &Policies,
    limits: &FeeLimits,
) -> BtcReview {
    let mut ctx = Checks {
        warnings: Vec::new(),
        network,
        policies,
    };
    let tx = &psbt.unsigned_tx;
    let mut inputs = Vec::with_capacity(tx.input.len());
    let mut owners = Vec::with_capacity(tx.input.len());
    let mut seen = HashSet::with_capacity(tx.input.len());
    let mut satisfaction = Weight::ZERO;
    let mut exact = true;
    let mut any_segwit = false;
    for (index, (txin, input)) in tx.input.iter().zip(&psbt.inputs).enumerate() {
        if !seen.insert(txin.previous_output) {
            ctx.warn(
                "btc.input.duplicate",
                Severity::Deny,
                format!(
                    "input {index} spends {} a second time",
                    txin.previous_output
                ),
            );
        }
        let (view, owner, weight) = ctx.input(index, txin.previous_output, txin.sequence, input);
        any_segwit |= view.script_type != "p2pkh" && view.script_type != "p2sh";
        match weight {
            Some(w) => satisfaction += w,
            None => exact = false,
        }
        inputs.push(view);
        owners.push(owner);
    }
    let input_policies: HashSet<&str> =
        owners.iter().flatten().map(|o| o.wallet.as_str()).collect();
    let outputs: Vec<OutputView> = tx
        .output
        .iter()
        .zip(&psbt.outputs)
        .enumerate()
        .map(|(index, (txout, output))| ctx.output(index, txout, output, &input_policies))
        .collect();
    ctx.check_sighash(&inputs, outputs.len());
    ctx.check_global_xpubs(psbt);
    let weight = tx.weight()
        + satisfaction
        + if any_segwit {
            Weight::from_wu(2)
        } else {
            Weight::ZERO
        };
    let vsize = weight.to_vbytes_ceil();
    let input_total = inputs.iter().map(|i| i.amount).sum::<Option<u64>>();
    let output_total: u64 = outputs.iter().map(|o| o.amount).sum();
    let sum = |kind| {
        outputs
            .iter()
            .filter(|o| o.kind == kind)
            .map(|o| o.amount)
            .sum::<u64>()
    };
    let (external, change) = (
        sum(OutputKind::External) + sum(OutputKind::OursNotChange),
        sum(OutputKind::Change),
    );
    let fee = input_total.and_then(|i| i.checked_sub(output_total));
    match (input_total, fee) {
        (None, _) => ctx.warn(
            "btc.fee.unknown",
            Severity::Deny,
            "the fee cannot be computed: an input's amount is unknown",
        ),
        (Some(i), None) => ctx.warn(
            "btc.fee.negative",
            Severity::Deny,
            format!(
                "outputs ({output_total} sat) exceed inputs ({i} sat): the transaction is invalid"
            ),
        ),
        (Some(i), Some(f)) => ctx.check_fee(f, i, external, vsize, limits),
    }
    if tx.lock_time.to_consensus_u32() != 0 {
        ctx.warn(
            "btc.locktime",
            Severity::Info,
            format!(
                "not valid before {}",
                describe_locktime(tx.lock_time.to_consensus_u32())
            ),
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
        intent_digest: intent_digest(&canonical_intent(psbt)),
        inputs,
        outputs,
        totals: Totals {
            input: input_total,
            output: output_total,
            external,
            change,
            fee,
            vsize,
            vsize_exact: exact,
            fee_rate: fee.map(|f| f as f64 / vsize as f64),
        },
        locktime: tx.lock_time.to_consensus_u32(),
        rbf: tx.input.iter().any(|i| i.sequence.is_rbf()),
        warnings,
        owners,
    }
}

/// A block height or a time, for people.
pub fn describe_locktime(value: u32) -> String {
    if value < 500_000_000 {
        format!("block {value}")
    } else {
        format!(
            "{} (Unix time {value})",
            humantime::format_rfc3339(
                std::time::UNIX_EPOCH + std::time::Duration::from_secs(value.into())
            )
        )
    }
}

struct Checks<'a, 'p> {
    warnings: Vec<Warning>,
    network: Network,
    policies: &'a Policies<'p>,
}

impl Checks<'_, '_> {
    fn warn(&mut self, code: &'static str, severity: Severity, message: impl Into<String>) {
        self.warnings.push(Warning::new(code, severity, message));
    }

    fn owner_view(&self, owner: &Owner) -> OwnerView {
        OwnerView {
            wallet: owner.wallet.clone(),
            fingerprint: owner.fingerprint.to_string(),
            path: crate::keys::accounts::display_path(&owner.path),
        }
    }

    /// Verifies the spent output from the previous transaction (CVE-2020-14199).
    fn verify_utxo(
        &mut self,
        index: usize,
        outpoint: OutPoint,
        input: &Input,
        taproot: bool,
    ) -> bool {
        let Some(prev) = &input.non_witness_utxo else {
            if input.witness_utxo.is_some() && !taproot {
                self.warn("btc.utxo.unverified", Severity::High, format!(
                    "input {index}: amount {} sat is only claimed (no previous transaction to check it against)",
                    input.witness_utxo.as_ref().map(|o| o.value.to_sat()).unwrap_or(0)
                ));
            }
            return taproot && input.witness_utxo.is_some();
        };
        if prev.compute_txid() != outpoint.txid {
            self.warn(
                "btc.utxo.txid_mismatch",
                Severity::Deny,
                format!(
                    "input {index}: the supplied previous transaction is not {}",
                    outpoint.txid
                ),
            );
            return false;
        }
        let Some(out) = prev.output.get(outpoint.vout as usize) else {
            self.warn(
                "btc.utxo.txid_mismatch",
                Severity::Deny,
                format!(
                    "input {index}: previous transaction has no output {}",
                    outpoint.vout
                ),
            );
            return false;
        };
        if let Some(w) = &input.witness_utxo {
            if w != out {
                self.warn("btc.utxo.amount_mismatch", Severity::Deny, format!(
                    "input {index}: witness_utxo says {} sat but the previous transaction pays {} sat (fee attack)",
                    w.value.to_sat(),
                    out.value.to_sat()
                ));
                return false;
            }
        }
        true
    }

    fn input(
        &mut self,
        index: usize,
        outpoint: OutPoint,
        sequence: Sequence,
        input: &Input,
    ) -> (InputView, Option<Owner>, Option<Weight>) {
        let spent = spent_output(input, &outpoint).cloned();
        let script_type = spent
            .as_ref()
            .map(|o| script_type(&o.script_pubkey, input))
            .unwrap_or("unknown");
        let taproot = script_type == "p2tr";
        let verified = self.verify_utxo(index, outpoint, input, taproot);
        let finalized = input.final_script_sig.is_some() || input.final_script_witness.is_some();
        let mut not_signed = None;
        let owner = match &spent {
            None => {
                self.warn("btc.input.no_utxo", Severity::Deny, format!("input {index} ({outpoint}) carries neither witness_utxo nor the previous transaction"));
                not_signed = Some("the spent output is unknown".to_string());
                None
            }
            Some(out) => {
                match self.policies.classify(
                    &out.script_pubkey,
                    key_origins(&input.bip32_derivation, &input.tap_key_origins)
                        .iter()
                        .map(|(k, s)| (k.as_slice(), *s)),
                ) {
                    Ownership::Ours(owner) => {
                        self.check_path(&owner.path, index, "input", false);
                        Some(*owner)
                    }
                    Ownership::Claimed(path) => {
                        self.warn("btc.input.unverified_key", Severity::High, format!(
                        "input {index} claims our key at {} but its script does not derive from any policy known here",
                        crate::keys::accounts::display_path(&path)
                    ));
                        not_signed = Some("its script does not derive from our keys under a known policy (register the wallet with 'coldsign wallet import')".into());
                        None
                    }
                    Ownership::Foreign => {
                        self.warn("btc.input.foreign", Severity::Info, format!("input {index} ({outpoint}) is not ours and will not be signed here"));
                        not_signed = Some("not our key".into());
                        None
                    }
                }
            }
        };
        if finalized {
            not_signed = Some("already finalized".into());
        } else if owner.is_some() && script_type == "p2pkh" && input.non_witness_utxo.is_none() {
            not_signed = Some("a legacy input needs the previous transaction".into());
        }
        let weight = if finalized {
            let sig = input
                .final_script_sig
                .as_ref()
                .map(|s| s.len())
                .unwrap_or(0);
            let wit = input
                .final_script_witness
                .as_ref()
                .map(|w| w.size())
                .unwrap_or(0);
            Some(Weight::from_wu((sig as u64 + 1) * 4 + wit as u64))
        } else {
            owner
                .as_ref()
                .and_then(|o| o.descriptor.max_weight_to_satisfy().ok())
                .or_else(|| typical_weight(script_type))
        };
        let sighash = match (input.sighash_type, taproot) {
            (None, true) => "default".to_string(),
            (None, false) => "all".to_string(),
            (Some(t), _) => t.to_string().to_lowercase(),
        };
        let view = InputView {
            index,
            outpoint: outpoint.to_string(),
            amount: spent.as_ref().map(|o| o.value.to_sat()),
            amount_verified: verified,
            script_type,
            owner: owner.as_ref().map(|o| self.owner_view(o)),
            sighash,
            sequence: sequence.0,
            signable: owner.is_some() && not_signed.is_none(),
            not_signed_because: not_signed,
            finalized,
        };
        (view, owner, weight)
    }

    fn output(
        &mut self,
        index: usize,
        txout: &TxOut,
        output: &bitcoin::psbt::Output,
        input_policies: &HashSet<&str>,
    ) -> OutputView {
        let script = &txout.script_pubkey;
        let address = Address::from_script(script, self.network)
            .ok()
            .map(|a| a.to_string());
        let origins = key_origins(&output.bip32_derivation, &output.tap_key_origins);
        let (kind, owner) = if script.is_op_return() {
            let data = script.as_bytes().get(2..).unwrap_or_default();
            let text = std::str::from_utf8(data)
                .ok()
                .filter(|s| s.chars().all(|c| !c.is_control()));
            self.warn(
                "btc.output.op_return",
                Severity::Info,
                format!(
                    "output {index} carries data: {}{}",
                    data.to_lower_hex_string(),
                    text.map(|t| format!(" ({t:?})")).unwrap_or_default()
                ),
            );
            (OutputKind::OpReturn, None)
        } else {
            match self
                .policies
                .classify(script, origins.iter().map(|(k, s)| (k.as_slice(), *s)))
            {
                Ownership::Ours(owner) => {
                    let change =
                        owner.branch == 1 && input_policies.contains(owner.wallet.as_str());
                    self.check_path(&owner.path, index, "output", change);
                    if !change {
                        self.warn("btc.output.ours_not_change", Severity::Info, format!(
                            "output {index} pays our own wallet {} ({}) but is not change of this spend",
                            owner.wallet,
                            crate::keys::accounts::display_path(&owner.path)
                        ));
                    }
                    (
                        if change {
                            OutputKind::Change
                        } else {
                            OutputKind::OursNotChange
                        },
                        Some(owner),
                    )
                }
                Ownership::Claimed(path) => {
                    self.warn("btc.change.unverified", Severity::High, format!(
                        "output {index} claims to be ours ({}) but its script does not derive from our keys under the inputs' policy: it is treated as a payment to someone else",
                        crate::keys::accounts::display_path(&path)
                    ));
                    (OutputKind::External, None)
                }
                Ownership::Foreign => (OutputKind::External, None),
            }
        };
        if kind != OutputKind::OpReturn && txout.value < script.minimal_non_dust() {
            self.warn(
                "btc.output.dust",
                Severity::Warning,
                format!(
                    "output {index} ({} sat) is below the dust limit of {} sat and will not relay",
                    txout.value.to_sat(),
                    script.minimal_non_dust().to_sat()
                ),
            );
        }
        OutputView {
            index,
            address,
            script: script.to_hex_string(),
            amount: txout.value.to_sat(),
            kind,
            owner: owner.as_ref().map(|o| self.owner_view(o)),
            label: None,
        }
    }

    /// Flags wrong coin types (network mismatch) and unusual purposes, accounts and indexes.
    fn check_path(&mut self, path: &DerivationPath, index: usize, what: &str, change: bool) {
        let shown = crate::keys::accounts::display_path(path);
        let steps: Vec<ChildNumber> = path.into_iter().copied().collect();
        if let [ChildNumber::Hardened { index: purpose }, ChildNumber::Hardened { index: coin }, ChildNumber::Hardened { index: account }, ..] =
            steps[..]
        {
            let expected_coin = if self.network == Network::Bitcoin {
                0
            } else {
                1
            };
            if [44, 49, 84, 86, 48].contains(&purpose) && coin != expected_coin {
                self.warn(
                    "btc.network.mismatch",
                    Severity::Deny,
                    format!(
                        "{what} {index} uses coin type {coin}' ({shown}), which is not {}",
                        self.network
                    ),
                );
            }
            if ![44, 49, 84, 86, 48].contains(&purpose) || account > 100 {
                self.warn(
                    "btc.path.unusual",
                    Severity::Warning,
                    format!("{what} {index} uses an unusual derivation path {shown}"),
                );
            }
        }
        if let Some(ChildNumber::Normal { index: last }) = steps.last() {
            let limit = if change { 1_000 } else { 100_000 };
            if *last > limit {
                self.warn(
                    "btc.path.unusual",
                    Severity::Warning,
                    format!(
                    "{what} {index} uses address index {last}, far beyond the gap limit ({shown})"
                ),
                );
            }
        }
    }

    fn check_sighash(&mut self, inputs: &[InputView], output_count: usize) {
        for input in inputs {
            let s = input.sighash.as_str();
            if s == "all" || s == "default" || s == "sighash_all" || s == "sighash_default" {
                continue;
            }
            if s.contains("single") && input.index >= output_count {
                self.warn("btc.sighash.single_bug", Severity::Deny, format!(
                    "input {} asks for SIGHASH_SINGLE but there is no output {}: the signature would sign the constant 1 and let anyone spend it",
                    input.index, input.index
                ));
            } else {
                self.warn("btc.sighash.nondefault", Severity::Deny, format!(
                    "input {} asks for sighash {}, which lets others change parts of the transaction after signing",
                    input.index, input.sighash
                ));
            }
        }
    }

    fn check_global_xpubs(&mut self, psbt: &Psbt) {
        let expected = bitcoin::NetworkKind::from(self.network);
        if psbt.xpub.keys().any(|x| x.network != expected) {
            self.warn(
                "btc.network.mismatch",
                Severity::Deny,
                format!("the PSBT's global xpubs are not for {}", self.network),
            );
        }
    }

    fn check_fee(
        &mut self,
        fee: u64,
        input_total: u64,
        external: u64,
        vsize: u64,
        limits: &FeeLimits,
    ) {
        let base = if external > 0 { external } else { input_total };
        let rate = fee as f64 / vsize.max(1) as f64;
        if fee > limits.max_fee {
            self.warn(
                "fee.high",
                Severity::High,
                format!(
                    "the fee is {fee} sat, above the limit of {} sat",
                    limits.max_fee
                ),
            );
        } else if fee > 10_000 && fee as f64 > base as f64 * limits.max_fraction {
            self.warn(
                "fee.high",
                Severity::High,
                format!(
                    "the fee ({fee} sat) is {:.1}% of the {} ({base} sat)",
                    100.0 * fee as f64 / base as f64,
                    if external > 0 {
                        "amount sent"
                    } else {
                        "amount moved"
                    }
                ),
            );
        } else if rate > limits.max_rate {
            self.warn(
                "fee.high",
                Severity::High,
                format!(
                    "the fee rate is {rate:.1} sat/vB, above {} sat/vB",
                    limits.max_rate
                ),
            );
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

/// Script type of a spent output (with the redeem script for P2SH).
fn script_type(spk: &Script, input: &Input) -> &'static str {
    if spk.is_p2pkh() {
        "p2pkh"
    } else if spk.is_p2wpkh() {
        "p2wpkh"
    } else if spk.is_p2wsh() {
        "p2wsh"
    } else if spk.is_p2tr() {
        "p2tr"
    } else if spk.is_p2sh() {
        match &input.redeem_script {
            Some(r) if r.is_p2wpkh() => "p2sh-p2wpkh",
            Some(r) if r.is_p2wsh() => "p2sh-p2wsh",
            _ => "p2sh",
        }
    } else {
        "unknown"
    }
}

/// Typical satisfaction weight for inputs whose policy we do not know.
fn typical_weight(script_type: &str) -> Option<Weight> {
    Some(Weight::from_wu(match script_type {
        "p2pkh" => 4 * 108,
        "p2sh-p2wpkh" => 4 * 24 + 109,
        "p2wpkh" => 109,
        "p2tr" => 66,
        _ => return None,
    }))
}
