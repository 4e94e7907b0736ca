//! Inputs: each spent output's amount verified against its previous transaction where it can
//! be (CVE-2020-14199), its key proven ours by derivation or not, its signing plan, its
//! relative lock time and an estimate of its final size.

use std::borrow::Cow;

use bitcoin::psbt::Input;
use bitcoin::{OutPoint, Script, TxIn, Weight};

use super::timelocks::relative_lock;
use super::{key_origins, spent_output, Checks, InputView};
use crate::btc::ownership::{Owner, Ownership};
use crate::i18n::Text;
use crate::keys::accounts::display_path;
use crate::review::Severity;

impl Checks<'_, '_> {
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
                self.warn(
                    "btc.utxo.unverified",
                    Severity::High,
                    Text::new("warning-btc-utxo-unverified")
                        .arg("index", index)
                        .arg(
                            "amount",
                            input
                                .witness_utxo
                                .as_ref()
                                .map(|o| o.value.to_sat())
                                .unwrap_or(0),
                        ),
                );
            }
            return taproot && input.witness_utxo.is_some();
        };
        if prev.compute_txid() != outpoint.txid {
            self.warn(
                "btc.utxo.txid_mismatch",
                Severity::Deny,
                Text::new("warning-btc-utxo-txid-mismatch")
                    .arg("index", index)
                    .arg("txid", outpoint.txid),
            );
            return false;
        }
        let Some(out) = prev.output.get(outpoint.vout as usize) else {
            self.warn(
                "btc.utxo.txid_mismatch",
                Severity::Deny,
                Text::new("warning-btc-utxo-txid-mismatch-no-output")
                    .arg("index", index)
                    .arg("vout", outpoint.vout),
            );
            return false;
        };
        if let Some(w) = &input.witness_utxo {
            if w != out {
                self.warn(
                    "btc.utxo.amount_mismatch",
                    Severity::Deny,
                    Text::new("warning-btc-utxo-amount-mismatch")
                        .arg("index", index)
                        .arg("claimed", w.value.to_sat())
                        .arg("paid", out.value.to_sat()),
                );
                return false;
            }
        }
        true
    }

    /// Reviews one input: its amount, who holds its key, how it will be signed.
    pub(super) fn input(
        &mut self,
        index: usize,
        txin: &TxIn,
        tx_version: i32,
        input: &Input,
    ) -> (InputView, Option<Owner>, Option<Weight>) {
        let (outpoint, sequence) = (txin.previous_output, txin.sequence);
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
                self.warn(
                    "btc.input.no_utxo",
                    Severity::Deny,
                    Text::new("warning-btc-input-no-utxo")
                        .arg("index", index)
                        .arg("outpoint", outpoint),
                );
                not_signed = Some(Text::new("reason-spent-output-unknown"));
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
                        self.warn(
                            "btc.input.unverified_key",
                            Severity::High,
                            Text::new("warning-btc-input-unverified-key")
                                .arg("index", index)
                                .arg("path", display_path(&path)),
                        );
                        not_signed = Some(Text::new("reason-unknown-policy"));
                        None
                    }
                    Ownership::Stray(stray) => {
                        self.warn(
                            "btc.input.unverified_key",
                            Severity::High,
                            Text::new("warning-btc-input-unverified-key-stray")
                                .arg("index", index)
                                .arg("path", display_path(&stray.path))
                                .arg("script_type", stray.script_type),
                        );
                        not_signed = Some(Text::new("reason-unknown-policy"));
                        None
                    }
                    Ownership::Foreign => {
                        self.warn(
                            "btc.input.foreign",
                            Severity::Info,
                            Text::new("warning-btc-input-foreign")
                                .arg("index", index)
                                .arg("outpoint", outpoint),
                        );
                        not_signed = Some(Text::new("reason-not-our-key"));
                        None
                    }
                }
            }
        };
        if finalized {
            not_signed = Some(Text::new("reason-already-finalized"));
        } else if owner.is_some() && script_type == "p2pkh" && input.non_witness_utxo.is_none() {
            not_signed = Some(Text::new("reason-legacy-needs-previous-tx"));
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
            (None, true) => Cow::Borrowed("default"),
            (None, false) => Cow::Borrowed("all"),
            (Some(t), _) => Cow::Owned(t.to_string().to_lowercase()),
        };
        let relative_lock = relative_lock(tx_version, sequence);
        if let Some(lock) = &relative_lock {
            self.warn(
                "btc.sequence.relative",
                Severity::Info,
                Text::new("warning-btc-sequence-relative")
                    .arg("index", index)
                    .text_arg("lock", lock.text().clone()),
            );
        }
        let view = InputView {
            index,
            outpoint,
            amount: spent.as_ref().map(|o| o.value.to_sat()),
            amount_verified: verified,
            script_type,
            owner: owner.as_ref().map(|o| self.owner_view(o)),
            sighash,
            sequence: sequence.0,
            relative_lock: relative_lock.map(Box::new),
            signable: owner.is_some() && not_signed.is_none(),
            not_signed_because: not_signed.map(|reason| Box::new(reason.into())),
            finalized,
            signatures: super::signatures::multisig_signatures(input),
        };
        (view, owner, weight)
    }
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
