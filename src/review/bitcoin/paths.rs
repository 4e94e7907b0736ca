//! Derivation paths of our keys: the coin type must match the network, and purposes,
//! accounts and indexes far from what wallets scan are flagged.

use bitcoin::bip32::{ChildNumber, DerivationPath};
use bitcoin::Network;

use super::Checks;
use crate::i18n::Text;
use crate::keys::accounts::display_path;
use crate::review::Severity;

impl Checks<'_, '_> {
    /// Flags wrong coin types (network mismatch) and unusual purposes, accounts and indexes.
    pub(super) fn check_path(
        &mut self,
        path: &DerivationPath,
        index: usize,
        what: &str,
        change: bool,
    ) {
        // Written out only for a warning: most paths get none.
        let shown = || display_path(path);
        let steps: &[ChildNumber] = path.as_ref();
        if let [ChildNumber::Hardened { index: purpose }, ChildNumber::Hardened { index: coin }, ChildNumber::Hardened { index: account }, ..] =
            *steps
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
                    Text::new("warning-btc-network-mismatch")
                        .arg("what", what)
                        .arg("index", index)
                        .arg("coin", coin)
                        .arg("path", shown())
                        .arg("network", self.network),
                );
            }
            if ![44, 49, 84, 86, 48].contains(&purpose) || account > 100 {
                self.warn(
                    "btc.path.unusual",
                    Severity::Warning,
                    Text::new("warning-btc-path-unusual")
                        .arg("what", what)
                        .arg("index", index)
                        .arg("path", shown()),
                );
            }
        }
        if let Some(ChildNumber::Normal { index: last }) = steps.last() {
            let limit = if change { 1_000 } else { 100_000 };
            if *last > limit {
                self.warn(
                    "btc.path.unusual",
                    Severity::Warning,
                    Text::new("warning-btc-path-unusual-index")
                        .arg("what", what)
                        .arg("index", index)
                        .arg("last", last)
                        .arg("path", shown()),
                );
            }
        }
    }
}
