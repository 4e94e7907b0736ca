//! Unsigned Ethereum transactions assembled from what a node says (chain id, nonce, gas
//! estimate, fees) and the caller's overrides; ERC-20 transfers; the request that carries a
//! transaction across the gap, and the review the signer will show of it.

use alloy_consensus::{TxEip1559, TxEip2930, TxLegacy};
use alloy_primitives::utils::{parse_ether, parse_units};
use alloy_primitives::{hex, Address, Bytes, TxKind, U256};
use alloy_sol_types::{sol, SolCall};

use super::rpc::{Rpc, RpcError};
use super::tx::UnsignedTx;
use super::EthRequest;
use crate::error::Said;
use crate::i18n::Text;
use crate::review::ethereum::{review, EthReview};
use crate::transport::registry::{EthDataType, EthSignRequest};
use crate::{Error, Result};

sol! {
    function decimals() returns (uint8);
    function transfer(address to, uint256 amount) returns (bool);
}

/// An address typed for the option `what`.
pub fn named_address(text: &str, what: &str) -> Result<Address> {
    super::parse_address(text).map_err(|e| Error::bad_input(format!("{what}: {e}")))
}

/// An amount of ether typed in decimal (`--value`), none meaning zero.
pub fn ether(text: Option<&str>) -> Result<U256> {
    let Some(text) = text else {
        return Ok(U256::ZERO);
    };
    parse_ether(text)
        .map_err(|e| Error::bad_input(format!("--value {text:?} is not an amount of ether ({e})")))
}

/// Calldata typed as hex (`--data`), none meaning empty.
pub fn hex_data(text: Option<&str>) -> Result<Bytes> {
    let Some(text) = text else {
        return Ok(Bytes::new());
    };
    hex::decode(text.trim())
        .map(Bytes::from)
        .map_err(|_| Error::bad_input(format!("--data {text:?} is not hex")))
}

/// What `eth build` sends, as typed: ether (and calldata) to `to`, or `amount` whole tokens
/// of the ERC-20 `token` to `to`.
pub struct Payment<'a> {
    /// The recipient.
    pub to: &'a str,
    /// Ether to send.
    pub value: Option<&'a str>,
    /// The ERC-20 token contract.
    pub token: Option<&'a str>,
    /// The token amount.
    pub amount: Option<&'a str>,
    /// Raw calldata.
    pub data: Option<&'a str>,
}

/// The unsigned transaction of `payment` from `from`, assembled from what the node says.
pub fn payment(
    rpc: &Rpc,
    from: Address,
    payment: &Payment,
    overrides: &Overrides,
) -> Result<UnsignedTx> {
    let to = named_address(payment.to, "--to")?;
    let (target, value, data) = match (payment.token, payment.amount) {
        (Some(token), Some(amount)) => {
            let token = named_address(token, "--token")?;
            (token, U256::ZERO, erc20_transfer(rpc, token, to, amount)?)
        }
        _ => (to, ether(payment.value)?, hex_data(payment.data)?),
    };
    assemble(rpc, from, Some(target), value, data, overrides)
}

/// A node's failure as an error: unreachable (exit 3) or a refusal of the request (exit 2).
pub fn rpc_error(e: RpcError) -> Error {
    match e {
        RpcError::Unreachable { .. } => unreachable_node(e),
        other => Error::usage(
            other.to_string(),
            "check the request against the node (--rpc)",
        ),
    }
}

/// The node could not be reached.
pub fn unreachable_node(e: RpcError) -> Error {
    Error::backend_said(Said::new(
        Text::new("error-eth-node").arg("error", e),
        Some(Text::new("hint-eth-node")),
    ))
}

/// Transaction type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxType {
    /// EIP-1559 dynamic fee (type 2).
    Eip1559,
    /// EIP-2930 access list (type 1), gas price.
    Eip2930,
    /// Legacy with EIP-155 chain id, gas price.
    Legacy,
}

/// What the caller fixes instead of asking the node (fees as typed, in gwei).
#[derive(Debug, Clone)]
pub struct Overrides {
    /// Transaction type.
    pub tx_type: TxType,
    /// Nonce [default: the account's next, counting pending transactions].
    pub nonce: Option<u64>,
    /// Gas limit [default: the node's estimate plus 20%].
    pub gas_limit: Option<u64>,
    /// Max fee (or gas price) per gas in gwei [default: 2 × next base fee + priority fee].
    pub max_fee: Option<String>,
    /// Max priority fee per gas in gwei [default: median of the last 5 blocks, at least 1].
    pub priority_fee: Option<String>,
    /// The chain id the node must be on.
    pub chain_id: Option<u64>,
}

/// Gwei text as wei.
fn gwei(text: &str, what: &str) -> Result<u128> {
    let wei: U256 = parse_units(text, 9)
        .map_err(|e| Error::bad_input(format!("{what} {text:?}: {e}")))?
        .into();
    u128::try_from(wei).map_err(|_| Error::bad_input(format!("{what} {text:?} is too large")))
}

/// The node's chain id, refused unless it is `expected` (when given).
pub fn chain_of(rpc: &Rpc, expected: Option<u64>) -> Result<u64> {
    let chain = rpc.chain_id().map_err(rpc_error)?;
    match expected {
        Some(e) if e != chain => Err(Error::usage(
            format!("the node is on chain {chain}, not --chain-id {e}"),
            "check --rpc",
        )),
        _ => Ok(chain),
    }
}

/// Asks the node for nonce, gas and fees, and assembles the unsigned transaction.
pub fn assemble(
    rpc: &Rpc,
    from: Address,
    to: Option<Address>,
    value: U256,
    data: Bytes,
    fees: &Overrides,
) -> Result<UnsignedTx> {
    let chain_id = chain_of(rpc, fees.chain_id)?;
    let nonce = match fees.nonce {
        Some(n) => n,
        None => rpc.nonce(from).map_err(rpc_error)?,
    };
    let gas_limit = match fees.gas_limit {
        Some(g) => g,
        None => {
            let estimate = rpc.estimate_gas(from, to, value, &data).map_err(|e| {
                Error::usage(
                    format!("the node cannot run this transaction: {e}"),
                    "it would fail on chain; check the recipient, amount, data and signatures",
                )
            })?;
            if data.is_empty() && estimate == 21_000 {
                estimate
            } else {
                estimate + estimate / 5
            }
        }
    };
    let kind = to.map_or(TxKind::Create, TxKind::Call);
    let gas_price = || -> Result<u128> {
        match &fees.max_fee {
            Some(f) => gwei(f, "--max-fee"),
            None => rpc.gas_price().map_err(rpc_error),
        }
    };
    Ok(match fees.tx_type {
        TxType::Legacy => UnsignedTx::Legacy(TxLegacy {
            chain_id: Some(chain_id),
            nonce,
            gas_price: gas_price()?,
            gas_limit,
            to: kind,
            value,
            input: data,
        }),
        TxType::Eip2930 => UnsignedTx::Eip2930(TxEip2930 {
            chain_id,
            nonce,
            gas_price: gas_price()?,
            gas_limit,
            to: kind,
            value,
            access_list: Default::default(),
            input: data,
        }),
        TxType::Eip1559 => {
            let (base, tip) = rpc.fees().map_err(rpc_error)?;
            let tip = match &fees.priority_fee {
                Some(p) => gwei(p, "--priority-fee")?,
                None => tip.max(1_000_000_000),
            };
            let max_fee = match &fees.max_fee {
                Some(f) => gwei(f, "--max-fee")?,
                None => 2 * base + tip,
            };
            if tip > max_fee {
                return Err(Error::bad_input(format!(
                    "the priority fee ({tip} wei) is above the max fee ({max_fee} wei)"
                )));
            }
            UnsignedTx::Eip1559(TxEip1559 {
                chain_id,
                nonce,
                gas_limit,
                max_fee_per_gas: max_fee,
                max_priority_fee_per_gas: tip,
                to: kind,
                value,
                access_list: Default::default(),
                input: data,
            })
        }
    })
}

/// The calldata of an ERC-20 `transfer` of `amount` whole tokens (decimals read from the
/// contract) to `to`.
pub fn erc20_transfer(rpc: &Rpc, token: Address, to: Address, amount: &str) -> Result<Bytes> {
    let answer = rpc
        .read(token, &decimalsCall {}.abi_encode())
        .map_err(rpc_error)?;
    let decimals = decimalsCall::abi_decode_returns(&answer).map_err(|_| {
        Error::usage(
            format!("{token} does not answer decimals(): not an ERC-20 token"),
            "check --token",
        )
    })?;
    let units: U256 = parse_units(amount, decimals)
        .map_err(|e| Error::bad_input(format!("--amount {amount:?}: {e}")))?
        .into();
    Ok(Bytes::from(transferCall { to, amount: units }.abi_encode()))
}

/// What a transaction request carries: the bytes to sign and their EIP-4527 data type.
pub fn sign_data(tx: &UnsignedTx) -> (Vec<u8>, EthDataType) {
    let data_type = if matches!(tx, UnsignedTx::Legacy(_)) {
        EthDataType::Transaction
    } else {
        EthDataType::TypedTransaction
    };
    (tx.encoded_for_signing(), data_type)
}

/// The review the signer will compute of `request` for `from`, for the host to show before
/// the request crosses the gap.
pub fn preview(request: &EthSignRequest, from: Address) -> Result<EthReview> {
    let decoded = EthRequest::from_sign_request(request.clone()).map_err(Error::Internal)?;
    Ok(review(
        &decoded,
        from,
        None,
        &crate::eth::flows::Known::builtin(),
    ))
}
