//! Result of `coldsign multisig create`.

use serde::Serialize;
use serde_json::Value;

use super::Report;
use crate::btc::multisig::MultisigSetup;
use crate::i18n::t;

/// A new M-of-N wallet in every format cosigners and coordinators use.
#[derive(Serialize)]
pub struct MultisigCreated {
    /// The wallet's name.
    pub name: String,
    /// Its descriptor.
    pub descriptor: String,
    /// The BIP388 wallet policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bip388: Option<Value>,
    /// The Coldcard multisig file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coldcard: Option<String>,
    /// The Caravan wallet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub caravan: Option<Value>,
}

impl From<&MultisigSetup> for MultisigCreated {
    fn from(setup: &MultisigSetup) -> Self {
        MultisigCreated {
            name: setup.name.clone(),
            descriptor: setup.descriptor().to_string(),
            bip388: setup.bip388(),
            coldcard: setup.coldcard(),
            caravan: setup.caravan(),
        }
    }
}

impl Report for MultisigCreated {
    fn human(&self) -> String {
        let mut s = format!(
            "{}\n  {}\n",
            t("report-multisig-descriptor"),
            self.descriptor
        );
        if let Some(b) = &self.bip388 {
            s.push_str(&format!("\n{}\n  {b}\n", t("report-multisig-bip388")));
        }
        if let Some(c) = &self.coldcard {
            s.push_str(&format!("\n{}\n{c}", t("report-multisig-coldcard")));
        }
        if let Some(c) = &self.caravan {
            s.push_str(&format!("\n{}\n  {c}\n", t("report-multisig-caravan")));
        }
        s
    }
}
