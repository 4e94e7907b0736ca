//! The user-interaction boundary. The terminal implements it in `cli`; tests script it.

use secrecy::SecretString;

use crate::Result;

/// Questions the library may ask the person at the signer.
pub trait Prompt {
    /// Shows a block of text to the user.
    fn show(&self, text: &str);
    /// Asks for one line of (non-secret) text.
    fn line(&self, question: &str) -> Result<String>;
    /// Asks for a secret (password, passphrase) without echoing it.
    fn secret(&self, question: &str) -> Result<SecretString>;
    /// Whether a person can answer (a terminal is attached).
    fn interactive(&self) -> bool;
}
