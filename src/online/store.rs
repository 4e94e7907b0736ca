//! Watch-only wallets on disk: one SQLite file per wallet (bdk_wallet's own store) in
//! `$XDG_DATA_HOME/coldsign/watch-only/`, or the directory in `--wallet-dir` /
//! `COLDSIGN_WALLET_DIR`. Beside bdk's tables a `coldsign_wallet` row keeps the multipath
//! descriptor as given and the birthday height.

use std::path::{Path, PathBuf};

use bdk_wallet::rusqlite::{self, Connection};
use bdk_wallet::{KeychainKind, PersistedWallet, Wallet};
use bitcoin::psbt::Psbt;
use bitcoin::Network;
use miniscript::descriptor::{Descriptor, DescriptorPublicKey};
use serde::Serialize;

use crate::btc::ownership::Policies;
use crate::btc::psbt_v2::PsbtVersion;
use crate::btc::wallets::{self, check_name};
use crate::review::bitcoin::{review, BtcReview, FeeLimits};
use crate::{Error, Result};

/// An open watch-only wallet.
pub struct WatchWallet {
    /// The name (the file stem).
    pub name: String,
    /// The `<0;1>` descriptor it watches.
    pub descriptor: Descriptor<DescriptorPublicKey>,
    /// The first block height that may hold its coins.
    pub birthday: u32,
    /// bdk's wallet (chain data, addresses, coins).
    pub wallet: PersistedWallet<Connection>,
    conn: Connection,
}

/// The default directory of watch-only wallets.
pub fn default_dir() -> Result<PathBuf> {
    dirs::data_dir()
        .map(|d| d.join("coldsign").join("watch-only"))
        .ok_or_else(|| {
            Error::usage(
                "cannot find a data directory for watch-only wallets",
                "pass --wallet-dir DIR",
            )
        })
}

fn db_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::bad_input(format!("wallet database {}: {e}", path.display()))
}

fn file(dir: &Path, name: &str) -> PathBuf {
    dir.join(format!("{name}.sqlite"))
}

impl WatchWallet {
    /// Creates wallet `name` in `dir`. The file appears complete or not at all, and an
    /// existing wallet is never replaced.
    pub fn create(
        dir: &Path,
        name: &str,
        descriptor: &Descriptor<DescriptorPublicKey>,
        network: Network,
        birthday: u32,
    ) -> Result<PathBuf> {
        check_name(name)?;
        let path = file(dir, name);
        if path.exists() {
            return Err(Error::usage(
                format!("a watch-only wallet named {name:?} exists"),
                "choose another name (see 'coldsign wallet list')",
            ));
        }
        crate::files::ensure_parent_dir(&path)?;
        let [receive, change] = wallets::branches(descriptor)?;
        let tmp = tempfile::Builder::new()
            .prefix(".coldsign-")
            .suffix(".sqlite")
            .tempfile_in(dir)
            .map_err(|source| Error::File {
                action: "cannot write",
                path: path.clone(),
                source,
            })?;
        {
            let mut conn = Connection::open(tmp.path()).map_err(|e| db_error(&path, e))?;
            Wallet::create(receive.to_string(), change.to_string())
                .network(network)
                .create_wallet(&mut conn)
                .map_err(|e| Error::bad_input(format!("bdk refuses the descriptor: {e}")))?;
            conn.execute_batch(
                "CREATE TABLE coldsign_wallet (name TEXT NOT NULL, descriptor TEXT NOT NULL, birthday INTEGER NOT NULL)",
            )
            .and_then(|_| {
                conn.execute(
                    "INSERT INTO coldsign_wallet VALUES (?1, ?2, ?3)",
                    rusqlite::params![name, descriptor.to_string(), birthday],
                )
            })
            .map_err(|e| db_error(&path, e))?;
        }
        tmp.persist_noclobber(&path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                Error::Exists(path.clone())
            } else {
                Error::File {
                    action: "cannot write",
                    path: path.clone(),
                    source: e.error,
                }
            }
        })?;
        Ok(path)
    }

    /// Checks that `descriptor` is for `network`, then creates wallet `name` in `dir`
    /// ([`WatchWallet::create`]) and opens it; also returns where it is stored.
    pub fn add(
        dir: &Path,
        name: &str,
        descriptor: &Descriptor<DescriptorPublicKey>,
        network: Network,
        birthday: u32,
    ) -> Result<(PathBuf, Self)> {
        super::import::check_network(descriptor, network)?;
        let path = Self::create(dir, name, descriptor, network, birthday)?;
        Ok((path, Self::open(dir, name)?))
    }

    /// The first receive address, to compare with the signer's.
    pub fn first_receive(&self) -> String {
        self.wallet
            .peek_address(KeychainKind::External, 0)
            .address
            .to_string()
    }

    /// Brings the wallet up to date from `backend` (scanning from its birthday at the
    /// earliest), showing `progress`, and saves it.
    pub fn sync(
        &mut self,
        backend: &super::backend::Backend,
        progress: &indicatif::ProgressBar,
    ) -> Result<()> {
        backend.sync(&mut self.wallet, self.birthday, progress)?;
        progress.finish_and_clear();
        self.persist()
    }

    /// Opens wallet `name` in `dir`.
    pub fn open(dir: &Path, name: &str) -> Result<Self> {
        check_name(name)?;
        let path = file(dir, name);
        if !path.is_file() {
            return Err(Error::usage(
                format!("no watch-only wallet named {name:?}"),
                "see 'coldsign wallet list', or create it with 'coldsign wallet add'",
            ));
        }
        let mut conn = Connection::open(&path).map_err(|e| db_error(&path, e))?;
        let (descriptor, birthday): (String, u32) = conn
            .query_row(
                "SELECT descriptor, birthday FROM coldsign_wallet LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| db_error(&path, e))?;
        let descriptor = wallets::parse_descriptor(&descriptor)?;
        let wallet = Wallet::load()
            .load_wallet(&mut conn)
            .map_err(|e| db_error(&path, e))?
            .ok_or_else(|| db_error(&path, "no wallet in the file"))?;
        Ok(WatchWallet {
            name: name.to_string(),
            descriptor,
            birthday,
            wallet,
            conn,
        })
    }

    /// Writes bdk's staged changes (addresses revealed, chain data) to the file.
    pub fn persist(&mut self) -> Result<()> {
        self.wallet
            .persist(&mut self.conn)
            .map(|_| ())
            .map_err(|e| Error::bad_input(format!("cannot save wallet {}: {e}", self.name)))
    }

    /// The wallet's network.
    pub fn network(&self) -> Network {
        self.wallet.network()
    }

    /// The wallet as the review's policies see it.
    pub fn as_registered(&self) -> wallets::Wallet {
        wallets::Wallet {
            name: self.name.clone(),
            descriptor: self.descriptor.clone(),
            ledger_hmacs: Default::default(),
        }
    }

    /// The review the signer will compute of `psbt` (written as `version`), with this
    /// wallet's change and inputs proved from its descriptor.
    pub fn review(&self, psbt: &Psbt, version: PsbtVersion) -> BtcReview {
        let policies = Policies::watch_only(self.as_registered());
        review(
            psbt,
            version,
            self.network(),
            &policies,
            &FeeLimits::default(),
        )
    }

    /// The wallet's state as of its last sync: balance and coins.
    pub fn summary(&self) -> WatchSummary {
        let b = self.wallet.balance();
        let mut utxos: Vec<Coin> = self
            .wallet
            .list_unspent()
            .map(|u| Coin {
                outpoint: u.outpoint.to_string(),
                amount: u.txout.value.to_sat(),
                keychain: match u.keychain {
                    KeychainKind::External => "receive",
                    KeychainKind::Internal => "change",
                },
                index: u.derivation_index,
                confirmed: u.chain_position.is_confirmed(),
            })
            .collect();
        utxos.sort_by(|a, b| a.outpoint.cmp(&b.outpoint));
        WatchSummary {
            name: self.name.clone(),
            kind: "watch-only",
            network: self.network().to_string(),
            descriptor: self.descriptor.to_string(),
            tip_height: self.wallet.latest_checkpoint().height(),
            balance: Balance {
                confirmed: b.confirmed.to_sat(),
                unconfirmed: (b.trusted_pending + b.untrusted_pending).to_sat(),
                total: b.total().to_sat(),
            },
            next_receive_index: self.wallet.next_derivation_index(KeychainKind::External),
            utxos,
        }
    }

    /// The next `count` unrevealed receive addresses, revealed and saved in one write before
    /// they are returned, so none is ever handed out twice.
    pub fn reveal_receive(&mut self, count: u32) -> Result<Vec<bdk_wallet::AddressInfo>> {
        let revealed = (0..count)
            .map(|_| self.wallet.reveal_next_address(KeychainKind::External))
            .collect();
        self.persist()?;
        Ok(revealed)
    }
}

/// A watch-only wallet's state, as of its last sync (amounts in satoshis).
#[derive(Debug, Clone, Serialize)]
pub struct WatchSummary {
    /// Wallet name.
    pub name: String,
    /// Always "watch-only".
    pub kind: &'static str,
    /// Network.
    pub network: String,
    /// The `<0;1>` descriptor.
    pub descriptor: String,
    /// Height of the last block synced.
    pub tip_height: u32,
    /// Balance.
    pub balance: Balance,
    /// The next receive address index to hand out.
    pub next_receive_index: u32,
    /// Unspent coins, by outpoint.
    pub utxos: Vec<Coin>,
}

/// A balance in satoshis.
#[derive(Debug, Clone, Serialize)]
pub struct Balance {
    /// Confirmed.
    pub confirmed: u64,
    /// Unconfirmed (ours and others').
    pub unconfirmed: u64,
    /// Both.
    pub total: u64,
}

/// An unspent coin of the wallet.
#[derive(Debug, Clone, Serialize)]
pub struct Coin {
    /// TXID:VOUT.
    pub outpoint: String,
    /// Satoshis.
    pub amount: u64,
    /// "receive" or "change".
    pub keychain: &'static str,
    /// Derivation index on that branch.
    pub index: u32,
    /// Whether it is confirmed.
    pub confirmed: bool,
}

/// Names of the watch-only wallets in `dir`, sorted.
pub fn names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".sqlite")?;
            (!stem.starts_with('.')).then(|| stem.to_string())
        })
        .collect();
    names.sort();
    names
}
