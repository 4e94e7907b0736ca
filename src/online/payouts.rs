//! Recipients of a payment: `--to ADDR:AMOUNT` arguments and payout CSV files
//! (`address,amount[,label]`), each checked for network, checksum, duplicates and dust, with
//! the row number in every error.

use std::collections::HashMap;
use std::str::FromStr;

use bitcoin::address::NetworkUnchecked;
use bitcoin::{Address, Amount, Denomination, Network, ScriptBuf};

use crate::{Error, Result};

/// One payment.
#[derive(Debug, Clone)]
pub struct Payout {
    /// The destination address as written.
    pub address: String,
    /// Its output script.
    pub script: ScriptBuf,
    /// The amount; `None` only for `--send-max` (everything left after the fee).
    pub amount: Option<Amount>,
    /// An optional label from the CSV.
    pub label: Option<String>,
}

/// Parses an amount: BTC with up to eight decimals (`0.015`), or satoshis with a `sat`
/// suffix (`1500000sat`).
pub fn parse_amount(text: &str) -> std::result::Result<Amount, String> {
    let t = text.trim();
    let parsed = match t.strip_suffix("sat").or_else(|| t.strip_suffix("sats")) {
        Some(sats) => Amount::from_str_in(sats.trim(), Denomination::Satoshi),
        None => Amount::from_str_in(
            t.strip_suffix("btc").unwrap_or(t).trim(),
            Denomination::Bitcoin,
        ),
    };
    parsed.map_err(|e| format!("invalid amount {t:?}: {e}"))
}

/// Checks one destination; `place` prefixes every error (e.g. `row 4` or `--to`).
fn payout(
    place: &str,
    address: &str,
    amount: Option<&str>,
    label: Option<String>,
    network: Network,
) -> Result<Payout> {
    let address = address.trim();
    let unchecked = Address::<NetworkUnchecked>::from_str(address)
        .map_err(|e| Error::bad_input(format!("{place}: invalid address {address:?}: {e}")))?;
    let checked = unchecked.require_network(network).map_err(|_| {
        Error::usage(
            format!("{place}: address {address} is not a {network} address"),
            "the wallet's network decides; check the address with its owner",
        )
    })?;
    let script = checked.script_pubkey();
    let amount = amount
        .map(|a| parse_amount(a).map_err(|e| Error::bad_input(format!("{place}: {e}"))))
        .transpose()?;
    if let Some(a) = amount {
        let dust = script.minimal_non_dust();
        if a < dust {
            return Err(Error::bad_input(format!(
                "{place}: {} sat to {address} is below the dust limit of {} sat",
                a.to_sat(),
                dust.to_sat()
            )));
        }
    }
    Ok(Payout {
        address: address.to_string(),
        script,
        amount,
        label,
    })
}

/// Parses `ADDR:AMOUNT` (or a bare `ADDR` when `amount_optional`, for `--send-max`).
pub fn parse_to(arg: &str, network: Network, amount_optional: bool) -> Result<Payout> {
    match arg.rsplit_once(':') {
        Some((address, amount)) => payout("--to", address, Some(amount), None, network),
        None if amount_optional => payout("--to", arg, None, None, network),
        None => Err(Error::usage(
            format!("--to {arg:?} has no amount"),
            "write ADDRESS:AMOUNT, e.g. bc1q…:0.015 (BTC) or bc1q…:150000sat",
        )),
    }
}

/// Parses a payout CSV: `address,amount[,label]` per row, an optional header row, blank lines
/// and `#` comments ignored. Row numbers in errors are the file's line numbers.
pub fn parse_csv(text: &str, network: Network) -> Result<Vec<Payout>> {
    let mut out = Vec::new();
    let mut seen: HashMap<ScriptBuf, usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let row = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if out.is_empty() && seen.is_empty() && fields[0].eq_ignore_ascii_case("address") {
            continue;
        }
        if !(2..=3).contains(&fields.len()) {
            return Err(Error::usage(
                format!(
                    "row {row}: expected address,amount[,label], found {} fields",
                    fields.len()
                ),
                "one payout per row; labels must not contain commas",
            ));
        }
        let label = fields
            .get(2)
            .filter(|l| !l.is_empty())
            .map(|l| l.to_string());
        let place = format!("row {row}");
        let p = payout(&place, fields[0], Some(fields[1]), label, network)?;
        if let Some(first) = seen.insert(p.script.clone(), row) {
            return Err(Error::usage(
                format!("row {row}: {} already appears on row {first}", p.address),
                "merge the two payouts into one row",
            ));
        }
        out.push(p);
    }
    if out.is_empty() {
        return Err(Error::bad_input("the payout file lists no payment"));
    }
    Ok(out)
}

/// Puts each payout's CSV label on the review's output that pays its script (an address-book
/// label already there stays).
pub fn label_outputs(review: &mut crate::review::bitcoin::BtcReview, payouts: &[Payout]) {
    for output in review.outputs.iter_mut().filter(|o| o.label.is_none()) {
        output.label = payouts
            .iter()
            .find(|p| p.label.is_some() && p.script.to_hex_string() == output.script)
            .and_then(|p| p.label.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";

    #[test]
    fn amounts_in_btc_or_sat() {
        assert_eq!(parse_amount("0.015").unwrap().to_sat(), 1_500_000);
        assert_eq!(parse_amount("1500sat").unwrap().to_sat(), 1_500);
        assert!(parse_amount("0.000000001").is_err());
        assert!(parse_amount("-1").is_err());
    }

    #[test]
    fn rows_are_numbered_in_errors() {
        let e = parse_csv(
            &format!("address,amount\n{A},0.1\n\n{A},0.2\n"),
            Network::Regtest,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            format!("row 4: {A} already appears on row 2")
        );
        let e = parse_csv(&format!("{A},100sat\n"), Network::Regtest).unwrap_err();
        assert!(e.to_string().starts_with("row 1: 100 sat"), "{e}");
        let e = parse_csv(&format!("{A},0.1\n{A}x,0.1\n"), Network::Regtest).unwrap_err();
        assert!(e.to_string().starts_with("row 2: invalid address"), "{e}");
        let e = parse_csv(&format!("{A},0.1\n"), Network::Bitcoin).unwrap_err();
        assert!(e.to_string().contains("not a bitcoin address"), "{e}");
    }
}
