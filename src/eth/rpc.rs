//! A small Ethereum JSON-RPC client over HTTP(S) for the online side: chain id, nonce, gas
//! estimate, fee history, contract reads, raw transaction broadcast and receipts.

use std::time::Duration;

use alloy_primitives::{hex, Address, Bytes, B256, U256};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
pub enum RpcError {
    /// The node could not be reached.
    #[error("cannot reach {url}: {reason}")]
    Unreachable {
        /// The endpoint.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The node answered with an error.
    #[error("{method} failed: {message}")]
    Node {
        /// The method called.
        method: String,
        /// The node's message (with a decoded revert reason).
        message: String,
    },
    /// The answer was not what the method returns.
    #[error("{method} returned an unexpected answer: {detail}")]
    Answer {
        /// The method called.
        method: String,
        /// What was wrong.
        detail: String,
    },
}

/// A mined transaction's receipt.
#[derive(Debug, Clone)]
pub struct Receipt {
    /// 1 success, 0 reverted.
    pub status: u64,
    /// Block number.
    pub block: u64,
    /// Gas used.
    pub gas_used: u64,
}

/// A JSON-RPC endpoint.
pub struct Rpc {
    url: String,
    agent: ureq::Agent,
}

fn quantity(value: &Value) -> Option<U256> {
    let s = value.as_str()?.strip_prefix("0x")?;
    U256::from_str_radix(if s.is_empty() { "0" } else { s }, 16).ok()
}

fn hex_quantity<T: std::fmt::LowerHex>(n: T) -> String {
    format!("{n:#x}")
}

/// `Error(string)` revert data as text.
fn revert_reason(data: &str) -> Option<String> {
    let bytes = hex::decode(data).ok()?;
    let body = bytes.strip_prefix(&[0x08, 0xc3, 0x79, 0xa0][..])?;
    let len = usize::try_from(U256::from_be_slice(body.get(32..64)?)).ok()?;
    String::from_utf8(body.get(64..64 + len)?.to_vec()).ok()
}

impl Rpc {
    /// An endpoint at `url` (http:// or https://).
    pub fn new(url: &str) -> Self {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(30)))
            .http_status_as_error(false)
            .build()
            .into();
        Rpc {
            url: url.to_string(),
            agent,
        }
    }

    fn call<T: DeserializeOwned>(&self, method: &str, params: Value) -> Result<T, RpcError> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let unreachable = |reason: String| RpcError::Unreachable {
            url: self.url.clone(),
            reason,
        };
        let mut response = self
            .agent
            .post(&self.url)
            .send_json(&body)
            .map_err(|e| unreachable(e.to_string()))?;
        let status = response.status();
        let answer: Value = response
            .body_mut()
            .read_json()
            .map_err(|e| unreachable(format!("http {status}, not JSON-RPC ({e})")))?;
        if let Some(error) = answer.get("error") {
            let mut message = error["message"]
                .as_str()
                .unwrap_or("unknown error")
                .to_string();
            if let Some(reason) = error["data"].as_str().and_then(revert_reason) {
                message = format!("{message}: {reason}");
            }
            return Err(RpcError::Node {
                method: method.into(),
                message,
            });
        }
        serde_json::from_value(answer["result"].clone()).map_err(|e| RpcError::Answer {
            method: method.into(),
            detail: e.to_string(),
        })
    }

    fn quantity(&self, method: &str, params: Value) -> Result<U256, RpcError> {
        let value: Value = self.call(method, params)?;
        quantity(&value).ok_or_else(|| RpcError::Answer {
            method: method.into(),
            detail: format!("{value} is not a quantity"),
        })
    }

    fn small(&self, method: &str, params: Value) -> Result<u64, RpcError> {
        u64::try_from(self.quantity(method, params)?).map_err(|_| RpcError::Answer {
            method: method.into(),
            detail: "the number does not fit 64 bits".into(),
        })
    }

    /// `eth_chainId`.
    pub fn chain_id(&self) -> Result<u64, RpcError> {
        self.small("eth_chainId", json!([]))
    }

    /// The next nonce of `address`, counting pending transactions.
    pub fn nonce(&self, address: Address) -> Result<u64, RpcError> {
        self.small("eth_getTransactionCount", json!([address, "pending"]))
    }

    /// Balance in wei.
    pub fn balance(&self, address: Address) -> Result<U256, RpcError> {
        self.quantity("eth_getBalance", json!([address, "latest"]))
    }

    /// `eth_estimateGas` for a call.
    pub fn estimate_gas(
        &self,
        from: Address,
        to: Option<Address>,
        value: U256,
        data: &[u8],
    ) -> Result<u64, RpcError> {
        let mut call = json!({"from": from, "value": hex_quantity(value), "input": Bytes::copy_from_slice(data)});
        if let Some(to) = to {
            call["to"] = json!(to);
        }
        self.small("eth_estimateGas", json!([call]))
    }

    /// The next block's base fee and the median priority fee of recent blocks.
    pub fn fees(&self) -> Result<(u128, u128), RpcError> {
        let history: Value = self.call("eth_feeHistory", json!(["0x5", "latest", [50]]))?;
        let bad = |detail: &str| RpcError::Answer {
            method: "eth_feeHistory".into(),
            detail: detail.into(),
        };
        let base = history["baseFeePerGas"]
            .as_array()
            .and_then(|a| a.last())
            .and_then(quantity)
            .ok_or_else(|| bad("no baseFeePerGas"))?;
        let mut tips: Vec<U256> = history["reward"]
            .as_array()
            .map(|rows| rows.iter().filter_map(|r| quantity(&r[0])).collect())
            .unwrap_or_default();
        tips.sort();
        let tip = tips.get(tips.len() / 2).copied().unwrap_or_default();
        let to_u128 = |v: U256| u128::try_from(v).map_err(|_| bad("fee too large"));
        Ok((to_u128(base)?, to_u128(tip)?))
    }

    /// `eth_gasPrice`, for legacy and EIP-2930 transactions.
    pub fn gas_price(&self) -> Result<u128, RpcError> {
        u128::try_from(self.quantity("eth_gasPrice", json!([]))?).map_err(|_| RpcError::Answer {
            method: "eth_gasPrice".into(),
            detail: "too large".into(),
        })
    }

    /// `eth_call` of `data` on `to` at the latest block.
    pub fn read(&self, to: Address, data: &[u8]) -> Result<Bytes, RpcError> {
        self.call(
            "eth_call",
            json!([{"to": to, "input": Bytes::copy_from_slice(data)}, "latest"]),
        )
    }

    /// Sends a signed raw transaction; returns its hash.
    pub fn send_raw(&self, raw: &[u8]) -> Result<B256, RpcError> {
        self.call(
            "eth_sendRawTransaction",
            json!([Bytes::copy_from_slice(raw)]),
        )
    }

    /// The receipt of `hash`, once mined.
    pub fn receipt(&self, hash: B256) -> Result<Option<Receipt>, RpcError> {
        let value: Value = self.call("eth_getTransactionReceipt", json!([hash]))?;
        if value.is_null() {
            return Ok(None);
        }
        let field = |name: &str| {
            quantity(&value[name])
                .and_then(|v| u64::try_from(v).ok())
                .ok_or_else(|| RpcError::Answer {
                    method: "eth_getTransactionReceipt".into(),
                    detail: format!("no {name}"),
                })
        };
        Ok(Some(Receipt {
            status: field("status")?,
            block: field("blockNumber")?,
            gas_used: field("gasUsed")?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_revert_reasons() {
        let data = format!(
            "0x08c379a0{:064x}{:064x}{:0<64}",
            32,
            5,
            hex::encode("GS020")
        );
        assert_eq!(revert_reason(&data).as_deref(), Some("GS020"));
        assert_eq!(revert_reason("0x1234"), None);
    }

    #[test]
    fn unreachable_nodes_are_named() {
        let e = Rpc::new("http://127.0.0.1:9").chain_id().unwrap_err();
        assert!(e.to_string().starts_with("cannot reach http://127.0.0.1:9"));
    }
}
