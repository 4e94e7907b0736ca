//! Defaults read from `$XDG_CONFIG_HOME/coldsign/config.toml` (or `COLDSIGN_CONFIG`), by every
//! command. Every key is optional; command-line options and their environment variables win.
//! Unknown keys are refused, never ignored.
//!
//! ```toml
//! network = "regtest"                        # bitcoin, testnet, signet or regtest
//! backend = "core:http://127.0.0.1:8332"     # or "electrum:ssl://electrum.example:50002"
//! rpc_cookie = "/home/me/.bitcoin/.cookie"   # Core: cookie file, or
//! rpc_user = "coldsign"                      # Core: user and a file holding the password
//! rpc_password_file = "/home/me/.coldsign-rpc"
//! electrum_insecure_tls = false              # accept a self-signed Electrum certificate
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::{files, Error, Result};

/// The parsed config file.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The Bitcoin network, when `--network` and `COLDSIGN_NETWORK` do not say.
    pub network: Option<ConfigNetwork>,
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

/// A network name in the config file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfigNetwork {
    /// Mainnet (also "mainnet").
    #[serde(alias = "mainnet")]
    Bitcoin,
    /// Testnet3.
    Testnet,
    /// Signet.
    Signet,
    /// Regtest.
    Regtest,
}

impl From<ConfigNetwork> for bitcoin::Network {
    fn from(n: ConfigNetwork) -> Self {
        match n {
            ConfigNetwork::Bitcoin => bitcoin::Network::Bitcoin,
            ConfigNetwork::Testnet => bitcoin::Network::Testnet,
            ConfigNetwork::Signet => bitcoin::Network::Signet,
            ConfigNetwork::Regtest => bitcoin::Network::Regtest,
        }
    }
}

/// The default keystore: `keystore.json` in the XDG data directory's `coldsign` folder.
pub fn default_keystore() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("coldsign").join("keystore.json"))
        .ok_or_else(|| {
            Error::usage(
                "cannot find a data directory for the keystore",
                "pass --keystore PATH",
            )
        })
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
}
