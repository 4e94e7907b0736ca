//! The crate's error type and its mapping to the documented exit codes.

use std::path::PathBuf;

use crate::i18n::Text;
use crate::keys::{
    keystore::KeystoreError, keystore_v3::V3Error, mnemonic::MnemonicError, xkey::XkeyError,
};

/// Stable process exit codes (documented in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Success.
    Ok = 0,
    /// The user declined, or a policy denied the request.
    Declined = 1,
    /// Bad input or usage.
    BadInput = 2,
    /// A hardware device or transport failed.
    Device = 3,
    /// A cryptographic or consistency verification failed.
    Verification = 4,
    /// The keystore password was wrong.
    WrongPassword = 5,
    /// The file system (or, online, a backend) failed.
    Io = 6,
    /// A bug in coldsign.
    Internal = 70,
}

/// Every error coldsign reports. Messages are one lower-case line with context.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A command-line or input problem the user can fix.
    #[error("{message}")]
    Usage {
        /// What is wrong.
        message: String,
        /// How to fix it.
        hint: Option<String>,
        /// The message and hint in the catalogs, when they are there.
        said: Option<Box<Said>>,
    },
    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}")]
    File {
        /// What was attempted ("cannot read", "cannot write").
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// An output file exists and may not be replaced.
    #[error("refusing to overwrite existing file {0}")]
    Exists(PathBuf),
    /// The user answered no, or a check refused to go on.
    #[error("{message}")]
    Declined {
        /// What was declined (English).
        message: String,
        /// The same as a catalog text, when the catalogs say it.
        said: Option<Box<Text>>,
    },
    /// The treasury policy denied the request.
    #[error("policy denies this request: {rule}: {detail}")]
    PolicyDenied {
        /// The rule that failed.
        rule: String,
        /// What it compared.
        detail: String,
    },
    /// The review raised warnings the operator did not allow.
    #[error("refusing to sign: {} not allowed", .0.join(", "))]
    Refused(Vec<&'static str>),
    /// A mnemonic could not be parsed.
    #[error(transparent)]
    Mnemonic(#[from] MnemonicError),
    /// A coldsign keystore could not be read or unlocked.
    #[error(transparent)]
    Keystore(#[from] KeystoreError),
    /// An Ethereum keystore v3 file could not be read or unlocked.
    #[error(transparent)]
    KeystoreV3(#[from] V3Error),
    /// An extended key was malformed.
    #[error(transparent)]
    Xkey(#[from] XkeyError),
    /// Input bytes are not a valid request.
    #[error(transparent)]
    Request(#[from] crate::request::RequestError),
    /// A device (hardware wallet, camera) or its transport failed: locked, wrong app,
    /// unplugged, busy, protocol.
    #[error("{message}")]
    Device {
        /// What went wrong.
        message: String,
        /// What the user can do about it.
        hint: Option<String>,
        /// The message and hint in the catalogs, when they are there.
        said: Option<Box<Said>>,
    },
    /// A verification failed (a script, a signature, a derived value).
    #[error("{message}")]
    Verification {
        /// What failed (English).
        message: String,
        /// The same as a catalog text, when the catalogs say it.
        said: Option<Box<Text>>,
    },
    /// A network backend (Bitcoin Core, Electrum) failed or was unreachable.
    #[error("{message}")]
    Backend {
        /// What failed, naming the backend.
        message: String,
        /// What to check.
        hint: Option<String>,
        /// The message and hint in the catalogs, when they are there.
        said: Option<Box<Said>>,
    },
    /// An invariant did not hold: a bug.
    #[error("internal error: {0}")]
    Internal(String),
}

/// An error's message and hint as catalog texts (`locales/*/errors.ftl`), said in the
/// operator's language on stderr. Their English is the error's `to_string()` and `hint()`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Said {
    /// The message.
    pub message: Text,
    /// The hint, when there is one.
    pub hint: Option<Text>,
}

impl Said {
    /// The message `message` with the hint `hint`.
    pub fn new(message: Text, hint: Option<Text>) -> Self {
        Said { message, hint }
    }
}

impl Error {
    /// A usage error with a hint.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: Some(hint.into()),
            said: None,
        }
    }

    /// A usage error without a hint.
    pub fn bad_input(message: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: None,
            said: None,
        }
    }

    /// A usage error said by the catalogs: its English (JSON, `to_string()`) is the English
    /// catalog's text.
    pub fn said(message: Text, hint: Option<Text>) -> Self {
        Error::Usage {
            message: message.english(),
            hint: hint.as_ref().map(Text::english),
            said: Some(Box::new(Said::new(message, hint))),
        }
    }

    /// A device error said by the catalogs (English as in [`Error::said`]).
    pub fn device_said(said: Said) -> Self {
        Error::Device {
            message: said.message.english(),
            hint: said.hint.as_ref().map(Text::english),
            said: Some(Box::new(said)),
        }
    }

    /// A failed verification whose message comes from elsewhere (another library's error),
    /// said in English in every language.
    pub fn verification(message: impl Into<String>) -> Self {
        Error::Verification {
            message: message.into(),
            said: None,
        }
    }

    /// A failed verification said by the catalogs (English as in [`Error::said`]).
    pub fn unverified(message: Text) -> Self {
        Error::Verification {
            message: message.english(),
            said: Some(Box::new(message)),
        }
    }

    /// A backend failure said by the catalogs (English as in [`Error::said`]).
    pub fn backend_said(said: Said) -> Self {
        Error::Backend {
            message: said.message.english(),
            hint: said.hint.as_ref().map(Text::english),
            said: Some(Box::new(said)),
        }
    }

    /// A decline said by the catalogs: its English (JSON, `to_string()`) is the English
    /// catalog's text.
    pub fn declined(message: Text) -> Self {
        Error::Declined {
            message: message.english(),
            said: Some(Box::new(message)),
        }
    }

    /// The exit code this error ends the process with.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Error::Usage { .. }
            | Error::Exists(_)
            | Error::Mnemonic(_)
            | Error::Xkey(_)
            | Error::Request(_) => ExitCode::BadInput,
            Error::File { .. } | Error::Backend { .. } => ExitCode::Io,
            Error::Declined { .. } | Error::Refused(_) | Error::PolicyDenied { .. } => {
                ExitCode::Declined
            }
            Error::Verification { .. } => ExitCode::Verification,
            Error::Device { .. } => ExitCode::Device,
            Error::Keystore(e) => e.exit_code(),
            Error::KeystoreV3(e) => e.exit_code(),
            Error::Internal(_) => ExitCode::Internal,
        }
    }

    /// A stable machine-readable name for `--json` errors.
    pub fn code(&self) -> &'static str {
        match self.exit_code() {
            ExitCode::Ok => "ok",
            ExitCode::Declined => "declined",
            ExitCode::BadInput => "bad_input",
            ExitCode::Device => "device",
            ExitCode::Verification => "verification_failed",
            ExitCode::WrongPassword => "wrong_password",
            ExitCode::Io => "io",
            ExitCode::Internal => "internal",
        }
    }

    /// A suggestion for the user, when there is a useful one.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Usage { hint, .. }
            | Error::Device { hint, .. }
            | Error::Backend { hint, .. } => hint.clone(),
            Error::Exists(_) => Some("choose another path, or pass --force to replace it".into()),
            Error::PolicyDenied { .. } => Some(
                "the policy file decides; change it through your approval process, not here".into(),
            ),
            Error::Refused(codes) if codes.contains(&"btc.network.mismatch") => Some(
                "the request is for another network than this signer's: pass --network (or set network in config.toml), not --allow".into(),
            ),
            Error::Refused(_) => Some(
                "read each warning above; accept one only by naming it with --allow CODE".into(),
            ),
            Error::Mnemonic(e) => e.hint(),
            Error::Keystore(e) => e.hint(),
            Error::KeystoreV3(e) => e.hint(),
            _ => None,
        }
    }
}

impl Error {
    /// The message in the operator's language (English when the catalogs lack it).
    pub fn localized_message(&self) -> String {
        match self.catalog_texts() {
            Some(said) => said.message.localized(),
            None => self.to_string(),
        }
    }

    /// The hint in the operator's language (English when the catalogs lack it).
    pub fn localized_hint(&self) -> Option<String> {
        match self.catalog_texts() {
            Some(said) => said.hint.map(|hint| hint.localized()),
            None => self.hint(),
        }
    }

    /// The message and hint as catalog texts; `None` for an error said only in English.
    pub fn catalog_texts(&self) -> Option<Said> {
        match self {
            Error::Usage { said, .. }
            | Error::Device { said, .. }
            | Error::Backend { said, .. } => said.as_deref().cloned(),
            Error::File {
                action,
                path,
                source,
            } => file_action_id(action).map(|id| {
                let message = Text::new(id)
                    .arg("path", path.display())
                    .arg("reason", source);
                Said::new(message, None)
            }),
            Error::Exists(path) => Some(Said::new(
                Text::new("error-exists").arg("path", path.display()),
                Some(Text::new("hint-exists")),
            )),
            Error::Declined { said, .. } | Error::Verification { said, .. } => {
                said.as_deref().map(|text| Said::new(text.clone(), None))
            }
            Error::PolicyDenied { rule, detail } => Some(Said::new(
                Text::new("error-policy-denied")
                    .arg("rule", rule)
                    .arg("detail", detail),
                Some(Text::new("hint-policy-denied")),
            )),
            Error::Refused(codes) => Some(Said::new(
                Text::new("error-refused").arg("codes", codes.join(", ")),
                Some(Text::new(if codes.contains(&"btc.network.mismatch") {
                    "hint-refused-network"
                } else {
                    "hint-refused"
                })),
            )),
            Error::Mnemonic(e) => Some(e.said()),
            Error::Keystore(e) => Some(e.said()),
            Error::KeystoreV3(e) => Some(e.said()),
            Error::Xkey(e) => Some(e.said()),
            Error::Request(e) => e.said(),
            Error::Internal(detail) => Some(Said::new(
                Text::new("error-internal").arg("detail", detail),
                None,
            )),
        }
    }
}

/// The catalog message of a [`Error::File`] action.
fn file_action_id(action: &str) -> Option<&'static str> {
    Some(match action {
        "cannot read" => "error-file-read",
        "cannot write" => "error-file-write",
        "cannot create" => "error-file-create",
        "cannot append to" => "error-file-append",
        "cannot create directory" => "error-file-create-directory",
        "cannot remove" => "error-file-remove",
        _ => return None,
    })
}

/// Shorthand for results in coldsign.
pub type Result<T, E = Error> = std::result::Result<T, E>;
