//! `CoreChecker` (Bitcoin Core's interpreter over one parsed transaction, sighash data
//! precomputed once) gives the same verdict and the same error as libbitcoinconsensus's own
//! C API (`bitcoinconsensus::verify_with_flags`, which re-parses the transaction per input)
//! on every input of real signed transactions, valid and broken.

mod common;

use bitcoin::{Amount, Transaction, TxOut};
use bitcoinconsensus::Error;
use coldsign::btc::builder::SpendBuilder;
use coldsign::btc::core_verify::{utxos, CoreChecker, FLAGS};
use coldsign::btc::finalize;
use common::btc::*;
use common::ABANDON;

/// One coin of each single-sig script type (P2WPKH, P2SH-P2WPKH, P2PKH, P2TR key path) in one
/// transaction signed by our own signer and finalized, and the outputs it spends.
fn signed_mix() -> (Transaction, Vec<TxOut>) {
    let ours = hd(ABANDON);
    let mut builder = SpendBuilder::new();
    for (i, (template, account)) in [
        ("wpkh({0})", "m/84'/1'/0'"),
        ("sh(wpkh({0}))", "m/49'/1'/0'"),
        ("pkh({0})", "m/44'/1'/0'"),
        ("tr({0})", "m/86'/1'/0'"),
    ]
    .into_iter()
    .enumerate()
    {
        let d = standard(&ours, template, account);
        builder = builder.fund(&at(&d, 0, i as u32), Amount::from_sat(1_000_000));
    }
    let mut psbt = builder.pay(outside(), Amount::from_sat(3_990_000)).build();
    let (_, outcomes) = sign_with(&mut psbt, &ours, vec![]);
    assert!(outcomes.iter().all(|o| o.signatures == 1), "{outcomes:?}");
    let outcomes = finalize::finalize(&mut psbt);
    assert!(outcomes.iter().all(|o| o.finalized), "{outcomes:?}");
    let spent = finalize::spent_outputs(&psbt).unwrap();
    (finalize::extract(&psbt).unwrap(), spent)
}

/// libbitcoinconsensus's verdict on input `index`, through its C API.
fn reference(tx: &Transaction, spent: &[TxOut], index: usize) -> Result<(), Error> {
    let bytes = bitcoin::consensus::serialize(tx);
    let utxos = utxos(spent);
    let (script, amount) = spent.get(index).map_or((&[][..], 0), |o| {
        (o.script_pubkey.as_bytes(), o.value.to_sat())
    });
    bitcoinconsensus::verify_with_flags(script, amount, &bytes, Some(&utxos), index, FLAGS)
}

/// The checker's verdicts on every input and one index past the end; asserts that each is
/// libbitcoinconsensus's.
fn verdicts(tx: &Transaction, spent: &[TxOut]) -> Vec<Result<(), Error>> {
    let checker = CoreChecker::new(tx, spent);
    (0..=tx.input.len())
        .map(|index| {
            let ours = checker
                .as_ref()
                .map_err(|e| *e)
                .and_then(|c| c.verify(index));
            assert_eq!(ours, reference(tx, spent, index), "input {index}");
            ours
        })
        .collect()
}

#[test]
fn valid_inputs_of_every_script_type_pass_and_an_index_past_the_end_is_refused() {
    let (tx, spent) = signed_mix();
    assert_eq!(
        verdicts(&tx, &spent),
        [Ok(()), Ok(()), Ok(()), Ok(()), Err(Error::ERR_TX_INDEX)]
    );
}

#[test]
fn signatures_over_another_transaction_fail() {
    let (mut tx, spent) = signed_mix();
    tx.lock_time = bitcoin::absolute::LockTime::from_consensus(1);
    assert_eq!(
        verdicts(&tx, &spent),
        [
            Err(Error::ERR_SCRIPT),
            Err(Error::ERR_SCRIPT),
            Err(Error::ERR_SCRIPT),
            Err(Error::ERR_SCRIPT),
            Err(Error::ERR_TX_INDEX)
        ]
    );
}

#[test]
fn a_damaged_signature_fails_only_its_own_input() {
    let (tx, spent) = signed_mix();
    for damaged in [0, 3] {
        let mut tx = tx.clone();
        let mut witness = tx.input[damaged].witness.to_vec();
        witness[0][10] ^= 1;
        tx.input[damaged].witness = witness.into();
        let expected: Vec<_> = (0..=4)
            .map(|i| match i {
                4 => Err(Error::ERR_TX_INDEX),
                i if i == damaged => Err(Error::ERR_SCRIPT),
                _ => Ok(()),
            })
            .collect();
        assert_eq!(verdicts(&tx, &spent), expected, "damaged input {damaged}");
    }
}

/// Segwit signatures commit to the amount (taproot to every input's amount and script); a
/// legacy P2PKH signature does not.
#[test]
fn a_wrong_amount_fails_the_segwit_inputs() {
    let (tx, mut spent) = signed_mix();
    spent[2].value += Amount::from_sat(1);
    assert_eq!(
        verdicts(&tx, &spent),
        [
            Ok(()),
            Ok(()),
            Ok(()),
            Err(Error::ERR_SCRIPT),
            Err(Error::ERR_TX_INDEX)
        ]
    );
    let (tx, mut spent) = signed_mix();
    spent[0].value += Amount::from_sat(1);
    assert_eq!(
        verdicts(&tx, &spent),
        [
            Err(Error::ERR_SCRIPT),
            Ok(()),
            Ok(()),
            Err(Error::ERR_SCRIPT),
            Err(Error::ERR_TX_INDEX)
        ]
    );
}

#[test]
fn a_missing_spent_output_is_a_mismatch_for_every_input() {
    let (tx, mut spent) = signed_mix();
    spent.pop();
    assert_eq!(
        verdicts(&tx, &spent),
        vec![Err(Error::ERR_SPENT_OUTPUTS_MISMATCH); 5]
    );
    // finalize's own check names the input that has no spent output, as before.
    let failures = finalize::verify_inputs(&tx, &spent, &[0, 3]);
    let messages: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
    assert_eq!(
        messages,
        [
            "input 0 fails Bitcoin Core's script verification (ERR_SPENT_OUTPUTS_MISMATCH)",
            "input 3: the spent output is unknown, so the script cannot be verified"
        ]
    );
}
