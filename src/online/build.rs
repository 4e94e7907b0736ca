//! Unsigned PSBTs from a watch-only wallet: payments (one or a CSV batch), send-max, coin
//! control, consolidation and RBF fee bumps. bdk_wallet selects coins and fills in what a
//! signer needs (BIP32 derivations, previous transactions, witness and redeem scripts,
//! taproot fields); change always goes to the wallet's change branch. Nothing is signed here.

use std::str::FromStr;

use bdk_wallet::error::{BuildFeeBumpError, CreateTxError};
use bdk_wallet::{KeychainKind, TxBuilder, Wallet};
use bitcoin::psbt::Psbt;
use bitcoin::{FeeRate, Network, OutPoint, ScriptBuf, Sequence, Txid};

use super::payouts::{self, Payout};
use crate::{Error, Result};

/// What to pay.
#[derive(Debug, Clone)]
pub enum Spend {
    /// Each payout with its amount.
    Pay(Vec<Payout>),
    /// Everything (or the chosen coins) minus the fee to one destination.
    SendMax(ScriptBuf),
    /// Everything (or the chosen coins) to the wallet's own next change address.
    Consolidate,
}

impl Spend {
    /// The spend a command asks for: consolidation, everything to the one `to` address
    /// (`send_max`), the payouts of a CSV file's text, or the `to` payments (ADDR:AMOUNT,
    /// each address once).
    pub fn from_request(
        consolidate: bool,
        send_max: bool,
        to: &[String],
        csv: Option<&str>,
        network: Network,
    ) -> Result<Self> {
        if consolidate {
            return Ok(Spend::Consolidate);
        }
        if send_max {
            return match to {
                [one] => Ok(Spend::SendMax(
                    payouts::parse_to(one, network, true)?.script,
                )),
                _ => Err(Error::usage(
                    "--send-max needs exactly one --to ADDRESS",
                    "the whole amount goes to that address",
                )),
            };
        }
        if let Some(text) = csv {
            return Ok(Spend::Pay(payouts::parse_csv(text, network)?));
        }
        if to.is_empty() {
            return Err(Error::usage(
                "nothing to pay",
                "pass --to ADDR:AMOUNT, --recipients FILE, --send-max --to ADDR or --consolidate",
            ));
        }
        let list = to
            .iter()
            .map(|t| payouts::parse_to(t, network, false))
            .collect::<Result<Vec<_>>>()?;
        for (i, p) in list.iter().enumerate() {
            if list[..i].iter().any(|q| q.script == p.script) {
                return Err(Error::usage(
                    format!("--to {} is given twice", p.address),
                    "merge the two payments into one",
                ));
            }
        }
        Ok(Spend::Pay(list))
    }
}

/// A fee rate given in sat/vB (decimals allowed), from 1 to 100,000.
pub fn fee_rate_sat_per_vb(rate: f64) -> Result<FeeRate> {
    if (1.0..=100_000.0).contains(&rate) {
        Ok(FeeRate::from_sat_per_kwu((rate * 250.0).ceil() as u64))
    } else {
        Err(Error::usage(
            format!("fee rate {rate} sat/vB is out of range"),
            "give 1 to 100000 sat/vB",
        ))
    }
}

/// The fee rate: `rate` in sat/vB when given, else what `estimate` says confirms within
/// `target` blocks; neither is a usage error.
pub fn choose_fee_rate(
    rate: Option<f64>,
    target: Option<u16>,
    estimate: impl FnOnce(u16) -> Result<FeeRate>,
) -> Result<FeeRate> {
    match (rate, target) {
        (Some(rate), _) => fee_rate_sat_per_vb(rate),
        (None, Some(target)) => estimate(target),
        (None, None) => Err(Error::usage(
            "no fee rate given",
            "pass --fee-rate SAT_PER_VB or --target-blocks N",
        )),
    }
}

/// A coin typed as TXID:VOUT (`--utxo`).
pub fn parse_outpoint(s: &str) -> Result<OutPoint> {
    OutPoint::from_str(s).map_err(|e| {
        Error::usage(
            format!("--utxo {s:?} is not TXID:VOUT ({e})"),
            "list the wallet's coins with 'coldsign wallet show NAME'",
        )
    })
}

/// A transaction id typed as hex (`bump`).
pub fn parse_txid(s: &str) -> Result<Txid> {
    Txid::from_str(s).map_err(|_| Error::bad_input(format!("{s:?} is not a transaction id")))
}

/// What `coldsign build` was asked for, as typed.
pub struct Request<'a> {
    /// Move every coin to the wallet's own change branch.
    pub consolidate: bool,
    /// Send everything minus the fee to the one `to` address.
    pub send_max: bool,
    /// ADDRESS:AMOUNT payments.
    pub to: &'a [String],
    /// A payout CSV file's text.
    pub csv: Option<&'a str>,
    /// Coins to spend, TXID:VOUT.
    pub utxos: &'a [String],
    /// Signal replaceability.
    pub rbf: bool,
}

impl Request<'_> {
    /// The build options on `network` with the fee rate `fee_rate` gives (asked last), and
    /// the payouts (to label the outputs of the review).
    pub fn options(
        &self,
        network: Network,
        fee_rate: impl FnOnce() -> Result<FeeRate>,
    ) -> Result<(BuildOptions, Vec<Payout>)> {
        let spend =
            Spend::from_request(self.consolidate, self.send_max, self.to, self.csv, network)?;
        let utxos = self
            .utxos
            .iter()
            .map(|u| parse_outpoint(u))
            .collect::<Result<Vec<_>>>()?;
        let payouts = match &spend {
            Spend::Pay(payouts) => payouts.clone(),
            Spend::SendMax(_) | Spend::Consolidate => Vec::new(),
        };
        let options = BuildOptions {
            spend,
            fee_rate: fee_rate()?,
            utxos,
            rbf: self.rbf,
        };
        Ok((options, payouts))
    }
}

/// How to build it.
/// How to build it.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The payment.
    pub spend: Spend,
    /// Fee rate.
    pub fee_rate: FeeRate,
    /// Spend exactly these coins (coin control); empty lets coin selection choose.
    pub utxos: Vec<OutPoint>,
    /// Signal replaceability (BIP125); on by default.
    pub rbf: bool,
}

/// Builds the unsigned PSBT (version 0 form).
pub fn build(wallet: &mut Wallet, options: &BuildOptions) -> Result<Psbt> {
    let multisig = is_multisig(wallet);
    if let Some(&op) = options
        .utxos
        .iter()
        .find(|&&op| wallet.get_utxo(op).is_none())
    {
        return Err(unusable_utxo(wallet, op));
    }
    let drain_script = match &options.spend {
        Spend::Pay(_) => None,
        Spend::SendMax(script) => Some(script.clone()),
        Spend::Consolidate => Some(
            wallet
                .reveal_next_address(KeychainKind::Internal)
                .address
                .script_pubkey(),
        ),
    };
    let mut builder = wallet.build_tx();
    if let Spend::Pay(payouts) = &options.spend {
        for p in payouts {
            let amount = p.amount.ok_or_else(|| {
                Error::Internal(format!("payout to {} without an amount", p.address))
            })?;
            builder.add_recipient(p.script.clone(), amount);
        }
    }
    if !options.utxos.is_empty() {
        builder
            .add_utxos(&options.utxos)
            .map_err(|e| Error::Internal(format!("--utxo: {}", e.to_string().to_lowercase())))?;
        builder.manually_selected_only();
    }
    if let Some(script) = drain_script {
        if options.utxos.is_empty() {
            builder.drain_wallet();
        }
        builder.drain_to(script);
    }
    finish(builder, options.fee_rate, options.rbf, multisig)
}

/// Builds a replacement of unconfirmed `txid` paying `fee_rate` (BIP125).
pub fn bump(wallet: &mut Wallet, txid: Txid, fee_rate: FeeRate) -> Result<Psbt> {
    let multisig = is_multisig(wallet);
    let builder = wallet.build_fee_bump(txid).map_err(|e| match e {
        BuildFeeBumpError::TransactionNotFound(_) => Error::usage(
            format!("the wallet knows no transaction {txid}"),
            "run 'coldsign wallet sync NAME' after broadcasting it",
        ),
        BuildFeeBumpError::TransactionConfirmed(_) => {
            Error::bad_input(format!("transaction {txid} is already confirmed"))
        }
        BuildFeeBumpError::IrreplaceableTransaction(_) => Error::bad_input(format!(
            "transaction {txid} does not signal replaceability (RBF)"
        )),
        other => Error::bad_input(format!(
            "cannot bump {txid}: {}",
            other.to_string().to_lowercase()
        )),
    })?;
    finish(builder, fee_rate, true, multisig)
}

fn finish<Cs: bdk_wallet::coin_selection::CoinSelectionAlgorithm>(
    mut builder: TxBuilder<'_, Cs>,
    fee_rate: FeeRate,
    rbf: bool,
    multisig: bool,
) -> Result<Psbt> {
    builder.fee_rate(fee_rate);
    if !rbf {
        builder.set_exact_sequence(Sequence::ENABLE_LOCKTIME_NO_RBF);
    }
    if multisig {
        builder.add_global_xpubs();
    }
    let mut psbt = builder.finish().map_err(create_error)?;
    // Taproot signatures commit to every spent amount; the previous transaction only
    // bloats the PSBT (BIP371 signers do not need it).
    for input in &mut psbt.inputs {
        if input
            .witness_utxo
            .as_ref()
            .is_some_and(|o| o.script_pubkey.is_p2tr())
        {
            input.non_witness_utxo = None;
        }
    }
    Ok(psbt)
}

/// Why coin control cannot spend `op`: the wallet's own coin already spent, or not the
/// wallet's at all (as far as its last sync knows).
fn unusable_utxo(wallet: &Wallet, op: OutPoint) -> Error {
    let why = if wallet.list_output().any(|o| o.outpoint == op) {
        "is already spent"
    } else {
        "is not one of the wallet's coins"
    };
    Error::usage(
        format!("--utxo {op} {why}"),
        "list the wallet's unspent coins with 'coldsign wallet show NAME' (after 'wallet sync')",
    )
}

fn is_multisig(wallet: &Wallet) -> bool {
    use miniscript::ForEachKey;
    let mut keys = 0;
    wallet
        .public_descriptor(KeychainKind::External)
        .for_each_key(|_| {
            keys += 1;
            true
        });
    keys > 1
}

fn create_error(e: CreateTxError) -> Error {
    match e {
        CreateTxError::CoinSelection(f) => Error::usage(
            format!(
                "insufficient funds: this needs {} sat, the wallet has {} sat spendable",
                f.needed.to_sat(),
                f.available.to_sat()
            ),
            "sync the wallet, lower the amounts or the fee rate, or use --send-max",
        ),
        CreateTxError::NoRecipients => Error::bad_input("the transaction pays no one"),
        other => Error::bad_input(format!(
            "cannot build the transaction: {}",
            other.to_string().to_lowercase()
        )),
    }
}
