//! Where a password or passphrase comes from: a file, the environment, or a question asked
//! through a [`Prompt`]. Secrets never come from argv.

use std::path::Path;

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::keystore::Keystore;
use super::material::KeyMaterial;
use super::password::{self, Emptiness};
use crate::i18n::Text;
use crate::prompt::Prompt;
use crate::{Error, Result};

/// The environment variable holding the keystore password for automation.
pub const PASSWORD_ENV: &str = "COLDSIGN_PASSWORD";

/// Reads the first line of a secret file (without its line ending).
pub fn from_file(path: &Path) -> Result<SecretString> {
    let data = Zeroizing::new(crate::files::read_input(path)?);
    let text = std::str::from_utf8(&data).map_err(|_| {
        Error::said(
            Text::new("error-not-utf8").arg("path", path.display()),
            None,
        )
    })?;
    let first = text.lines().next().unwrap_or("");
    Ok(SecretString::from(first.to_string()))
}

/// The password of an existing keystore: `file`, then `COLDSIGN_PASSWORD`, then a question.
pub fn existing_password(
    prompt: &dyn Prompt,
    file: Option<&Path>,
    question: &Text,
) -> Result<SecretString> {
    if let Some(path) = file {
        return from_file(path);
    }
    if let Ok(value) = std::env::var(PASSWORD_ENV) {
        return Ok(SecretString::from(value));
    }
    prompt
        .secret(&question.localized())
        .map_err(|_| no_password())
}

/// A password for a new keystore, settled before anything is generated or shown: `file` or
/// `COLDSIGN_PASSWORD` (refused when empty), otherwise asked twice (asked again on a mismatch
/// or an empty entry); no source at all is a usage error.
pub fn new_password(
    prompt: &dyn Prompt,
    file: Option<&Path>,
    question: &Text,
) -> Result<SecretString> {
    if let Some(path) = file {
        return password::require_non_empty(from_file(path)?, &path.display().to_string());
    }
    if let Ok(value) = std::env::var(PASSWORD_ENV) {
        return password::require_non_empty(SecretString::from(value), PASSWORD_ENV);
    }
    if !prompt.interactive() {
        return Err(no_password());
    }
    password::choose(prompt, question, Emptiness::Refused)
}

/// An existing secret read from `file` when given, otherwise asked once at the prompt.
pub fn given(prompt: &dyn Prompt, file: Option<&Path>, question: &Text) -> Result<SecretString> {
    match file {
        Some(file) => from_file(file),
        None => prompt.secret(&question.localized()),
    }
}

/// A secret read from `file` when given, otherwise chosen twice at the prompt.
pub fn chosen(
    prompt: &dyn Prompt,
    file: Option<&Path>,
    question: &Text,
    emptiness: Emptiness,
) -> Result<SecretString> {
    match file {
        Some(file) => from_file(file),
        None => password::choose(prompt, question, emptiness),
    }
}

/// Loads the keystore at `path` and unlocks it with its password ([`existing_password`]).
pub fn unlock(
    prompt: &dyn Prompt,
    path: &Path,
    password_file: Option<&Path>,
) -> Result<(Keystore, KeyMaterial)> {
    let keystore = Keystore::load(path)?;
    let password = existing_password(
        prompt,
        password_file,
        &Text::new("prompt-password-keystore").arg("path", path.display()),
    )?;
    let material = keystore.unlock(&password, path)?;
    Ok((keystore, material))
}

/// A replacement password from `file`, checked before the old one is asked; none means it
/// is to be chosen at the prompt, which must then be interactive.
pub fn replacement_password(
    prompt: &dyn Prompt,
    file: Option<&Path>,
) -> Result<Option<SecretString>> {
    match file {
        Some(file) => Ok(Some(password::require_non_empty(
            from_file(file)?,
            &file.display().to_string(),
        )?)),
        None if !prompt.interactive() => Err(Error::said(
            Text::new("error-new-password-no-terminal"),
            Some(Text::new("hint-new-password-no-terminal")),
        )),
        None => Ok(None),
    }
}

/// The error for a secret that has no source: no file, no environment, no terminal.
fn no_password() -> Error {
    Error::said(
        Text::new("error-no-password"),
        Some(Text::new("hint-no-password").arg("variable", PASSWORD_ENV)),
    )
}
