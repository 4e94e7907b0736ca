//! The terminal side of user interaction: prompts, and where passwords, passphrases and
//! mnemonic words come from (a file, the environment, the terminal, or stdin). Secrets never
//! come from argv.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::Path;

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::keys::password::{self, Emptiness};
use crate::prompt::Prompt;
use crate::{Error, Result};

/// The environment variable holding the keystore password for automation.
pub const PASSWORD_ENV: &str = "COLDSIGN_PASSWORD";

/// Prompts on the controlling terminal (stderr for text), or reads answers from stdin lines
/// when stdin is not a terminal.
pub struct TerminalPrompt;

impl Prompt for TerminalPrompt {
    fn show(&self, text: &str) {
        eprintln!("{text}");
    }

    fn line(&self, question: &str) -> Result<String> {
        eprint!("{question}: ");
        let _ = std::io::stderr().flush();
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(|source| Error::File {
                action: "cannot read",
                path: "-".into(),
                source,
            })?;
        Ok(answer.trim_end_matches(['\r', '\n']).to_string())
    }

    fn secret(&self, question: &str) -> Result<SecretString> {
        if !std::io::stdin().is_terminal() {
            return Err(Error::usage(
                format!("cannot ask for {question}: stdin is not a terminal"),
                "give it in a file with the matching --…-file option",
            ));
        }
        rpassword::prompt_password(format!("{question}: "))
            .map(SecretString::from)
            .map_err(|source| Error::File {
                action: "cannot read",
                path: "/dev/tty".into(),
                source,
            })
    }

    fn interactive(&self) -> bool {
        interactive()
    }
}

/// Reads the first line of a secret file (without its line ending).
pub fn secret_from_file(path: &Path) -> Result<SecretString> {
    let data = Zeroizing::new(crate::files::read_input(path)?);
    let text = std::str::from_utf8(&data)
        .map_err(|_| Error::bad_input(format!("{} is not UTF-8 text", path.display())))?;
    let first = text.lines().next().unwrap_or("");
    Ok(SecretString::from(first.to_string()))
}

/// The password of an existing keystore: `--password-file`, then `COLDSIGN_PASSWORD`, then
/// the terminal.
pub fn existing_password(file: Option<&Path>, what: &str) -> Result<SecretString> {
    if let Some(path) = file {
        return secret_from_file(path);
    }
    if let Ok(value) = std::env::var(PASSWORD_ENV) {
        return Ok(SecretString::from(value));
    }
    TerminalPrompt
        .secret(&format!("password for {what}"))
        .map_err(|_| no_password())
}

/// A password for a new keystore, settled before anything is generated or shown:
/// `--password-file` or `COLDSIGN_PASSWORD` (refused when empty), otherwise asked twice on the
/// terminal (asked again on a mismatch or an empty entry); no source at all is a usage error.
pub fn new_password(file: Option<&Path>, what: &str) -> Result<SecretString> {
    if let Some(path) = file {
        return password::require_non_empty(secret_from_file(path)?, &path.display().to_string());
    }
    if let Ok(value) = std::env::var(PASSWORD_ENV) {
        return password::require_non_empty(SecretString::from(value), PASSWORD_ENV);
    }
    if !interactive() {
        return Err(no_password());
    }
    choose_twice(&format!("new password for {what}"), Emptiness::Refused)
}

/// Asks for a new secret twice on the terminal, asking again until both entries match.
pub fn choose_twice(question: &str, emptiness: Emptiness) -> Result<SecretString> {
    password::choose(&TerminalPrompt, question, emptiness)
}

/// The error for a secret that has no source: no file, no environment, no terminal.
pub fn no_password() -> Error {
    Error::usage(
        "no password given and stdin is not a terminal",
        format!("pass --password-file FILE or set {PASSWORD_ENV}"),
    )
}

/// Mnemonic words: a hidden prompt on a terminal, otherwise all of stdin.
pub fn read_words() -> Result<Zeroizing<String>> {
    if std::io::stdin().is_terminal() {
        let words = TerminalPrompt.secret("mnemonic words (hidden, separated by spaces)")?;
        return Ok(Zeroizing::new(words.expose_secret().to_string()));
    }
    let mut text = Zeroizing::new(String::new());
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|_| Error::bad_input("cannot read the words from stdin (not UTF-8 text?)"))?;
    Ok(text)
}

/// Whether stdin is a terminal (interactive use).
pub fn interactive() -> bool {
    std::io::stdin().is_terminal()
}
