//! `coldsign demo`'s sample data and steps, on regtest only: a throwaway keystore of the
//! public test mnemonic, a PSBT spending four of its coins (one per script type) with change,
//! a transfer through real QR images with frames lost and out of order, the offline review
//! and signature, and finalizing with every input verified by Bitcoin Core's interpreter.

pub mod walkthrough;

use std::path::Path;
use std::str::FromStr;

use bitcoin::hashes::Hash;
use bitcoin::psbt::Psbt;
use bitcoin::{Amount, ScriptBuf, Transaction, WPubkeyHash};
use miniscript::descriptor::{DefiniteDescriptorKey, Descriptor, DescriptorPublicKey};
use secrecy::SecretString;

use crate::btc::builder::SpendBuilder;
use crate::btc::finalize;
use crate::btc::ownership::Policies;
use crate::files::Replace;
use crate::keys::ethereum::EthLayout;
use crate::keys::keystore::{KdfCost, Keystore};
use crate::keys::material::KeyMaterial;
use crate::keys::mnemonic::{SecretMnemonic, WordList};
use crate::keys::watch_only::{WatchOnly, WatchOnlyOptions};
use crate::request::PsbtFile;
use crate::review::bitcoin::{review, BtcReview, FeeLimits};
use crate::review::{gate, Gate};
use crate::signer::software;
use crate::signer::InputOutcome;
use crate::transport::collect::Collector;
use crate::transport::parts::ur_parts;
use crate::transport::registry::Payload;
use crate::transport::{qr, scan};
use crate::{Error, Result};

/// The public BIP39 test mnemonic's entropy ("abandon ×11 about"): its keys are known to
/// everyone, so the demo only ever uses regtest.
pub const SAMPLE_ENTROPY: [u8; 16] = [0; 16];

/// The demo's network.
pub const NETWORK: bitcoin::Network = bitcoin::Network::Regtest;

/// Writes a throwaway keystore of the sample mnemonic to `path`, sealed with `password`;
/// returns its watch-only export (one account per script type, one Ethereum address).
pub fn sample_keystore(path: &Path, password: &SecretString) -> Result<WatchOnly> {
    let mnemonic = SecretMnemonic::from_entropy(&SAMPLE_ENTROPY, WordList::English)?;
    let material = KeyMaterial::Bip39 {
        mnemonic,
        passphrase: SecretString::from(String::new()),
    };
    Keystore::seal(&material, "demo", password, KdfCost::new(12)?)?.save(path, Replace::Never)?;
    let options = WatchOnlyOptions {
        network: NETWORK,
        account: 0,
        slip132: false,
        eth_count: 1,
        eth_layout: EthLayout::Bip44,
    };
    Ok(WatchOnly::derive(&material, &options))
}

/// Four coins of the sample wallet (the first receive address of each account) spent to an
/// outside address, with change.
pub fn sample_spend(export: &WatchOnly) -> Result<Psbt> {
    let at = |line: &str, branch: usize, index: u32| -> Result<Descriptor<DefiniteDescriptorKey>> {
        let multi = Descriptor::<DescriptorPublicKey>::from_str(line)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let singles = multi
            .into_single_descriptors()
            .map_err(|e| Error::Internal(e.to_string()))?;
        singles[branch]
            .at_derivation_index(index)
            .map_err(|e| Error::Internal(e.to_string()))
    };
    let lines = export.descriptor_lines();
    let mut builder = SpendBuilder::new();
    for (i, line) in lines.iter().enumerate() {
        builder = builder.fund(
            &at(line, 0, 0)?,
            Amount::from_sat(25_000_000 * (i as u64 + 1)),
        );
    }
    let outside = ScriptBuf::new_p2wpkh(&WPubkeyHash::hash(b"coldsign demo recipient"));
    Ok(builder
        .pay(outside, Amount::from_sat(150_000_000))
        .pay_to_descriptor(&at(lines[0], 1, 0)?, Amount::from_sat(99_990_000))
        .build())
}

/// How many animated frames per fragment the demo's sender shows at most.
const FRAMES_PER_FRAGMENT: usize = 20;

/// A PSBT carried through QR images.
pub struct QrTransfer {
    /// The PSBT as it arrived (binary).
    pub psbt: Vec<u8>,
    /// Fragments of the UR.
    pub fragments: usize,
    /// Frames scanned until the transfer was complete.
    pub frames_scanned: usize,
}

/// Sends a PSBT file through real QR codes: `crypto-psbt` parts rendered to images, every
/// `drop_every`-th frame lost, the rest scanned (in reverse order) and reassembled.
pub fn through_qr(psbt_file: &[u8], drop_every: usize) -> Result<QrTransfer> {
    let payload = Payload::Psbt(PsbtFile::decode(psbt_file)?.psbt.serialize());
    let fragments = ur_parts(&payload, true, 200, None)?.len();
    // Fountain parts after the first `fragments` mix several fragments at random: with a frame
    // in every `drop_every` lost, twice the fragments is not always enough to decode, so the
    // demo shows as many frames as a receiver would wait for (it stops once complete).
    let frames = ur_parts(&payload, true, 200, Some(fragments * FRAMES_PER_FRAGMENT))?;
    let mut collector = Collector::new();
    let mut frames_scanned = 0;
    for (i, part) in frames.iter().enumerate().rev() {
        if (i + 1) % drop_every == 0 {
            continue;
        }
        frames_scanned += 1;
        for text in scan::scan(&qr::to_image(&qr::encode(part)?, 4)) {
            collector
                .push(&text)
                .map_err(|e| Error::Internal(e.to_string()))?;
        }
        if collector.progress().complete {
            break;
        }
    }
    let received = collector
        .finish()
        .map_err(|e| Error::Internal(e.to_string()))?;
    let psbt = received
        .psbt()
        .map_err(|e| Error::Internal(e.to_string()))?
        .ok_or_else(|| Error::Internal("the QR transfer was not a PSBT".into()))?;
    Ok(QrTransfer {
        psbt,
        fragments,
        frames_scanned,
    })
}

/// What the offline signer did with the sample PSBT.
pub struct Signed {
    /// Its review (the confirmation screen).
    pub review: BtcReview,
    /// The signed PSBT.
    pub psbt: Psbt,
    /// What was signed, per input.
    pub inputs: Vec<InputOutcome>,
}

/// Unlocks the keystore at `path`, reviews `file` and signs it (the demo answers yes; a
/// serious warning on the sample transaction is an internal error).
pub fn review_and_sign(file: &PsbtFile, path: &Path, password: &SecretString) -> Result<Signed> {
    let unlocked = Keystore::load(path)?.unlock(password, path)?;
    let hd = unlocked
        .hd()
        .ok_or_else(|| Error::Internal("the demo keystore holds no mnemonic".into()))?;
    let policies = Policies::new(&hd, Vec::new());
    let reviewed = review(
        &file.psbt,
        file.version,
        NETWORK,
        &policies,
        &FeeLimits::default(),
    );
    if gate(&reviewed.warnings, &[], true) != Gate::Proceed {
        return Err(Error::Internal(
            "the demo's sample transaction raised a serious warning".into(),
        ));
    }
    let mut psbt = file.psbt.clone();
    let inputs = software::sign_psbt(&mut psbt, &reviewed, &policies);
    Ok(Signed {
        review: reviewed,
        psbt,
        inputs,
    })
}

/// Finalizes the signed PSBT and verifies every input; the network transaction.
pub fn finalize(mut psbt: Psbt) -> Result<Transaction> {
    let (outcomes, tx) = finalize::finalize_and_verify(&mut psbt)?;
    tx.ok_or_else(|| {
        let (index, why) = finalize::first_not_final(&outcomes);
        Error::Internal(format!(
            "demo input {index} did not finalize: {}",
            why.english()
        ))
    })
}
