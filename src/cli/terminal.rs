//! The terminal side of user interaction: prompts, and where passwords, passphrases and
//! mnemonic words come from (a file, the environment, the terminal, or stdin). Secrets never
//! come from argv.

use std::io::{BufRead, IsTerminal, Read, Write};

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::prompt::Prompt;
use crate::{Error, Result};

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

/// Mnemonic words: a hidden prompt on a terminal, otherwise all of stdin.
pub fn read_words() -> Result<Zeroizing<String>> {
    if std::io::stdin().is_terminal() {
        let words = TerminalPrompt.secret(&crate::i18n::t("prompt-mnemonic-words"))?;
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
