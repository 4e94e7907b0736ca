//! What coldsign tells a Trezor about a PSBT, planned before the device is asked anything:
//! each input it signs (single-sig legacy, segwit v0 or taproot key path, or a multisig
//! p2sh / p2sh-p2wsh / p2wsh input where the Trezor is one cosigner) and each output, with
//! change described by its key path (and, for multisig, every cosigner's account xpub) so
//! that the device derives it itself instead of trusting an address. Previous transactions
//! come from the PSBT's `non_witness_utxo`.

use std::collections::BTreeMap;

use bitcoin::bip32::{ChildNumber, DerivationPath, Fingerprint, KeySource, Xpub};
use bitcoin::psbt::{Output, Psbt};
use bitcoin::script::Instruction;
use bitcoin::secp256k1::{self, Secp256k1, Verification, XOnlyPublicKey};
use bitcoin::{Address, Network, PublicKey, Script, Transaction};
use trezor_client::protos::multisig_redeem_script_type::HDNodePathType;
use trezor_client::protos::tx_ack::transaction_type::{TxInputType, TxOutputBinType, TxOutputType};
use trezor_client::protos::tx_ack::TransactionType;
use trezor_client::protos::tx_request::RequestType;
use trezor_client::protos::{
    HDNodeType, InputScriptType, MultisigRedeemScriptType, OutputScriptType, TxAck, TxRequest,
};

use miniscript::descriptor::DescriptorPublicKey;
use miniscript::ForEachKey;

use super::DeviceError;
use crate::btc::wallets::Wallet;
use crate::i18n::Text;
use crate::review::bitcoin::signatures::multisig_script;
use crate::review::bitcoin::spent_output;
use crate::{Error, Result};

/// The key that signs an input on the Trezor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SigningKey {
    /// An ECDSA key (legacy and segwit v0, single-sig or one cosigner of a multisig).
    Ecdsa(PublicKey),
    /// A taproot internal key, signed on the key path.
    TaprootKey(XOnlyPublicKey),
}

/// The device's master fingerprint and the account xpubs (with their origins) coldsign knows
/// for multisig cosigners: the PSBT's global xpubs and the registered wallets' keys.
#[derive(Debug, Clone, Default)]
pub struct KnownKeys {
    /// The Trezor's master fingerprint.
    pub fingerprint: Fingerprint,
    /// Account xpubs with their origins.
    pub accounts: Vec<(KeySource, Xpub)>,
}

impl KnownKeys {
    /// The Trezor `fingerprint` with the account xpubs of `psbt`'s global xpubs and of the
    /// registered `wallets`.
    pub fn new(fingerprint: Fingerprint, psbt: &Psbt, wallets: &[Wallet]) -> Self {
        let mut keys = Self::of_wallets(fingerprint, wallets);
        keys.accounts.extend(
            psbt.xpub
                .iter()
                .map(|(xpub, origin)| (origin.clone(), *xpub)),
        );
        keys
    }

    /// The Trezor `fingerprint` with the account xpubs of the registered `wallets`.
    pub fn of_wallets(fingerprint: Fingerprint, wallets: &[Wallet]) -> Self {
        let mut accounts: Vec<(KeySource, Xpub)> = Vec::new();
        for wallet in wallets {
            wallet.descriptor.for_each_key(|key| {
                let (origin, xpub) = match key {
                    DescriptorPublicKey::XPub(x) => (&x.origin, x.xkey),
                    DescriptorPublicKey::MultiXPub(x) => (&x.origin, x.xkey),
                    DescriptorPublicKey::Single(_) => return true,
                };
                if let Some(origin) = origin {
                    accounts.push((origin.clone(), xpub));
                }
                true
            });
        }
        KnownKeys {
            fingerprint,
            accounts,
        }
    }

    /// The cosigner `key` at `origin` as the Trezor takes it: the account xpub the key
    /// derives from, and the rest of the path; `None` when no known account derives it.
    fn cosigner<C: Verification>(
        &self,
        secp: &Secp256k1<C>,
        key: &PublicKey,
        (fingerprint, path): &KeySource,
    ) -> Option<HDNodePathType> {
        self.accounts.iter().find_map(|((fp, account), xpub)| {
            let rest = path.as_ref().strip_prefix(account.as_ref())?;
            if fp != fingerprint || rest.iter().any(ChildNumber::is_hardened) {
                return None;
            }
            let derived = xpub.derive_pub(secp, &rest.to_vec()).ok()?;
            (derived.public_key == key.inner).then(|| {
                let mut node = HDNodeType::new();
                node.set_depth(u32::from(xpub.depth));
                node.set_fingerprint(u32::from_be_bytes(xpub.parent_fingerprint.to_bytes()));
                node.set_child_num(u32::from(xpub.child_number));
                node.set_chain_code(xpub.chain_code.to_bytes().to_vec());
                node.set_public_key(xpub.public_key.serialize().to_vec());
                let mut cosigner = HDNodePathType::new();
                cosigner.node = Some(node).into();
                cosigner.address_n = steps(&rest.to_vec().into());
                cosigner
            })
        })
    }

    /// The multisig of `script` (`OP_k <keys> OP_n OP_CHECKMULTISIG`, keys in script order)
    /// with each key's account xpub, from `origins` (public key → origin); `None` when the
    /// script is no multisig or a cosigner's account xpub is unknown.
    pub fn multisig<C: Verification>(
        &self,
        secp: &Secp256k1<C>,
        script: &Script,
        origins: &BTreeMap<secp256k1::PublicKey, KeySource>,
    ) -> Option<MultisigRedeemScriptType> {
        let (needed, keys) = multisig_script(script)?;
        let mut multisig = MultisigRedeemScriptType::new();
        for key in &keys {
            let origin = origins.get(&key.inner)?;
            multisig.pubkeys.push(self.cosigner(secp, key, origin)?);
            multisig.signatures.push(Vec::new());
        }
        multisig.set_m(u32::try_from(needed).ok()?);
        Some(multisig)
    }

    /// The path of this Trezor's one key among `origins` (`None` when it has none or several).
    pub fn own_key<'a>(
        &self,
        origins: &'a BTreeMap<secp256k1::PublicKey, KeySource>,
    ) -> Option<(&'a secp256k1::PublicKey, &'a DerivationPath)> {
        let mut ours = origins
            .iter()
            .filter(|(_, (fp, _))| *fp == self.fingerprint)
            .map(|(key, (_, path))| (key, path));
        let first = ours.next()?;
        ours.next().is_none().then_some(first)
    }
}

/// A derivation path as the Trezor's `address_n`.
pub fn steps(path: &DerivationPath) -> Vec<u32> {
    path.into_iter().map(|c| u32::from(*c)).collect()
}

/// Everything the Trezor will ask about the transaction being signed.
#[derive(Debug, Clone)]
pub struct TxPlan {
    inputs: Vec<(TxInputType, SigningKey)>,
    outputs: Vec<TxOutputType>,
    /// The PSBT input carrying each previous transaction, by the id as the Trezor asks for
    /// it (reversed bytes): hashed once, not at every request.
    previous: BTreeMap<Vec<u8>, usize>,
}

fn input_error(index: usize, message: &'static str, hint: &'static str) -> Error {
    Error::said(
        Text::new(message).arg("index", index),
        Some(Text::new(hint)),
    )
}

fn not_ours(index: usize) -> Error {
    input_error(
        index,
        "error-trezor-input-not-ours",
        "hint-trezor-input-not-ours",
    )
}

fn unsupported_input(index: usize) -> Error {
    input_error(index, "error-trezor-input-kind", "hint-trezor-input-kind")
}

impl TxPlan {
    /// Plans `psbt` for the Trezor `keys.fingerprint`; refuses (before the device is asked)
    /// an input it holds no key of, an input of a kind it does not sign, a multisig input
    /// whose cosigners' account xpubs are unknown, and a segwit v0 or legacy input without
    /// its previous transaction.
    pub fn new<C: Verification>(
        secp: &Secp256k1<C>,
        psbt: &Psbt,
        keys: &KnownKeys,
        network: Network,
    ) -> Result<Self> {
        let inputs = (0..psbt.inputs.len())
            .map(|i| plan_input(secp, psbt, i, keys))
            .collect::<Result<Vec<_>>>()?;
        let outputs = (0..psbt.outputs.len())
            .map(|i| plan_output(secp, psbt, i, keys, network))
            .collect::<Result<Vec<_>>>()?;
        let previous = psbt
            .inputs
            .iter()
            .enumerate()
            .filter_map(|(i, input)| {
                let tx = input.non_witness_utxo.as_ref()?;
                Some((reversed(tx.compute_txid().as_ref()), i))
            })
            .collect();
        Ok(TxPlan {
            inputs,
            outputs,
            previous,
        })
    }

    /// The previous transaction with the (reversed) id `hash`, from `psbt`'s inputs.
    fn previous<'a>(&self, psbt: &'a Psbt, hash: &[u8]) -> Result<&'a Transaction, DeviceError> {
        self.previous
            .get(hash)
            .and_then(|i| psbt.inputs.get(*i)?.non_witness_utxo.as_ref())
            .ok_or_else(|| {
                DeviceError::Protocol(format!(
                    "trezor asked for previous transaction {}, which the PSBT does not carry \
                     (non_witness_utxo)",
                    data_encoding::HEXLOWER.encode(hash)
                ))
            })
    }

    /// The key that signs input `index`.
    pub fn signing_key(&self, index: usize) -> Option<SigningKey> {
        self.inputs.get(index).map(|(_, key)| *key)
    }

    /// The answer to the device's `request` about the transaction or one it spends.
    pub fn answer(&self, psbt: &Psbt, request: &TxRequest) -> Result<TxAck, DeviceError> {
        let index = request.details.request_index() as usize;
        let mut tx = TransactionType::new();
        if request.details.has_tx_hash() {
            let previous = self.previous(psbt, request.details.tx_hash())?;
            match request.request_type() {
                RequestType::TXMETA => meta(&mut tx, previous),
                RequestType::TXINPUT => {
                    let input = previous.input.get(index).ok_or_else(|| no_such(index))?;
                    let mut ack = TxInputType::new();
                    ack.set_prev_hash(reversed(input.previous_output.txid.as_ref()));
                    ack.set_prev_index(input.previous_output.vout);
                    ack.set_script_sig(input.script_sig.to_bytes());
                    ack.set_sequence(input.sequence.to_consensus_u32());
                    tx.inputs.push(ack);
                }
                RequestType::TXOUTPUT => {
                    let output = previous.output.get(index).ok_or_else(|| no_such(index))?;
                    let mut ack = TxOutputBinType::new();
                    ack.set_amount(output.value.to_sat());
                    ack.set_script_pubkey(output.script_pubkey.to_bytes());
                    tx.bin_outputs.push(ack);
                }
                other => return Err(unsupported(other)),
            }
        } else {
            match request.request_type() {
                RequestType::TXMETA => meta(&mut tx, &psbt.unsigned_tx),
                RequestType::TXINPUT => tx.inputs.push(
                    self.inputs
                        .get(index)
                        .ok_or_else(|| no_such(index))?
                        .0
                        .clone(),
                ),
                RequestType::TXOUTPUT => tx.outputs.push(
                    self.outputs
                        .get(index)
                        .ok_or_else(|| no_such(index))?
                        .clone(),
                ),
                other => return Err(unsupported(other)),
            }
        }
        let mut ack = TxAck::new();
        ack.tx = Some(tx).into();
        Ok(ack)
    }
}

fn no_such(index: usize) -> DeviceError {
    DeviceError::Protocol(format!(
        "trezor asked for item {index}, which does not exist"
    ))
}

fn unsupported(kind: RequestType) -> DeviceError {
    DeviceError::Protocol(format!("trezor asked for unsupported {kind:?}"))
}

/// Bytes in the reversed order the Trezor uses for hashes.
fn reversed(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().rev().copied().collect()
}

fn meta(tx: &mut TransactionType, of: &Transaction) {
    tx.set_version(of.version.0 as u32);
    tx.set_lock_time(of.lock_time.to_consensus_u32());
    tx.set_inputs_cnt(of.input.len() as u32);
    tx.set_outputs_cnt(of.output.len() as u32);
}

fn plan_input<C: Verification>(
    secp: &Secp256k1<C>,
    psbt: &Psbt,
    index: usize,
    keys: &KnownKeys,
) -> Result<(TxInputType, SigningKey)> {
    let input = &psbt.inputs[index];
    let txin = &psbt.unsigned_tx.input[index];
    let spent = spent_output(input, &txin.previous_output).ok_or_else(|| {
        input_error(
            index,
            "error-trezor-input-no-utxo",
            "hint-trezor-input-no-previous-tx",
        )
    })?;
    let mut ack = TxInputType::new();
    ack.set_prev_hash(reversed(txin.previous_output.txid.as_ref()));
    ack.set_prev_index(txin.previous_output.vout);
    ack.set_script_sig(Vec::new());
    ack.set_sequence(txin.sequence.to_consensus_u32());
    ack.set_amount(spent.value.to_sat());
    let spk = &spent.script_pubkey;
    if spk.is_p2tr() {
        let (internal, path) = input
            .tap_internal_key
            .and_then(|k| key_path_origin(input.tap_key_origins.get(&k), keys).map(|p| (k, p)))
            .ok_or_else(|| not_ours(index))?;
        ack.address_n = steps(path);
        ack.set_script_type(InputScriptType::SPENDTAPROOT);
        return Ok((ack, SigningKey::TaprootKey(internal)));
    }
    if input.non_witness_utxo.is_none() {
        return Err(input_error(
            index,
            "error-trezor-input-no-previous-tx",
            "hint-trezor-input-no-previous-tx",
        ));
    }
    let (key, path) = keys
        .own_key(&input.bip32_derivation)
        .ok_or_else(|| not_ours(index))?;
    ack.address_n = steps(path);
    // A multisig script's cosigners, each with its account xpub.
    let multisig = |script: &Option<bitcoin::ScriptBuf>| {
        let script = script.as_deref().ok_or_else(|| unsupported_input(index))?;
        multisig_script(script).ok_or_else(|| unsupported_input(index))?;
        keys.multisig(secp, script, &input.bip32_derivation)
            .ok_or_else(|| {
                input_error(
                    index,
                    "error-trezor-cosigners-unknown",
                    "hint-trezor-cosigners-unknown",
                )
            })
            .map(Some)
    };
    let redeem = input.redeem_script.as_deref();
    let (kind, multisig) = if spk.is_p2pkh() {
        (InputScriptType::SPENDADDRESS, None)
    } else if spk.is_p2wpkh() {
        (InputScriptType::SPENDWITNESS, None)
    } else if spk.is_p2wsh() {
        (
            InputScriptType::SPENDWITNESS,
            multisig(&input.witness_script)?,
        )
    } else if redeem.is_some_and(Script::is_p2wpkh) {
        (InputScriptType::SPENDP2SHWITNESS, None)
    } else if redeem.is_some_and(Script::is_p2wsh) {
        (
            InputScriptType::SPENDP2SHWITNESS,
            multisig(&input.witness_script)?,
        )
    } else if spk.is_p2sh() {
        (
            InputScriptType::SPENDMULTISIG,
            multisig(&input.redeem_script)?,
        )
    } else {
        return Err(unsupported_input(index));
    };
    ack.multisig = multisig.into();
    ack.set_script_type(kind);
    Ok((ack, SigningKey::Ecdsa(PublicKey::new(*key))))
}

/// This Trezor's key path of a taproot key-path key (an origin of ours with no leaves).
fn key_path_origin<'a>(
    origin: Option<&'a (Vec<bitcoin::TapLeafHash>, KeySource)>,
    keys: &KnownKeys,
) -> Option<&'a DerivationPath> {
    let (leaves, (fp, path)) = origin?;
    (leaves.is_empty() && *fp == keys.fingerprint).then_some(path)
}

fn plan_output<C: Verification>(
    secp: &Secp256k1<C>,
    psbt: &Psbt,
    index: usize,
    keys: &KnownKeys,
    network: Network,
) -> Result<TxOutputType> {
    let out = &psbt.unsigned_tx.output[index];
    let mut ack = TxOutputType::new();
    ack.set_amount(out.value.to_sat());
    if out.script_pubkey.is_op_return() {
        let data = match out.script_pubkey.instructions().nth(1) {
            Some(Ok(Instruction::PushBytes(data))) => data.as_bytes().to_vec(),
            _ => Vec::new(),
        };
        ack.set_script_type(OutputScriptType::PAYTOOPRETURN);
        ack.set_op_return_data(data);
        return Ok(ack);
    }
    if let Some((path, kind, multisig)) = change(secp, &psbt.outputs[index], out, keys) {
        ack.address_n = steps(path);
        ack.set_script_type(kind);
        ack.multisig = multisig.into();
        return Ok(ack);
    }
    let address = Address::from_script(&out.script_pubkey, network).map_err(|_| {
        Error::said(
            Text::new("error-trezor-output-no-address").arg("index", index),
            Some(Text::new("hint-trezor-output-no-address")),
        )
    })?;
    ack.set_script_type(OutputScriptType::PAYTOADDRESS);
    ack.set_address(address.to_string());
    Ok(ack)
}

/// An output this Trezor can derive itself: its path, script type and multisig; `None`
/// (so it is sent as an address) for anything else.
fn change<'a, C: Verification>(
    secp: &Secp256k1<C>,
    output: &'a Output,
    out: &bitcoin::TxOut,
    keys: &KnownKeys,
) -> Option<(
    &'a DerivationPath,
    OutputScriptType,
    Option<MultisigRedeemScriptType>,
)> {
    let spk = &out.script_pubkey;
    if spk.is_p2tr() {
        if output.tap_tree.is_some() {
            return None;
        }
        let internal = output.tap_internal_key?;
        let path = key_path_origin(output.tap_key_origins.get(&internal), keys)?;
        return Some((path, OutputScriptType::PAYTOTAPROOT, None));
    }
    let (_, path) = keys.own_key(&output.bip32_derivation)?;
    let multisig = |script: &Option<bitcoin::ScriptBuf>| {
        keys.multisig(secp, script.as_deref()?, &output.bip32_derivation)
    };
    let redeem = output.redeem_script.as_deref();
    let planned = if spk.is_p2pkh() {
        (OutputScriptType::PAYTOADDRESS, None)
    } else if spk.is_p2wpkh() {
        (OutputScriptType::PAYTOWITNESS, None)
    } else if spk.is_p2wsh() {
        (
            OutputScriptType::PAYTOWITNESS,
            Some(multisig(&output.witness_script)?),
        )
    } else if redeem.is_some_and(Script::is_p2wpkh) {
        (OutputScriptType::PAYTOP2SHWITNESS, None)
    } else if redeem.is_some_and(Script::is_p2wsh) {
        (
            OutputScriptType::PAYTOP2SHWITNESS,
            Some(multisig(&output.witness_script)?),
        )
    } else if spk.is_p2sh() {
        (
            OutputScriptType::PAYTOMULTISIG,
            Some(multisig(&output.redeem_script)?),
        )
    } else {
        return None;
    };
    Some((path, planned.0, planned.1))
}
