//! Builds PSBTs from descriptors the way a host's creator and updater do: funding
//! transactions pay the given descriptors, and the spend carries previous transactions,
//! witness UTXOs, key origins, scripts and taproot fields. Used by `demo` for its sample data
//! and by the tests to craft requests; real wallets are built online by the `build` command.

use bitcoin::absolute::LockTime;
use bitcoin::hashes::{sha256, Hash};
use bitcoin::psbt::Psbt;
use bitcoin::transaction::Version;
use bitcoin::{Amount, OutPoint, ScriptBuf, Sequence, Transaction, TxIn, TxOut, Txid, Witness};
use miniscript::descriptor::{DefiniteDescriptorKey, Descriptor};
use miniscript::psbt::PsbtExt;

/// A spend under construction.
#[derive(Debug, Clone, Default)]
pub struct SpendBuilder {
    inputs: Vec<(Transaction, u32, Descriptor<DefiniteDescriptorKey>)>,
    outputs: Vec<(TxOut, Option<Descriptor<DefiniteDescriptorKey>>)>,
    lock_time: u32,
}

impl SpendBuilder {
    /// An empty spend.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an input: a (fake, unique) funding transaction paying `amount` to `descriptor`.
    pub fn fund(self, descriptor: &Descriptor<DefiniteDescriptorKey>, amount: Amount) -> Self {
        let seed = sha256::Hash::hash(format!("coldsign funding {}", self.inputs.len()).as_bytes());
        let funding = Transaction {
            version: Version::TWO,
            lock_time: LockTime::ZERO,
            input: vec![TxIn {
                previous_output: OutPoint {
                    txid: Txid::from_byte_array(seed.to_byte_array()),
                    vout: 0,
                },
                script_sig: ScriptBuf::new(),
                sequence: Sequence::MAX,
                witness: Witness::new(),
            }],
            output: vec![TxOut {
                value: amount,
                script_pubkey: descriptor.script_pubkey(),
            }],
        };
        self.spend(funding, 0, descriptor)
    }

    /// Adds an input: output `vout` of `funding` (a real transaction), which pays
    /// `descriptor`.
    pub fn spend(
        mut self,
        funding: Transaction,
        vout: u32,
        descriptor: &Descriptor<DefiniteDescriptorKey>,
    ) -> Self {
        self.inputs.push((funding, vout, descriptor.clone()));
        self
    }

    /// Adds an output paying `script`.
    pub fn pay(mut self, script: ScriptBuf, amount: Amount) -> Self {
        self.outputs.push((
            TxOut {
                value: amount,
                script_pubkey: script,
            },
            None,
        ));
        self
    }

    /// Adds an output to `descriptor`, with its key origins (as a host marks change).
    pub fn pay_to_descriptor(
        mut self,
        descriptor: &Descriptor<DefiniteDescriptorKey>,
        amount: Amount,
    ) -> Self {
        self.outputs.push((
            TxOut {
                value: amount,
                script_pubkey: descriptor.script_pubkey(),
            },
            Some(descriptor.clone()),
        ));
        self
    }

    /// Sets nLockTime.
    pub fn lock_time(mut self, value: u32) -> Self {
        self.lock_time = value;
        self
    }

    /// The funding transactions (to verify the final transaction against).
    pub fn funding(&self) -> Vec<Transaction> {
        self.inputs.iter().map(|(tx, _, _)| tx.clone()).collect()
    }

    /// The PSBT (v0 form): RBF sequences, every updater field filled in.
    pub fn build(&self) -> Psbt {
        let tx = Transaction {
            version: Version::TWO,
            lock_time: LockTime::from_consensus(self.lock_time),
            input: self
                .inputs
                .iter()
                .map(|(funding, vout, _)| TxIn {
                    previous_output: OutPoint {
                        txid: funding.compute_txid(),
                        vout: *vout,
                    },
                    script_sig: ScriptBuf::new(),
                    sequence: Sequence::ENABLE_RBF_NO_LOCKTIME,
                    witness: Witness::new(),
                })
                .collect(),
            output: self.outputs.iter().map(|(o, _)| o.clone()).collect(),
        };
        let mut psbt = Psbt::from_unsigned_tx(tx).expect("a fresh unsigned transaction");
        for (i, (funding, vout, descriptor)) in self.inputs.iter().enumerate() {
            let spent = funding.output[*vout as usize].clone();
            if !spent.script_pubkey.is_p2tr() {
                psbt.inputs[i].non_witness_utxo = Some(funding.clone());
            }
            let segwit = descriptor.desc_type().segwit_version().is_some();
            if segwit {
                psbt.inputs[i].witness_utxo = Some(spent);
            }
            psbt.update_input_with_descriptor(i, descriptor)
                .expect("the descriptor pays the funding output");
        }
        for (i, (_, descriptor)) in self.outputs.iter().enumerate() {
            if let Some(d) = descriptor {
                psbt.update_output_with_descriptor(i, d)
                    .expect("the descriptor pays the output");
            }
        }
        psbt
    }
}
