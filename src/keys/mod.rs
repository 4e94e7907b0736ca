//! Keys: mnemonics, HD derivation, the encrypted keystore and watch-only exports.

pub mod accounts;
pub mod backup;
pub mod create;
pub mod dice;
pub mod ethereum;
pub mod keystore;
pub mod keystore_v3;
pub mod material;
pub mod mnemonic;
pub mod password;
pub mod secret;
pub mod secret_source;
pub mod slip132;
pub mod watch_only;
pub mod xkey;

/// Fresh bytes from the operating system's random number generator.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).expect("the OS random number generator works");
    bytes
}
