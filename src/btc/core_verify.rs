//! Bitcoin Core's script interpreter over one whole transaction, in linear time.
//!
//! libbitcoinconsensus's C API (the `bitcoinconsensus` crate) takes the serialized transaction
//! for every input it checks, so it parses it and recomputes its sighash midstates each time:
//! checking N inputs costs O(N²). [`CoreChecker`] calls the same Core code through our own
//! bridge (`src/btc/core_verify.cpp`, compiled by `build.rs` against the sources the crate
//! vendors and linked with the objects it builds): the transaction is parsed and its
//! precomputed data built once, then each input is one `VerifyScript` call. The verdicts and
//! errors are those of [`bitcoinconsensus::verify_with_flags`] with the same flags
//! (`tests/btc_verify.rs` compares the two).

use std::ffi::{c_int, c_uint};
use std::ptr::NonNull;

use bitcoin::{Transaction, TxOut};
use bitcoinconsensus::{Error, Utxo};

/// The script flags every check uses: all consensus rules up to and including taproot.
pub const FLAGS: u32 = bitcoinconsensus::VERIFY_ALL_PRE_TAPROOT | bitcoinconsensus::VERIFY_TAPROOT;

/// The bridge's C API (src/btc/core_verify.cpp).
mod ffi {
    use std::ffi::{c_int, c_uint};

    use bitcoinconsensus::Utxo;

    /// The bridge's checker: a parsed transaction and its precomputed sighash data.
    #[repr(C)]
    pub struct Checker {
        _opaque: [u8; 0],
    }

    extern "C" {
        pub fn coldsign_core_checker_new(
            tx: *const u8,
            tx_len: usize,
            spent: *const Utxo,
            spent_len: usize,
            out: *mut *mut Checker,
        ) -> c_int;
        pub fn coldsign_core_checker_verify(
            checker: *const Checker,
            index: usize,
            flags: c_uint,
            error: *mut c_int,
        ) -> c_int;
        pub fn coldsign_core_checker_free(checker: *mut Checker);
    }
}

/// One transaction parsed by Bitcoin Core, with the outputs its inputs spend and its sighash
/// data precomputed, ready to verify any of its inputs.
pub struct CoreChecker {
    raw: NonNull<ffi::Checker>,
}

// SAFETY: the checker is immutable once built (verifying only reads it) and owns all its data
// (the transaction bytes and spent scripts are copied into it).
unsafe impl Send for CoreChecker {}
// SAFETY: as above: concurrent verifications share nothing mutable.
unsafe impl Sync for CoreChecker {}

impl CoreChecker {
    /// Parses `tx` and precomputes its data with `spent`, the outputs its inputs spend, in
    /// order. Fails as libbitcoinconsensus would for every input: `ERR_SPENT_OUTPUTS_MISMATCH`
    /// when `spent` does not have one output per input, `ERR_TX_DESERIALIZE` when Core cannot
    /// read the transaction.
    pub fn new(tx: &Transaction, spent: &[TxOut]) -> Result<Self, Error> {
        let bytes = bitcoin::consensus::serialize(tx);
        // `spent` outlives the call; the bridge copies what it keeps.
        let utxos = utxos(spent);
        let mut raw = std::ptr::null_mut();
        // SAFETY: the pointers and lengths describe live buffers; `raw` is written only on
        // success, when it receives a checker that we then own.
        let code = unsafe {
            ffi::coldsign_core_checker_new(
                bytes.as_ptr(),
                bytes.len(),
                utxos.as_ptr(),
                utxos.len(),
                &mut raw,
            )
        };
        match NonNull::new(raw) {
            Some(raw) if code == 0 => Ok(CoreChecker { raw }),
            _ => Err(error(code)),
        }
    }

    /// Verifies input `index` against the output it spends with [`FLAGS`]. The error is
    /// `ERR_SCRIPT` when the script fails, `ERR_TX_INDEX` when there is no such input.
    pub fn verify(&self, index: usize) -> Result<(), Error> {
        let mut code: c_int = 0;
        // SAFETY: `raw` is a live checker, only read by the call.
        let valid = unsafe {
            ffi::coldsign_core_checker_verify(self.raw.as_ptr(), index, FLAGS as c_uint, &mut code)
        };
        if valid == 1 {
            Ok(())
        } else {
            Err(error(code))
        }
    }
}

impl Drop for CoreChecker {
    fn drop(&mut self) {
        // SAFETY: the checker is ours and dropped once.
        unsafe { ffi::coldsign_core_checker_free(self.raw.as_ptr()) }
    }
}

/// `spent` as libbitcoinconsensus's C API reads spent outputs (Core's `UTXO`: pointers into
/// `spent`, valid while it is).
pub fn utxos(spent: &[TxOut]) -> Vec<Utxo> {
    spent
        .iter()
        .map(|o| Utxo {
            script_pubkey: o.script_pubkey.as_bytes().as_ptr(),
            script_pubkey_len: o.script_pubkey.len() as c_uint,
            value: o.value.to_sat() as i64,
        })
        .collect()
}

/// The crate's error for a `bitcoinconsensus_error` code (0, "OK", with a failed check is a
/// failed script, as the crate reports it).
fn error(code: c_int) -> Error {
    match code {
        1 => Error::ERR_TX_INDEX,
        2 => Error::ERR_TX_SIZE_MISMATCH,
        3 => Error::ERR_TX_DESERIALIZE,
        4 => Error::ERR_AMOUNT_REQUIRED,
        5 => Error::ERR_INVALID_FLAGS,
        6 => Error::ERR_SPENT_OUTPUTS_REQUIRED,
        7 => Error::ERR_SPENT_OUTPUTS_MISMATCH,
        _ => Error::ERR_SCRIPT,
    }
}
