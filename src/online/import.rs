//! What a watch-only wallet is made from: one `<0;1>` descriptor or a receive/change pair,
//! coldsign's own `key export --watch-only` (text or JSON), a multisig wallet file (BIP388,
//! Coldcard, Caravan) or a single `[fingerprint/path]` SLIP-132 extended public key.

use bitcoin::NetworkKind;
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use miniscript::ForEachKey;

use crate::btc::wallets::{normalise_key, parse_descriptor, Wallet};
use crate::keys::accounts::Standard;
use crate::keys::slip132::{self, Slip132Kind};
use crate::{Error, Result};

/// Extended private key prefixes: a watch-only wallet must never be given one.
const PRIVATE_PREFIXES: [&str; 10] = [
    "xprv", "tprv", "yprv", "zprv", "uprv", "vprv", "Yprv", "Zprv", "Uprv", "Vprv",
];

fn refuse_private(text: &str) -> Result<()> {
    if PRIVATE_PREFIXES.iter().any(|p| text.contains(p)) {
        return Err(Error::usage(
            "the input contains an extended private key",
            "the online machine takes public keys only: use 'coldsign key export --watch-only'",
        ));
    }
    Ok(())
}

/// A wallet from `--descriptor` values: one `<0;1>` descriptor, or receive (`/0/*`) and
/// change (`/1/*`) descriptors that differ only in that step.
pub fn from_descriptors(texts: &[String]) -> Result<Descriptor<DescriptorPublicKey>> {
    for t in texts {
        refuse_private(t)?;
    }
    let plain = |t: &str| t.trim().split('#').next().unwrap_or_default().to_string();
    match texts {
        [one] if one.contains("<0;1>") => parse_descriptor(one),
        [one] => Err(Error::usage(
            format!("descriptor {} has no change branch", plain(one)),
            "give a multipath descriptor (…/<0;1>/*) or --descriptor twice (receive, then change)",
        )),
        [receive, change] => {
            let (r, c) = (plain(receive), plain(change));
            if !r.contains("/0/*") || r.replace("/0/*", "/1/*") != c {
                return Err(Error::usage(
                    "the two descriptors are not a receive (/0/*) and change (/1/*) pair",
                    "give the receive descriptor first; they must differ only in that step",
                ));
            }
            parse_descriptor(&r.replace("/0/*", "/<0;1>/*"))
        }
        _ => Err(Error::bad_input(
            "give one multipath descriptor or a receive and change pair",
        )),
    }
}

/// A wallet from an export file; `script` picks the account of a multi-account export and
/// the script type of a plain xpub.
pub fn from_export(text: &str, script: Standard) -> Result<Descriptor<DescriptorPublicKey>> {
    refuse_private(text)?;
    let trimmed = text.trim();
    if trimmed.starts_with('{') {
        let value: serde_json::Value = serde_json::from_str(trimmed)
            .map_err(|e| Error::bad_input(format!("invalid JSON export: {e}")))?;
        if let Some(accounts) = value["bitcoin"].as_array() {
            let wanted =
                serde_json::to_value(script).map_err(|e| Error::Internal(e.to_string()))?;
            let found = accounts
                .iter()
                .find(|a| a["standard"] == wanted)
                .and_then(|a| a["descriptor"].as_str());
            return match found {
                Some(d) => parse_descriptor(d),
                None => Err(Error::usage(
                    format!("the export has no {} account", script.script_name()),
                    "pick another with --script",
                )),
            };
        }
        return Ok(Wallet::parse(Some("import"), trimmed)?.descriptor);
    }
    let lines: Vec<&str> = trimmed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    if lines
        .iter()
        .any(|l| l.to_lowercase().starts_with("policy:"))
    {
        return Ok(Wallet::parse(Some("import"), trimmed)?.descriptor);
    }
    match lines.as_slice() {
        [] => Err(Error::bad_input("the export holds no descriptor or key")),
        [key] if !key.contains('(') => from_key(key, script),
        [one] => from_descriptors(&[one.to_string()]),
        [r, c] if !r.contains("<0;1>") => from_descriptors(&[r.to_string(), c.to_string()]),
        many => {
            let (open, _) = script
                .descriptor_template()
                .ok_or_else(|| Error::bad_input("pick a single-signature script with --script"))?;
            let line = many.iter().find(|l| l.starts_with(open)).ok_or_else(|| {
                Error::usage(
                    format!("the export has no {} descriptor", script.script_name()),
                    "pick another with --script",
                )
            })?;
            parse_descriptor(line)
        }
    }
}

/// `[fingerprint/path]xpub` (SLIP-132 forms say their script type) as a descriptor.
fn from_key(key: &str, script: Standard) -> Result<Descriptor<DescriptorPublicKey>> {
    if !key.starts_with('[') {
        return Err(Error::usage(
            "the extended public key has no origin",
            "write it as [fingerprint/path]xpub… so signers can find their key",
        ));
    }
    let bare = &key[key.rfind(']').map_or(0, |i| i + 1)..];
    let (_, kind) = slip132::decode(bare.trim())?;
    let standard = match kind {
        Slip132Kind::NativeSegwit => Standard::Bip84,
        Slip132Kind::NestedSegwit => Standard::Bip49,
        Slip132Kind::Legacy => script,
        Slip132Kind::NestedSegwitMultisig | Slip132Kind::NativeSegwitMultisig => {
            return Err(Error::usage(
                "a Ypub/Zpub is one cosigner's key, not a wallet",
                "build the multisig descriptor with 'coldsign multisig create'",
            ))
        }
    };
    let (open, close) = standard
        .descriptor_template()
        .ok_or_else(|| Error::bad_input("pick a single-signature script with --script"))?;
    parse_descriptor(&format!("{open}{}/<0;1>/*{close}", normalise_key(key)?))
}

/// Refuses keys of the other network (tpub on mainnet, xpub on a test network).
pub fn check_network(
    descriptor: &Descriptor<DescriptorPublicKey>,
    network: bitcoin::Network,
) -> Result<()> {
    let expected = NetworkKind::from(network);
    let mut wrong = false;
    descriptor.for_each_key(|k| {
        if let DescriptorPublicKey::MultiXPub(x) = k {
            wrong |= x.xkey.network != expected;
        }
        true
    });
    if wrong {
        return Err(Error::usage(
            format!("the descriptor's keys are not for {network}"),
            "pass the wallet's --network (tpub keys are for testnet, signet and regtest)",
        ));
    }
    Ok(())
}
