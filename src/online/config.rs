//! Defaults for the online commands, read from `$XDG_CONFIG_HOME/coldsign/config.toml` (or
//! `COLDSIGN_CONFIG`). Every key is optional; command-line options win.
//!
//! ```toml
//! backend = "core:http://127.0.0.1:8332"     # or "electrum:ssl://electrum.example:50002"
//! rpc_cookie = "/home/me/.bitcoin/.cookie"   # Core: cookie file, or
//! rpc_user = "coldsign"                      # Core: user and a file holding the password
//! rpc_password_file = "/home/me/.coldsign-rpc"
//! electrum_insecure_tls = false              # accept a self-signed Electrum certificate
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::backend::{parse_spec, BackendSpec, CoreAuth};
use crate::{files, Error, Result};

/// The parsed config file.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Default backend, `core:URL` or `electrum:URL`.
    pub backend: Option<String>,
    /// Bitcoin Core cookie file.
    pub rpc_cookie: Option<PathBuf>,
    /// Bitcoin Core RPC user.
    pub rpc_user: Option<String>,
    /// File whose first line is the Bitcoin Core RPC password.
    pub rpc_password_file: Option<PathBuf>,
    /// Accept any TLS certificate from the Electrum server.
    pub electrum_insecure_tls: Option<bool>,
}

/// The config file path: `COLDSIGN_CONFIG`, else the XDG config directory.
pub fn path() -> Option<PathBuf> {
    std::env::var_os("COLDSIGN_CONFIG")
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|d| d.join("coldsign").join("config.toml")))
}

impl Config {
    /// Loads the config file; a missing file is an empty config.
    pub fn load() -> Result<Self> {
        match path() {
            Some(p) if p.exists() => Self::read(&p),
            _ => Ok(Config::default()),
        }
    }

    fn read(path: &Path) -> Result<Self> {
        let text = files::read_text(path)?;
        toml::from_str(&text).map_err(|e| {
            Error::bad_input(format!(
                "config file {}: {}",
                path.display(),
                e.message().to_lowercase()
            ))
        })
    }

    /// This config with every key that `over` sets taken from `over` (command-line options
    /// win over the file).
    pub fn overridden_by(self, over: Config) -> Config {
        Config {
            backend: over.backend.or(self.backend),
            rpc_cookie: over.rpc_cookie.or(self.rpc_cookie),
            rpc_user: over.rpc_user.or(self.rpc_user),
            rpc_password_file: over.rpc_password_file.or(self.rpc_password_file),
            electrum_insecure_tls: match over.electrum_insecure_tls {
                Some(true) => Some(true),
                _ => self.electrum_insecure_tls,
            },
        }
    }

    /// The backend to connect to, with its credentials.
    pub fn backend_spec(&self) -> Result<BackendSpec> {
        let text = self.backend.clone().ok_or_else(|| {
            Error::usage(
                "no backend given",
                "pass --backend core:URL or electrum:URL, or set `backend` in the config file",
            )
        })?;
        let (kind, url) = parse_spec(&text)?;
        if kind == "electrum" {
            return Ok(BackendSpec::Electrum {
                url,
                insecure_tls: self.electrum_insecure_tls == Some(true),
            });
        }
        let auth = match (self.rpc_cookie.clone(), self.rpc_user.clone()) {
            (Some(path), None) => CoreAuth::Cookie(path),
            (None, Some(user)) => CoreAuth::UserPass(user, self.password()?),
            (Some(_), Some(_)) => {
                return Err(Error::bad_input(
                    "give either --rpc-cookie or --rpc-user, not both",
                ))
            }
            (None, None) => {
                return Err(Error::usage(
                    "bitcoin core needs credentials",
                    "pass --rpc-cookie FILE, or --rpc-user USER with --rpc-password-file FILE",
                ))
            }
        };
        Ok(BackendSpec::Core { url, auth })
    }

    /// The Bitcoin Core RPC password: `COLDSIGN_RPC_PASSWORD`, else the first line of the
    /// password file.
    fn password(&self) -> Result<String> {
        if let Ok(p) = std::env::var("COLDSIGN_RPC_PASSWORD") {
            return Ok(p);
        }
        let path = self.rpc_password_file.as_deref().ok_or_else(|| {
            Error::usage(
                "--rpc-user needs a password",
                "pass --rpc-password-file FILE or set COLDSIGN_RPC_PASSWORD",
            )
        })?;
        Ok(files::read_text(path)?
            .lines()
            .next()
            .unwrap_or_default()
            .to_string())
    }
}
