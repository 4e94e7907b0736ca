//! PSBT fields that change what a signature commits to, or what may change after signing:
//! sighash types, the PSBT v2 modifiable flags, global xpubs and key origins that claim our
//! fingerprint.

use bitcoin::bip32::KeySource;
use bitcoin::psbt::Psbt;
use bitcoin::sighash::{EcdsaSighashType, TapSighashType};

use super::{key_origins, Checks, InputView};
use crate::btc::psbt_v2::V2Extras;
use crate::i18n::Text;
use crate::keys::accounts::display_path;
use crate::review::Severity;

impl Checks<'_, '_> {
    /// Refuses sighash types other than ALL (taproot DEFAULT), and SIGHASH_SINGLE without a
    /// matching output.
    pub(super) fn check_sighash(&mut self, inputs: &[InputView], output_count: usize) {
        for input in inputs {
            let s = &*input.sighash;
            if s == "all" || s == "default" || s == "sighash_all" || s == "sighash_default" {
                continue;
            }
            if s.contains("single") && input.index >= output_count {
                self.warn(
                    "btc.sighash.single_bug",
                    Severity::Deny,
                    Text::new("warning-btc-sighash-single-bug").arg("index", input.index),
                );
            } else {
                self.warn(
                    "btc.sighash.nondefault",
                    Severity::Deny,
                    Text::new("warning-btc-sighash-nondefault")
                        .arg("index", input.index)
                        .arg("sighash", &input.sighash),
                );
            }
        }
    }

    /// Says what `PSBT_GLOBAL_TX_MODIFIABLE` allows; high unless every signature (asked for or
    /// already present) commits to all inputs and outputs, so that any change after signing
    /// voids them.
    pub(super) fn check_modifiable(&mut self, psbt: &Psbt, extras: Option<&V2Extras>) {
        let Some(flags) = extras.and_then(|e| e.tx_modifiable) else {
            return;
        };
        let mut allows = Vec::new();
        if flags & V2Extras::INPUTS_MODIFIABLE != 0 {
            allows.push(Text::new("warning-btc-psbt-modifiable-inputs"));
        }
        if flags & V2Extras::OUTPUTS_MODIFIABLE != 0 {
            allows.push(Text::new("warning-btc-psbt-modifiable-outputs"));
        }
        if flags & V2Extras::HAS_SIGHASH_SINGLE != 0 {
            allows.push(Text::new("warning-btc-psbt-modifiable-single"));
        }
        let undefined = flags
            & !(V2Extras::INPUTS_MODIFIABLE
                | V2Extras::OUTPUTS_MODIFIABLE
                | V2Extras::HAS_SIGHASH_SINGLE);
        if undefined != 0 {
            allows.push(
                Text::new("warning-btc-psbt-modifiable-undefined")
                    .arg("bits", format!("{undefined:#04x}")),
            );
        }
        let Some(allows) = Text::list(allows) else {
            return;
        };
        let stated = |key| {
            Text::new(key)
                .arg("flags", format!("{flags:#04x}"))
                .text_arg("allows", allows.clone())
        };
        match loose_signature(psbt) {
            None if undefined == 0 => self.warn(
                "btc.psbt.modifiable",
                Severity::Info,
                stated("warning-btc-psbt-modifiable-voided"),
            ),
            None => self.warn(
                "btc.psbt.modifiable",
                Severity::High,
                stated("warning-btc-psbt-modifiable"),
            ),
            Some(loose) => self.warn(
                "btc.psbt.modifiable",
                Severity::High,
                stated("warning-btc-psbt-modifiable-loose").text_arg("loose", loose),
            ),
        }
    }

    /// Global xpubs under our fingerprint must be ours at the path they claim, and encoded for
    /// the network.
    pub(super) fn check_global_xpubs(&mut self, psbt: &Psbt) {
        let expected = bitcoin::NetworkKind::from(self.network);
        if psbt.xpub.keys().any(|x| x.network != expected) {
            self.warn(
                "btc.network.mismatch",
                Severity::Deny,
                Text::new("warning-btc-network-mismatch-xpub").arg("network", self.network),
            );
        }
        for (xpub, (fingerprint, path)) in &psbt.xpub {
            if !self.policies.knows(*fingerprint) {
                continue;
            }
            let Some(ours) = self.policies.xpub(*fingerprint, path) else {
                continue;
            };
            if ours.public_key != xpub.public_key || ours.chain_code != xpub.chain_code {
                self.warn(
                    "btc.xpub.not_ours",
                    Severity::High,
                    Text::new("warning-btc-xpub-not-ours")
                        .arg("xpub", xpub)
                        .arg(
                            "origin",
                            format!(
                                "[{fingerprint}{}]",
                                display_path(path).trim_start_matches('m')
                            ),
                        ),
                );
            }
        }
    }

    /// Every key origin under our fingerprint, in every input and output, must derive the key
    /// it is listed for.
    pub(super) fn check_key_origins(&mut self, psbt: &Psbt) {
        let maps = psbt
            .inputs
            .iter()
            .map(|i| key_origins(&i.bip32_derivation, &i.tap_key_origins))
            .enumerate()
            .map(|(n, o)| ("input", n, o))
            .chain(
                psbt.outputs
                    .iter()
                    .map(|o| key_origins(&o.bip32_derivation, &o.tap_key_origins))
                    .enumerate()
                    .map(|(n, o)| ("output", n, o)),
            );
        for (what, index, origins) in maps {
            if let Some((_, source)) = origins
                .iter()
                .find(|(key, source)| self.forged(key, source))
            {
                self.warn(
                    "btc.key_origin.not_ours",
                    Severity::High,
                    Text::new("warning-btc-key-origin-not-ours")
                        .arg("what", what)
                        .arg("index", index)
                        .arg("path", display_path(&source.1)),
                );
            }
        }
    }

    /// Whether `source` claims our fingerprint, we can derive its path, and `key` is not ours.
    fn forged(&self, key: &[u8], source: &KeySource) -> bool {
        self.policies.knows(source.0)
            && self.policies.public_key(source.0, &source.1).is_some()
            && !self.policies.is_our_key(source, key)
    }
}

/// The first signature (asked for by an input's sighash type, or already in the PSBT) that
/// does not commit to every input and output, described.
fn loose_signature(psbt: &Psbt) -> Option<Text> {
    let ecdsa_all = |t: EcdsaSighashType| t == EcdsaSighashType::All;
    let tap_all = |t: TapSighashType| matches!(t, TapSighashType::All | TapSighashType::Default);
    psbt.inputs.iter().enumerate().find_map(|(n, input)| {
        let requested = input.sighash_type.filter(|t| {
            !(t.ecdsa_hash_ty().is_ok_and(ecdsa_all) || t.taproot_hash_ty().is_ok_and(tap_all))
        });
        let present = input
            .partial_sigs
            .values()
            .any(|s| !ecdsa_all(s.sighash_type))
            || input.tap_key_sig.is_some_and(|s| !tap_all(s.sighash_type))
            || input
                .tap_script_sigs
                .values()
                .any(|s| !tap_all(s.sighash_type));
        match (requested, present) {
            (Some(t), _) => Some(
                Text::new("warning-btc-psbt-modifiable-requested")
                    .arg("index", n)
                    .arg("sighash", t),
            ),
            (None, true) => Some(Text::new("warning-btc-psbt-modifiable-present").arg("index", n)),
            (None, false) => None,
        }
    })
}
