//! The two ways the host reaches the Bitcoin network: Bitcoin Core's JSON-RPC (cookie file or
//! user and password; no wallet needed on the node) and an Electrum server (TCP or TLS).
//! Each syncs a watch-only wallet, estimates fees and broadcasts.

use std::path::PathBuf;

use bdk_bitcoind_rpc::bitcoincore_rpc::{self, Auth, RpcApi};
use bdk_bitcoind_rpc::Emitter;
use bdk_electrum::electrum_client::{self, ElectrumApi, Param};
use bdk_electrum::BdkElectrumClient;
use bdk_wallet::Wallet;
use bitcoin::consensus::encode::serialize_hex;
use bitcoin::{FeeRate, Network, Transaction, Txid};
use indicatif::ProgressBar;
use serde_json::{json, Value};

use crate::error::Said;
use crate::i18n::Text;
use crate::{Error, Result};

/// Addresses past the last used one that an Electrum scan still looks at.
const STOP_GAP: usize = 50;
/// The Electrum protocol version electrum-client speaks.
const ELECTRUM_PROTOCOL: &str = "1.4";
/// Scripts per Electrum batch request.
const BATCH: usize = 20;

/// How to authenticate to Bitcoin Core.
#[derive(Debug, Clone)]
pub enum CoreAuth {
    /// The node's `.cookie` file.
    Cookie(PathBuf),
    /// `rpcuser` and its password.
    UserPass(String, String),
}

/// A backend as configured: `core:URL` or `electrum:URL`.
#[derive(Debug, Clone)]
pub enum BackendSpec {
    /// Bitcoin Core JSON-RPC at `url`.
    Core {
        /// `http://host:port`.
        url: String,
        /// Credentials.
        auth: CoreAuth,
    },
    /// An Electrum server at `url` (`tcp://host:port` or `ssl://host:port`).
    Electrum {
        /// The server.
        url: String,
        /// Accept any TLS certificate (self-signed servers).
        insecure_tls: bool,
    },
}

/// Splits `core:URL` / `electrum:URL` into kind and URL.
pub fn parse_spec(spec: &str) -> Result<(&str, String)> {
    let bad = || {
        Error::usage(
            format!("unknown backend {spec:?}"),
            "use core:http://HOST:PORT or electrum:tcp://HOST:PORT / electrum:ssl://HOST:PORT",
        )
    };
    let (kind, url) = spec.split_once(':').ok_or_else(bad)?;
    match kind {
        "core" if url.starts_with("http://") || url.starts_with("https://") => {
            Ok(("core", url.to_string()))
        }
        "core" => Ok(("core", format!("http://{url}"))),
        "electrum" if url.starts_with("tcp://") || url.starts_with("ssl://") => {
            Ok(("electrum", url.to_string()))
        }
        _ => Err(bad()),
    }
}

fn backend_error(message: Text) -> Error {
    Error::backend_said(Said::new(message, Some(Text::new("hint-backend"))))
}

/// A connected backend, checked to serve the expected network.
pub enum Backend {
    /// Bitcoin Core.
    Core {
        /// The RPC client.
        client: bitcoincore_rpc::Client,
        /// For messages.
        url: String,
    },
    /// An Electrum server.
    Electrum {
        /// bdk's client (boxed: it carries its caches).
        client: Box<BdkElectrumClient<electrum_client::Client>>,
        /// For messages.
        url: String,
    },
}

impl Backend {
    /// Connects and checks that the backend serves `network`.
    pub fn connect(spec: &BackendSpec, network: Network) -> Result<Self> {
        match spec {
            BackendSpec::Core { url, auth } => {
                let auth = match auth {
                    CoreAuth::Cookie(path) => {
                        if !path.is_file() {
                            return Err(Error::usage(
                                format!("cookie file {} does not exist", path.display()),
                                "point --rpc-cookie at the node's .cookie (in its datadir)",
                            ));
                        }
                        Auth::CookieFile(path.clone())
                    }
                    CoreAuth::UserPass(u, p) => Auth::UserPass(u.clone(), p.clone()),
                };
                let client =
                    bitcoincore_rpc::Client::new(url, auth).map_err(|e| core_error(url, e))?;
                let backend = Backend::Core {
                    client,
                    url: url.clone(),
                };
                let info = backend.core_call("getblockchaininfo", &[])?;
                let chain = info["chain"].as_str().unwrap_or_default();
                if chain != network.to_core_arg() {
                    return Err(Error::usage(
                        format!("bitcoin core at {url} runs {chain}, the wallet is for {network}"),
                        "connect to a node of the wallet's network",
                    ));
                }
                Ok(backend)
            }
            BackendSpec::Electrum { url, insecure_tls } => {
                let config = electrum_client::Config::builder()
                    .timeout(Some(20))
                    .retry(0)
                    .validate_domain(!insecure_tls)
                    .build();
                let client = electrum_client::Client::from_config(url, config)
                    .map_err(|e| electrum_error(url, e))?;
                // Servers (ElectrumX, e-x) serve nothing before the version handshake.
                client
                    .raw_call(
                        "server.version",
                        [
                            Param::String(concat!("coldsign ", env!("CARGO_PKG_VERSION")).into()),
                            Param::String(ELECTRUM_PROTOCOL.into()),
                        ],
                    )
                    .map_err(|e| electrum_error(url, e))?;
                let genesis = client.block_header(0).map_err(|e| electrum_error(url, e))?;
                if genesis.block_hash() != bitcoin::constants::genesis_block(network).block_hash() {
                    return Err(Error::usage(
                        format!("the electrum server at {url} does not serve {network}"),
                        "connect to a server of the wallet's network",
                    ));
                }
                Ok(Backend::Electrum {
                    client: Box::new(BdkElectrumClient::new(client)),
                    url: url.clone(),
                })
            }
        }
    }

    fn core_call(&self, method: &str, params: &[Value]) -> Result<Value> {
        match self {
            Backend::Core { client, url } => {
                client.call(method, params).map_err(|e| core_error(url, e))
            }
            Backend::Electrum { .. } => {
                Err(Error::Internal(format!("{method} needs bitcoin core")))
            }
        }
    }

    /// Brings `wallet` up to the chain tip (and mempool). `birthday` is the first height a
    /// Core scan looks at; `progress` counts blocks (Core) or scripts (Electrum).
    pub fn sync(&self, wallet: &mut Wallet, birthday: u32, progress: &ProgressBar) -> Result<()> {
        match self {
            Backend::Core { client, url } => {
                let tip = client.get_block_count().map_err(|e| core_error(url, e))?;
                let from = u64::from(wallet.latest_checkpoint().height().max(birthday));
                let unconfirmed: Vec<_> = wallet
                    .transactions()
                    .filter(|t| !t.chain_position.is_confirmed())
                    .map(|t| t.tx_node.tx.clone())
                    .collect();
                let mut emitter =
                    Emitter::new(client, wallet.latest_checkpoint(), birthday, unconfirmed);
                while let Some(event) = emitter.next_block().map_err(|e| core_error(url, e))? {
                    let height = event.block_height();
                    wallet
                        .apply_block_connected_to(&event.block, height, event.connected_to())
                        .map_err(|e| {
                            backend_error(
                                Text::new("error-backend-block-disconnected")
                                    .arg("height", height)
                                    .arg("error", e),
                            )
                        })?;
                    progress.set_length(tip.saturating_sub(from));
                    progress.set_position(u64::from(height).saturating_sub(from));
                }
                let mempool = emitter.mempool().map_err(|e| core_error(url, e))?;
                wallet.apply_evicted_txs(mempool.evicted);
                wallet.apply_unconfirmed_txs(mempool.update);
                Ok(())
            }
            Backend::Electrum { client, url } => {
                client.populate_tx_cache(wallet.tx_graph().full_txs().map(|n| n.tx));
                let bar = progress.clone();
                let request = wallet.start_full_scan().inspect(move |_, _, _| bar.inc(1));
                let update = client
                    .full_scan(request, STOP_GAP, BATCH, true)
                    .map_err(|e| electrum_error(url, e))?;
                wallet.apply_update(update).map_err(|e| {
                    backend_error(Text::new("error-backend-chain-disconnected").arg("error", e))
                })?;
                Ok(())
            }
        }
    }

    /// The fee rate expected to confirm within `target` blocks.
    pub fn estimate_fee_rate(&self, target: u16) -> Result<FeeRate> {
        let btc_per_kvb = match self {
            Backend::Core { .. } => {
                let estimate = self.core_call("estimatesmartfee", &[json!(target)])?;
                estimate["feerate"].as_f64()
            }
            Backend::Electrum { client, url } => Some(
                client
                    .inner
                    .estimate_fee(usize::from(target))
                    .map_err(|e| electrum_error(url, e))?,
            )
            .filter(|r| *r > 0.0),
        };
        let sat_per_kvb = btc_per_kvb
            .map(|r| (r * 100_000_000.0).round() as u64)
            .filter(|r| *r > 0)
            .ok_or_else(|| {
                Error::usage(
                    format!("the backend has no fee estimate for {target} blocks"),
                    "give the rate yourself with --fee-rate SAT_PER_VB",
                )
            })?;
        Ok(FeeRate::from_sat_per_kwu(sat_per_kvb.div_ceil(4)))
    }

    /// Broadcasts `tx`. Bitcoin Core first runs `testmempoolaccept`, so a rejected
    /// transaction is reported with the node's reason and never sent.
    pub fn broadcast(&self, tx: &Transaction) -> Result<Txid> {
        match self {
            Backend::Core { client, url } => {
                let hex = serialize_hex(tx);
                let verdict = self.core_call("testmempoolaccept", &[json!([hex])])?;
                let first = &verdict[0];
                if first["allowed"] != json!(true) {
                    let reason = match first["reject-reason"].as_str() {
                        Some(reason) => Text::verbatim(reason),
                        None => Text::new("error-no-reason-given"),
                    };
                    return Err(Error::unverified(
                        Text::new("error-core-rejects").text_arg("reason", reason),
                    ));
                }
                client
                    .send_raw_transaction(hex.as_str())
                    .map_err(|e| core_error(url, e))
            }
            Backend::Electrum { client, url } => client
                .transaction_broadcast(tx)
                .map_err(|e| electrum_error(url, e)),
        }
    }
}

fn core_error(url: &str, e: bitcoincore_rpc::Error) -> Error {
    let text = e.to_string();
    if text.contains("401") {
        return Error::backend_said(Said::new(
            Text::new("error-backend-core-credentials").arg("url", url),
            Some(Text::new("hint-backend-core-credentials")),
        ));
    }
    if let bitcoincore_rpc::Error::JsonRpc(bitcoincore_rpc::jsonrpc::Error::Rpc(rpc)) = &e {
        return backend_error(
            Text::new("error-backend-core")
                .arg("url", url)
                .arg("error", rpc.message.to_lowercase()),
        );
    }
    backend_error(
        Text::new("error-backend-core-unreachable")
            .arg("url", url)
            .arg("error", text.to_lowercase()),
    )
}

fn electrum_error(url: &str, e: electrum_client::Error) -> Error {
    backend_error(
        Text::new("error-backend-electrum")
            .arg("url", url)
            .arg("error", e.to_string().to_lowercase()),
    )
}
