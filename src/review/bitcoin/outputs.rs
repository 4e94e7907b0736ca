//! Outputs: every script is ours (proven by derivation), a standard external template with an
//! address, or flagged with the reason: burned (no one can spend it), anyone can spend it, or
//! no standard meaning. Coins paid to our own keys outside the spending wallet are named for
//! where they go, with why a normal wallet will not show them.

use std::collections::HashMap;

use bitcoin::bip32::ChildNumber;
use bitcoin::hex::DisplayHex;
use bitcoin::{Address, TxOut};

use super::scripts::{self, ScriptClass};
use super::{key_origins, Checks, OutputKind, OutputView, OwnerView};
use crate::btc::ownership::{Owner, Ownership, Stray};
use crate::i18n::{Phrase, Text};
use crate::keys::accounts::display_path;
use crate::review::Severity;

/// How far past the highest address index this spend's inputs use (in the same wallet) an
/// output of ours may be before a wallet restored from the seed would not find it. Bitcoin
/// Core looks 1,000 addresses ahead; most wallets only 20.
pub const GAP_LIMIT: u32 = 1_000;

/// Standard accounts above this one are not found by BIP44 account discovery in practice
/// (it stops at the first account without transactions).
const MAX_DISCOVERED_ACCOUNT: u32 = 100;

/// What the inputs tell about the spending wallets: their names and the highest address
/// index each uses.
#[derive(Default)]
pub(super) struct Spending {
    /// Wallet name → highest index among this spend's inputs.
    pub highest: HashMap<String, u32>,
}

impl Spending {
    /// Takes in the proven owner of one input (owners are not kept: a review of thousands of
    /// inputs would hold each one's policy).
    pub fn add(&mut self, owner: &Owner) {
        match self.highest.get_mut(owner.wallet.as_str()) {
            Some(highest) => *highest = (*highest).max(owner.index),
            None => {
                self.highest.insert(owner.wallet.clone(), owner.index);
            }
        }
    }

    fn names(&self) -> String {
        let mut names: Vec<&str> = self.highest.keys().map(String::as_str).collect();
        names.sort_unstable();
        names.join(", ")
    }
}

impl Checks<'_, '_> {
    /// Reviews one output.
    pub(super) fn output(
        &mut self,
        index: usize,
        txout: &TxOut,
        output: &bitcoin::psbt::Output,
        spending: &Spending,
    ) -> OutputView {
        let script = &txout.script_pubkey;
        let amount = txout.value.to_sat();
        let hex = script.to_hex_string();
        let class = scripts::classify(script);
        let (kind, owner) = match &class {
            ScriptClass::Unspendable { reason, .. } => {
                if script.is_op_return() {
                    self.show_data(index, script.as_bytes());
                }
                if amount > 0 || !script.is_op_return() {
                    self.warn(
                        "btc.output.burned",
                        Severity::High,
                        Text::new("warning-btc-output-burned")
                            .arg("index", index)
                            .arg("amount", amount)
                            .text_arg("reason", reason.clone())
                            .arg("script", &hex),
                    );
                }
                let kind = if script.is_op_return() {
                    OutputKind::OpReturn
                } else {
                    OutputKind::Unspendable
                };
                (kind, None)
            }
            ScriptClass::AnyoneCanSpend { reason, .. } => {
                let severity = if amount > 0 {
                    Severity::High
                } else {
                    Severity::Warning
                };
                self.warn(
                    "btc.output.anyone_can_spend",
                    severity,
                    Text::new("warning-btc-output-anyone-can-spend")
                        .arg("index", index)
                        .arg("amount", amount)
                        .text_arg("reason", reason.clone())
                        .arg("script", &hex),
                );
                (OutputKind::External, None)
            }
            ScriptClass::Standard(_) | ScriptClass::NonStandard { .. } => {
                let (kind, owner) = self.ownership(index, amount, output, script, spending);
                let burned_behind = match (&class, kind) {
                    (ScriptClass::NonStandard { reason, .. }, OutputKind::External) => {
                        self.warn(
                            "btc.output.nonstandard",
                            Severity::High,
                            Text::new("warning-btc-output-nonstandard")
                                .arg("index", index)
                                .arg("amount", amount)
                                .text_arg("reason", reason.clone())
                                .arg("script", &hex),
                        );
                        false
                    }
                    (_, OutputKind::External) => self.behind_hash(index, amount, output, script),
                    _ => false,
                };
                if burned_behind {
                    (OutputKind::Unspendable, None)
                } else {
                    (kind, owner)
                }
            }
        };
        self.view(index, txout, class, kind, owner)
    }

    /// The output's view, after the dust check.
    fn view(
        &mut self,
        index: usize,
        txout: &TxOut,
        class: ScriptClass,
        kind: OutputKind,
        owner: Option<OwnerView>,
    ) -> OutputView {
        let script = &txout.script_pubkey;
        let amount = txout.value.to_sat();
        let burned = matches!(kind, OutputKind::OpReturn | OutputKind::Unspendable);
        if !burned && txout.value < script.minimal_non_dust() {
            self.warn(
                "btc.output.dust",
                Severity::Warning,
                Text::new("warning-btc-output-dust")
                    .arg("index", index)
                    .arg("amount", amount)
                    .arg("limit", script.minimal_non_dust().to_sat()),
            );
        }
        OutputView {
            index,
            address: Address::from_script(script, self.network)
                .ok()
                .map(|a| a.to_string()),
            script: script.to_hex_string(),
            script_type: class.kind(),
            reason: class.reason().cloned().map(Phrase::from),
            amount,
            kind,
            owner,
            label: None,
            flags: Vec::new(),
        }
    }

    /// Checks the script the PSBT reveals behind an external P2SH or P2WSH output; true when
    /// it burns the coins.
    fn behind_hash(
        &mut self,
        index: usize,
        amount: u64,
        output: &bitcoin::psbt::Output,
        script: &bitcoin::Script,
    ) -> bool {
        let Some(inner) = scripts::revealed(
            script,
            output.redeem_script.as_deref(),
            output.witness_script.as_deref(),
        ) else {
            return false;
        };
        let revealed = |key, reason: Text| {
            Text::new(key)
                .arg("index", index)
                .arg("amount", amount)
                .arg("script", inner.to_hex_string())
                .text_arg("reason", reason)
        };
        match scripts::classify(inner) {
            ScriptClass::AnyoneCanSpend { reason, .. } => {
                self.warn(
                    "btc.output.anyone_can_spend",
                    Severity::High,
                    revealed("warning-btc-output-anyone-can-spend-revealed", reason),
                );
                false
            }
            ScriptClass::Unspendable { reason, .. } => {
                self.warn(
                    "btc.output.burned",
                    Severity::High,
                    revealed("warning-btc-output-burned-revealed", reason),
                );
                true
            }
            _ => false,
        }
    }

    /// Shows an OP_RETURN output's data (hex, and text when printable).
    fn show_data(&mut self, index: usize, script: &[u8]) {
        let data = script.get(2..).unwrap_or_default();
        let text = std::str::from_utf8(data)
            .ok()
            .filter(|s| s.chars().all(|c| !c.is_control()));
        let key = match text {
            Some(_) => "warning-btc-output-op-return-text",
            None => "warning-btc-output-op-return",
        };
        self.warn(
            "btc.output.op_return",
            Severity::Info,
            Text::new(key)
                .arg("index", index)
                .arg("data", data.to_lower_hex_string())
                .arg("text", text.map(|t| format!("{t:?}")).unwrap_or_default()),
        );
    }

    /// Whether a script with a spending condition is ours: change, ours but not change, or
    /// someone else's.
    fn ownership(
        &mut self,
        index: usize,
        amount: u64,
        output: &bitcoin::psbt::Output,
        script: &bitcoin::Script,
        spending: &Spending,
    ) -> (OutputKind, Option<OwnerView>) {
        let origins = key_origins(&output.bip32_derivation, &output.tap_key_origins);
        match self
            .policies
            .classify(script, origins.iter().map(|(k, s)| (k.as_slice(), *s)))
        {
            Ownership::Ours(owner) => {
                let in_spending = spending.highest.contains_key(owner.wallet.as_str());
                let change = owner.branch == 1 && in_spending;
                self.check_path(&owner.path, index, "output", change);
                self.ours(index, amount, &owner, in_spending, spending);
                let kind = if change {
                    OutputKind::Change
                } else {
                    OutputKind::OursNotChange
                };
                (kind, Some(self.owner_view(&owner)))
            }
            Ownership::Stray(stray) => {
                self.check_path(&stray.path, index, "output", false);
                self.stray(index, amount, &stray);
                let view = OwnerView {
                    wallet: format!("none ({} key)", stray.script_type),
                    fingerprint: stray.fingerprint,
                    path: display_path(&stray.path),
                };
                (OutputKind::OursNotChange, Some(view))
            }
            Ownership::Claimed(path) => {
                self.warn(
                    "btc.change.unverified",
                    Severity::High,
                    Text::new("warning-btc-change-unverified")
                        .arg("index", index)
                        .arg("path", display_path(&path)),
                );
                (OutputKind::External, None)
            }
            Ownership::Foreign => (OutputKind::External, None),
        }
    }

    /// Our output under a known policy: said where it goes when that is not this wallet's
    /// change, high when a restored wallet would not find it.
    fn ours(
        &mut self,
        index: usize,
        amount: u64,
        owner: &Owner,
        in_spending: bool,
        spending: &Spending,
    ) {
        let path = display_path(&owner.path);
        let wallet = &owner.wallet;
        let highest = spending.highest.get(wallet.as_str()).copied().unwrap_or(0);
        if owner.index > highest.saturating_add(GAP_LIMIT) {
            self.warn(
                "btc.output.ours_hidden",
                Severity::High,
                Text::new("warning-btc-output-ours-hidden-gap")
                    .arg("index", index)
                    .arg("amount", amount)
                    .arg("wallet", wallet)
                    .arg("address_index", owner.index)
                    .arg("path", &path)
                    .arg("gap", GAP_LIMIT)
                    .arg("highest", highest),
            );
        }
        let account = match owner.path.as_ref() {
            [ChildNumber::Hardened { index: purpose }, _, ChildNumber::Hardened { index: account }, ..]
                if !in_spending && [44, 49, 84, 86].contains(purpose) =>
            {
                Some(*account)
            }
            _ => None,
        };
        if let Some(account) = account.filter(|a| *a > MAX_DISCOVERED_ACCOUNT) {
            self.warn(
                "btc.output.ours_hidden",
                Severity::High,
                Text::new("warning-btc-output-ours-hidden-account")
                    .arg("index", index)
                    .arg("amount", amount)
                    .arg("account", account)
                    .arg("path", &path),
            );
        }
        match (in_spending, owner.branch) {
            (true, 1) => {}
            (true, _) => self.warn(
                "btc.output.ours_not_change",
                Severity::Info,
                Text::new("warning-btc-output-ours-not-change")
                    .arg("index", index)
                    .arg("wallet", wallet)
                    .arg("path", &path),
            ),
            (false, b) => {
                let (key, severity) = if b == 1 {
                    (
                        "warning-btc-output-ours-other-wallet-change",
                        Severity::High,
                    )
                } else {
                    ("warning-btc-output-ours-other-wallet", Severity::Warning)
                };
                let from = if spending.highest.is_empty() {
                    "none"
                } else {
                    "some"
                };
                self.warn(
                    "btc.output.ours_other_wallet",
                    severity,
                    Text::new(key)
                        .arg("index", index)
                        .arg("amount", amount)
                        .arg("path", &path)
                        .arg("wallet", wallet)
                        .arg("from", from)
                        .arg("spending", spending.names()),
                );
            }
        }
    }

    /// Our key in a script no policy produces.
    fn stray(&mut self, index: usize, amount: u64, stray: &Stray) {
        let path = display_path(&stray.path);
        let why = if stray
            .path
            .into_iter()
            .last()
            .is_some_and(|c| c.is_hardened())
        {
            "hardened"
        } else {
            "script"
        };
        self.warn(
            "btc.output.ours_hidden",
            Severity::High,
            Text::new("warning-btc-output-ours-hidden-stray")
                .arg("index", index)
                .arg("amount", amount)
                .arg("path", &path)
                .arg("script_type", stray.script_type)
                .arg("why", why),
        );
    }
}
