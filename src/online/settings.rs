//! The online side of the config file: which backend to connect to, with what credentials
//! (command-line options win over the file).

use crate::config::Config;
use crate::online::backend::{parse_spec, Backend, BackendSpec, CoreAuth};
use crate::{files, Error, Result};

impl Config {
    /// This config with every key that `over` sets taken from `over` (command-line options
    /// win over the file).
    pub fn overridden_by(self, over: Config) -> Config {
        Config {
            network: over.network.or(self.network),
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

    /// Connects to the backend for `network` that the config file names, with what `over`
    /// sets winning over the file.
    pub fn connect_overriding(over: Config, network: bitcoin::Network) -> Result<Backend> {
        Backend::connect(
            &Config::load()?.overridden_by(over).backend_spec()?,
            network,
        )
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
