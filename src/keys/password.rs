//! Choosing a new secret (keystore password, BIP39 passphrase, v3 file password): asked twice
//! and asked again until both entries match (and, where required, are not empty), so a typing
//! slip never ends a ceremony; and the checks a secret from a file or the environment must pass
//! before anything is generated or shown.

use secrecy::{ExposeSecret, SecretString};

use crate::i18n::{t, Text};
use crate::prompt::Prompt;
use crate::{Error, Result};

/// How many tries a person gets at a terminal before the ceremony stops.
pub const ATTEMPTS: usize = 5;

/// Whether an empty entry is acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Emptiness {
    /// An empty entry is asked again (passwords).
    Refused,
    /// An empty entry is a valid answer (an explicitly requested BIP39 passphrase may be "").
    Allowed,
}

/// Asks for a new secret and its repetition until both agree; says why on each retry.
pub fn choose(prompt: &dyn Prompt, question: &Text, emptiness: Emptiness) -> Result<SecretString> {
    for _ in 0..ATTEMPTS {
        let first = prompt.secret(&question.localized())?;
        if emptiness == Emptiness::Refused && first.expose_secret().is_empty() {
            prompt.show(&t("prompt-secret-empty-retry"));
            continue;
        }
        let second = prompt.secret(&t("prompt-secret-repeat"))?;
        if first.expose_secret() != second.expose_secret() {
            prompt.show(&t("prompt-secret-differ-retry"));
            continue;
        }
        return Ok(first);
    }
    let message = Text::new("error-no-matching-entry")
        .text_arg("question", question.clone())
        .arg("attempts", ATTEMPTS);
    Err(Error::said(message, None))
}

/// Refuses an empty password from a file or the environment, naming where it came from.
pub fn require_non_empty(password: SecretString, origin: &str) -> Result<SecretString> {
    if password.expose_secret().is_empty() {
        return Err(Error::said(
            Text::new("error-password-empty").arg("origin", origin),
            Some(Text::new("hint-password-empty")),
        ));
    }
    Ok(password)
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use super::*;

    /// A scripted terminal: answers secrets in order and records what it was shown.
    struct Scripted {
        answers: RefCell<Vec<&'static str>>,
        shown: RefCell<Vec<String>>,
    }

    impl Scripted {
        fn new(answers: &[&'static str]) -> Self {
            Scripted {
                answers: RefCell::new(answers.iter().rev().copied().collect()),
                shown: RefCell::new(vec![]),
            }
        }
    }

    impl Prompt for Scripted {
        fn show(&self, text: &str) {
            self.shown.borrow_mut().push(text.to_string());
        }
        fn line(&self, _question: &str) -> Result<String> {
            Err(Error::bad_input("no line expected"))
        }
        fn secret(&self, _question: &str) -> Result<SecretString> {
            let next = self.answers.borrow_mut().pop();
            next.map(|a| SecretString::from(a.to_string()))
                .ok_or_else(|| Error::bad_input("no more answers"))
        }
        fn interactive(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_mismatch_or_an_empty_entry_is_asked_again() {
        let prompt = Scripted::new(&["", "one", "two", "pw", "pw"]);
        let chosen = choose(
            &prompt,
            &Text::new("prompt-new-password"),
            Emptiness::Refused,
        )
        .unwrap();
        assert_eq!(chosen.expose_secret(), "pw");
        assert_eq!(
            *prompt.shown.borrow(),
            [
                "it must not be empty; try again",
                "the two entries differ; try again"
            ]
        );
    }

    #[test]
    fn an_empty_passphrase_may_be_allowed_and_tries_are_limited() {
        let prompt = Scripted::new(&["", ""]);
        let chosen = choose(
            &prompt,
            &Text::new("prompt-bip39-passphrase"),
            Emptiness::Allowed,
        )
        .unwrap();
        assert_eq!(chosen.expose_secret(), "");
        let answers: Vec<&'static str> = ["a", "b"].repeat(ATTEMPTS);
        let prompt = Scripted::new(&answers);
        let err = choose(
            &prompt,
            &Text::new("prompt-bip39-passphrase"),
            Emptiness::Allowed,
        )
        .unwrap_err();
        assert!(err.to_string().contains("after 5 tries"), "{err}");
    }

    #[test]
    fn an_empty_password_from_a_file_is_refused() {
        let err = require_non_empty(SecretString::from(String::new()), "pw.txt").unwrap_err();
        assert!(err.to_string().contains("pw.txt"));
        assert!(require_non_empty(SecretString::from("x".to_string()), "pw.txt").is_ok());
    }
}
