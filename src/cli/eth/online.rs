//! The online side of Ethereum: build unsigned transactions from a node, broadcast signed
//! ones, and run a Safe multisig (make a SafeTx, gather owner signatures, execute).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use alloy_consensus::{TxEip1559, TxEip2930, TxLegacy};
use alloy_primitives::utils::{parse_ether, parse_units};
use alloy_primitives::{hex, Address, Bytes, TxKind, B256, U256};
use alloy_sol_types::{sol, SolCall};
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::super::context::{Context, Report};
use super::output::{sign_request, write_request, RequestOutput, Signer};
use super::view;
use crate::eth::calldata::Operation;
use crate::eth::flows::Known;
use crate::eth::request::Source;
use crate::eth::review::{review, EthReview};
use crate::eth::rpc::{Rpc, RpcError};
use crate::eth::safe::{self, SafeTx};
use crate::eth::sign::{from_rsv, recover};
use crate::eth::tx::UnsignedTx;
use crate::eth::{parse_address, EthPayload, EthRequest};
use crate::transport::registry::{EthDataType, Payload};
use crate::{Error, Result};

sol! {
    function decimals() returns (uint8);
    function transfer(address to, uint256 amount) returns (bool);
    function nonce() returns (uint256);
    function getOwners() returns (address[]);
    function getThreshold() returns (uint256);
    function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 _nonce) returns (bytes32);
}

fn rpc_error(e: RpcError) -> Error {
    match e {
        RpcError::Unreachable { .. } => Error::Backend {
            message: e.to_string(),
            hint: Some("check --rpc, that the node is running, and the network".into()),
        },
        other => Error::usage(
            other.to_string(),
            "check the request against the node (--rpc)",
        ),
    }
}

/// The node to ask.
#[derive(Debug, Args)]
pub struct RpcArgs {
    /// Ethereum JSON-RPC endpoint.
    #[arg(long, value_name = "URL", env = "COLDSIGN_ETH_RPC")]
    rpc: String,
}

/// Transaction type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TxType {
    /// EIP-1559 dynamic fee (type 2).
    #[value(name = "1559")]
    Eip1559,
    /// EIP-2930 access list (type 1), gas price.
    #[value(name = "2930")]
    Eip2930,
    /// Legacy with EIP-155 chain id, gas price.
    Legacy,
}

/// Overrides for what the node would choose.
#[derive(Debug, Args)]
pub struct FeeArgs {
    /// Transaction type.
    #[arg(long = "type", value_enum, default_value_t = TxType::Eip1559)]
    tx_type: TxType,
    /// Nonce [default: the account's next, counting pending transactions].
    #[arg(long)]
    nonce: Option<u64>,
    /// Gas limit [default: the node's estimate plus 20%].
    #[arg(long)]
    gas_limit: Option<u64>,
    /// Max fee (or gas price) per gas, in gwei [default: 2 × next base fee + priority fee].
    #[arg(long, value_name = "GWEI")]
    max_fee: Option<String>,
    /// Max priority fee per gas, in gwei [default: median of the last 5 blocks, at least 1].
    #[arg(long, value_name = "GWEI")]
    priority_fee: Option<String>,
    /// Refuse unless the node's chain id is this.
    #[arg(long)]
    chain_id: Option<u64>,
}

fn gwei(text: &str, what: &str) -> Result<u128> {
    let wei: U256 = parse_units(text, 9)
        .map_err(|e| Error::bad_input(format!("{what} {text:?}: {e}")))?
        .into();
    u128::try_from(wei).map_err(|_| Error::bad_input(format!("{what} {text:?} is too large")))
}

fn ether(text: &str) -> Result<U256> {
    parse_ether(text)
        .map_err(|e| Error::bad_input(format!("--value {text:?} is not an amount of ether ({e})")))
}

fn chain_of(rpc: &Rpc, expected: Option<u64>) -> Result<u64> {
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
fn assemble(
    rpc: &Rpc,
    from: Address,
    to: Option<Address>,
    value: U256,
    data: Bytes,
    fees: &FeeArgs,
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

#[derive(Serialize)]
struct Built<'a> {
    review: &'a EthReview,
    output: &'a std::path::Path,
}

impl Report for Built<'_> {
    fn human(&self) -> String {
        let mut s = format!("intent digest {}\n", self.review.intent_digest);
        if self.output != std::path::Path::new("-") {
            s.push_str(&format!("request written to {}\n", self.output.display()));
        }
        s
    }
}

/// Writes a transaction request and prints the same review the signer will show.
fn emit_request(ctx: &Context, tx: UnsignedTx, signer: &Signer, out: &RequestOutput) -> Result<()> {
    let data_type = if matches!(tx, UnsignedTx::Legacy(_)) {
        EthDataType::Transaction
    } else {
        EthDataType::TypedTransaction
    };
    let chain_id = tx.chain_id();
    let request = sign_request(signer, tx.encoded_for_signing(), data_type, Some(chain_id))?;
    finish(ctx, request, signer, out)
}

fn finish(
    ctx: &Context,
    request: crate::transport::registry::EthSignRequest,
    signer: &Signer,
    out: &RequestOutput,
) -> Result<()> {
    let decoded = EthRequest::from_sign_request(request.clone()).map_err(Error::Internal)?;
    let r = review(&decoded, signer.address()?, None, &Known::builtin());
    if !ctx.json {
        eprint!("{}", view::render(&r));
    }
    write_request(ctx, request, out)?;
    if out.output == std::path::Path::new("-") {
        return Ok(());
    }
    ctx.emit(&Built {
        review: &r,
        output: &out.output,
    })
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    signer: Signer,
    /// Recipient (for --token: who receives the tokens).
    #[arg(long, value_name = "ADDRESS")]
    to: String,
    /// Ether to send (decimal, e.g. 1.5).
    #[arg(long, value_name = "ETH", conflicts_with = "token")]
    value: Option<String>,
    /// ERC-20 token contract: send --amount of it to --to.
    #[arg(long, value_name = "ADDRESS", requires = "amount")]
    token: Option<String>,
    /// Token amount in whole tokens (decimals are read from the contract).
    #[arg(long, requires = "token")]
    amount: Option<String>,
    /// Raw calldata (hex) for a contract call.
    #[arg(long, value_name = "HEX", conflicts_with = "token")]
    data: Option<String>,
    #[command(flatten)]
    fees: FeeArgs,
    #[command(flatten)]
    rpc: RpcArgs,
    #[command(flatten)]
    out: RequestOutput,
}

fn address(text: &str, what: &str) -> Result<Address> {
    parse_address(text).map_err(|e| Error::bad_input(format!("{what}: {e}")))
}

fn hex_data(text: &str) -> Result<Bytes> {
    hex::decode(text.trim())
        .map(Bytes::from)
        .map_err(|_| Error::bad_input(format!("--data {text:?} is not hex")))
}

/// `coldsign eth build`.
pub fn build(ctx: &Context, args: BuildArgs) -> Result<()> {
    let rpc = Rpc::new(&args.rpc.rpc);
    let from = args.signer.address()?;
    let to = address(&args.to, "--to")?;
    let (target, value, data) = match (&args.token, &args.amount) {
        (Some(token), Some(amount)) => {
            let token = address(token, "--token")?;
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
            let call = transferCall { to, amount: units }.abi_encode();
            (token, U256::ZERO, Bytes::from(call))
        }
        _ => (
            to,
            args.value
                .as_deref()
                .map(ether)
                .transpose()?
                .unwrap_or_default(),
            args.data
                .as_deref()
                .map(hex_data)
                .transpose()?
                .unwrap_or_default(),
        ),
    };
    let tx = assemble(&rpc, from, Some(target), value, data, &args.fees)?;
    emit_request(ctx, tx, &args.signer, &args.out)
}

#[derive(Debug, Args)]
pub struct BroadcastArgs {
    /// The signed raw transaction (hex), or an eth-signature UR (with --request); - for stdin.
    file: PathBuf,
    /// The eth-sign-request the eth-signature answers.
    #[arg(long, value_name = "FILE")]
    request: Option<PathBuf>,
    /// Return after sending, without waiting for the receipt.
    #[arg(long)]
    no_wait: bool,
    /// How long to wait for the receipt.
    #[arg(long, default_value = "120s", value_parser = humantime::parse_duration)]
    timeout: Duration,
    #[command(flatten)]
    rpc: RpcArgs,
}

#[derive(Serialize)]
struct Broadcasted {
    transaction_hash: B256,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    block: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gas_used: Option<u64>,
}

impl Report for Broadcasted {
    fn human(&self) -> String {
        let mut s = format!("transaction {}\n", self.transaction_hash);
        if let (Some(status), Some(block), Some(gas)) = (self.status, self.block, self.gas_used) {
            let outcome = if status == 1 { "success" } else { "REVERTED" };
            s.push_str(&format!(
                "mined in block {block}: {outcome}, gas used {gas}\n"
            ));
        }
        s
    }
}

/// The raw signed transaction from a file: hex, or an eth-signature joined to its request.
fn signed_raw(args: &BroadcastArgs) -> Result<Vec<u8>> {
    let data = crate::files::read_input(&args.file)?;
    if let Some(Ok(crate::transport::collect::Received::Ur { ur_type, cbor })) =
        crate::transport::collect::receive(&data).transpose()
    {
        let Ok(Payload::EthSignature(sig)) = Payload::from_ur(&ur_type, &cbor) else {
            return Err(Error::bad_input(format!(
                "{} holds UR {ur_type}, not an eth-signature",
                args.file.display()
            )));
        };
        let path = args.request.as_ref().ok_or_else(|| {
            Error::usage(
                "an eth-signature needs the request it answers",
                "pass --request REQUEST",
            )
        })?;
        let request =
            EthRequest::decode(&crate::files::read_input(path)?).map_err(Error::bad_input)?;
        if let Source::SignRequest(r) = &request.source {
            if r.request_id.is_some() && sig.request_id.is_some() && r.request_id != sig.request_id
            {
                return Err(Error::bad_input(
                    "the eth-signature answers a different request (request ids differ)",
                ));
            }
        }
        let EthPayload::Transaction(tx) = request.payload else {
            return Err(Error::bad_input("the request is not a transaction"));
        };
        let signature = from_rsv(&sig.signature).map_err(Error::bad_input)?;
        let signer = recover(tx.signature_hash(), &signature)
            .ok_or_else(|| Error::Verification("the signature does not verify".into()))?;
        if request.address.is_some_and(|a| a != signer) {
            return Err(Error::Verification(format!(
                "the transaction was signed by {signer}, not the requested account"
            )));
        }
        return Ok(tx.into_raw_signed(signature));
    }
    let text = String::from_utf8(data)
        .map_err(|_| Error::bad_input("the signed transaction is not hex text"))?;
    hex::decode(text.trim())
        .map_err(|_| Error::bad_input("the signed transaction is not hex (or an eth-signature UR)"))
}

/// `coldsign eth broadcast`.
pub fn broadcast(ctx: &Context, args: BroadcastArgs) -> Result<()> {
    let raw = signed_raw(&args)?;
    let rpc = Rpc::new(&args.rpc.rpc);
    let hash = rpc.send_raw(&raw).map_err(|e| match e {
        RpcError::Unreachable { .. } => Error::Backend {
            message: e.to_string(),
            hint: Some("check --rpc, that the node is running, and the network".into()),
        },
        other => Error::usage(
            other.to_string(),
            "the node refused the transaction (nonce, balance or signature)",
        ),
    })?;
    let mut report = Broadcasted {
        transaction_hash: hash,
        status: None,
        block: None,
        gas_used: None,
    };
    if args.no_wait {
        return ctx.emit(&report);
    }
    let bar = (std::io::stderr().is_terminal() && !ctx.json && !ctx.quiet()).then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_message(format!("waiting for {hash} to be mined"));
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let start = Instant::now();
    let receipt = loop {
        if let Some(r) = rpc.receipt(hash).map_err(rpc_error)? {
            break r;
        }
        if start.elapsed() > args.timeout {
            if let Some(bar) = &bar {
                bar.finish_and_clear();
            }
            return Err(Error::usage(
                format!(
                    "{hash} was sent but not mined within {}",
                    humantime::format_duration(args.timeout)
                ),
                "check later with the transaction hash",
            ));
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    report.status = Some(receipt.status);
    report.block = Some(receipt.block);
    report.gas_used = Some(receipt.gas_used);
    ctx.emit(&report)?;
    if receipt.status != 1 {
        return Err(Error::Verification(format!(
            "transaction {hash} reverted in block {}",
            receipt.block
        )));
    }
    Ok(())
}

/// A Safe call's operation, as typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OperationArg {
    /// CALL.
    Call,
    /// DELEGATECALL (the target's code runs as the Safe).
    Delegatecall,
}

#[derive(Debug, Args)]
pub struct SafeTxArgs {
    /// The Safe.
    #[arg(long, value_name = "ADDRESS")]
    safe: String,
    /// The call's target.
    #[arg(long, value_name = "ADDRESS")]
    to: String,
    /// Ether the Safe sends (decimal).
    #[arg(long, value_name = "ETH")]
    value: Option<String>,
    /// Calldata (hex).
    #[arg(long, value_name = "HEX")]
    data: Option<String>,
    /// CALL or DELEGATECALL.
    #[arg(long, value_enum, default_value_t = OperationArg::Call)]
    operation: OperationArg,
    /// Safe nonce [default: the Safe's current nonce()].
    #[arg(long)]
    nonce: Option<u64>,
    /// safeTxGas.
    #[arg(long, default_value_t = 0)]
    safe_tx_gas: u64,
    /// baseGas.
    #[arg(long, default_value_t = 0)]
    base_gas: u64,
    /// gasPrice for the refund (0: no refund).
    #[arg(long, default_value_t = 0)]
    refund_gas_price: u64,
    /// Token of the refund (zero: native).
    #[arg(long, value_name = "ADDRESS")]
    gas_token: Option<String>,
    /// Who gets the refund (zero: the executor).
    #[arg(long, value_name = "ADDRESS")]
    refund_receiver: Option<String>,
    /// Refuse unless the node's chain id is this.
    #[arg(long)]
    chain_id: Option<u64>,
    /// The owner who is to sign.
    #[command(flatten)]
    signer: Signer,
    #[command(flatten)]
    rpc: RpcArgs,
    #[command(flatten)]
    out: RequestOutput,
}

fn read_safe<C: SolCall>(rpc: &Rpc, safe: Address, call: C) -> Result<C::Return> {
    let answer = rpc.read(safe, &call.abi_encode()).map_err(rpc_error)?;
    C::abi_decode_returns(&answer).map_err(|_| {
        Error::usage(
            format!("{safe} does not answer {}: not a Safe", C::SIGNATURE),
            "check --safe and --rpc",
        )
    })
}

/// `coldsign eth safe-tx`.
pub fn safe_tx(ctx: &Context, args: SafeTxArgs) -> Result<()> {
    let rpc = Rpc::new(&args.rpc.rpc);
    let chain_id = chain_of(&rpc, args.chain_id)?;
    let safe_address = address(&args.safe, "--safe")?;
    let zero_or =
        |a: &Option<String>, what| a.as_deref().map_or(Ok(Address::ZERO), |t| address(t, what));
    let nonce = match args.nonce {
        Some(n) => U256::from(n),
        None => read_safe(&rpc, safe_address, nonceCall {})?,
    };
    let tx = SafeTx {
        to: address(&args.to, "--to")?,
        value: args
            .value
            .as_deref()
            .map(ether)
            .transpose()?
            .unwrap_or_default(),
        data: args
            .data
            .as_deref()
            .map(hex_data)
            .transpose()?
            .unwrap_or_default(),
        operation: match args.operation {
            OperationArg::Call => Operation::Call as u8,
            OperationArg::Delegatecall => Operation::DelegateCall as u8,
        },
        safeTxGas: U256::from(args.safe_tx_gas),
        baseGas: U256::from(args.base_gas),
        gasPrice: U256::from(args.refund_gas_price),
        gasToken: zero_or(&args.gas_token, "--gas-token")?,
        refundReceiver: zero_or(&args.refund_receiver, "--refund-receiver")?,
        nonce,
    };
    let ours = safe::hashes(&tx, safe_address, chain_id).safe_tx_hash;
    let theirs = read_safe(
        &rpc,
        safe_address,
        getTransactionHashCall {
            to: tx.to,
            value: tx.value,
            data: tx.data.clone(),
            operation: tx.operation,
            safeTxGas: tx.safeTxGas,
            baseGas: tx.baseGas,
            gasPrice: tx.gasPrice,
            gasToken: tx.gasToken,
            refundReceiver: tx.refundReceiver,
            _nonce: tx.nonce,
        },
    )?;
    if theirs != ours {
        return Err(Error::Verification(format!(
            "the Safe computes safeTxHash {theirs}, coldsign {ours}: not a Safe 1.3.0 or later"
        )));
    }
    ctx.note(&format!("safeTxHash {ours} (the Safe contract agrees)"));
    let json = serde_json::to_vec(&safe::typed_data_json(&tx, safe_address, chain_id))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let request = sign_request(&args.signer, json, EthDataType::TypedData, Some(chain_id))?;
    finish(ctx, request, &args.signer, &args.out)
}

#[derive(Debug, Args)]
pub struct SafeExecArgs {
    /// The SafeTx request the owners signed (eth-sign-request or typed-data JSON).
    safe_tx: PathBuf,
    /// An owner's signature: 65-byte hex, or an eth-signature UR (repeat for each owner).
    #[arg(long = "signature", value_name = "FILE", required = true)]
    signatures: Vec<PathBuf>,
    /// Build it even when the signatures are not enough (the Safe will revert).
    #[arg(long)]
    skip_owner_check: bool,
    /// The account that sends the execution transaction and pays its gas.
    #[command(flatten)]
    signer: Signer,
    #[command(flatten)]
    fees: FeeArgs,
    #[command(flatten)]
    rpc: RpcArgs,
    #[command(flatten)]
    out: RequestOutput,
}

fn read_signature(path: &std::path::Path) -> Result<alloy_primitives::Signature> {
    let data = crate::files::read_input(path)?;
    let bytes = match crate::transport::collect::receive(&data).map_err(Error::bad_input)? {
        Some(crate::transport::collect::Received::Ur { ur_type, cbor }) => {
            match Payload::from_ur(&ur_type, &cbor) {
                Ok(Payload::EthSignature(s)) => s.signature,
                _ => {
                    return Err(Error::bad_input(format!(
                        "{} is not an eth-signature",
                        path.display()
                    )))
                }
            }
        }
        _ => hex::decode(String::from_utf8_lossy(&data).trim()).map_err(|_| {
            Error::bad_input(format!(
                "{} is not a signature (hex or eth-signature UR)",
                path.display()
            ))
        })?,
    };
    from_rsv(&bytes).map_err(|e| Error::bad_input(format!("{}: {e}", path.display())))
}

/// `coldsign eth safe-exec`.
pub fn safe_exec(ctx: &Context, args: SafeExecArgs) -> Result<()> {
    let request =
        EthRequest::decode(&crate::files::read_input(&args.safe_tx)?).map_err(Error::bad_input)?;
    let EthPayload::TypedData(typed) = &request.payload else {
        return Err(Error::bad_input(format!(
            "{} is not a SafeTx request",
            args.safe_tx.display()
        )));
    };
    let (Some(safe_address), Some(tx), "SafeTx") = (
        typed.domain.verifying_contract,
        safe::from_message(&typed.message),
        typed.primary_type.as_str(),
    ) else {
        return Err(Error::bad_input(format!(
            "{} is not a SafeTx request",
            args.safe_tx.display()
        )));
    };
    let hash = typed
        .eip712_signing_hash()
        .map_err(|e| Error::bad_input(e.to_string()))?;
    let rpc = Rpc::new(&args.rpc.rpc);
    let owners = read_safe(&rpc, safe_address, getOwnersCall {})?;
    let threshold = read_safe(&rpc, safe_address, getThresholdCall {})?;
    let mut signed = Vec::new();
    for path in &args.signatures {
        let signature = read_signature(path)?;
        let owner = recover(hash, &signature).ok_or_else(|| {
            Error::Verification(format!("{}: the signature does not verify", path.display()))
        })?;
        if !owners.contains(&owner) && !args.skip_owner_check {
            return Err(Error::Verification(format!(
                "{}: signed by {owner}, who is not an owner of the Safe",
                path.display()
            )));
        }
        if signed.iter().any(|(o, _)| *o == owner) {
            return Err(Error::bad_input(format!(
                "{}: a second signature by {owner}",
                path.display()
            )));
        }
        let mut rsv = signature.as_bytes();
        rsv[64] = 27 + u8::from(signature.v());
        signed.push((owner, rsv));
    }
    if U256::from(signed.len()) < threshold && !args.skip_owner_check {
        return Err(Error::usage(
            format!(
                "{} owner signature(s), the Safe needs {threshold}",
                signed.len()
            ),
            "collect more owner signatures",
        ));
    }
    let calldata = safe::exec_calldata(&tx, safe::signature_blob(signed));
    let from = args.signer.address()?;
    let unsigned = assemble(
        &rpc,
        from,
        Some(safe_address),
        U256::ZERO,
        calldata.into(),
        &args.fees,
    )?;
    emit_request(ctx, unsigned, &args.signer, &args.out)
}
