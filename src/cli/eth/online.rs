//! The online side of Ethereum: build unsigned transactions from a node, broadcast signed
//! ones, and run a Safe multisig (make a SafeTx, gather owner signatures, execute).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use alloy_primitives::utils::parse_ether;
use alloy_primitives::{hex, Address, Bytes, B256, U256};
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::super::context::{Context, Report};
use super::output::{sign_request, write_request, RequestOutput, Signer};
use crate::eth::broadcast::{send, signed_raw, wait_for_receipt};
use crate::eth::build::{self, assemble, chain_of, Overrides};
use crate::eth::calldata::Operation;
use crate::eth::parse_address;
use crate::eth::rpc::Rpc;
use crate::eth::safe::{self, SafeTx};
use crate::eth::safe_chain::{self, SignedSafeTx};
use crate::eth::tx::UnsignedTx;
use crate::review::ethereum::EthReview;
use crate::review::render::ethereum as view;
use crate::transport::registry::{EthDataType, EthSignRequest};
use crate::{Error, Result};

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

impl FeeArgs {
    fn overrides(&self) -> Overrides {
        Overrides {
            tx_type: match self.tx_type {
                TxType::Eip1559 => build::TxType::Eip1559,
                TxType::Eip2930 => build::TxType::Eip2930,
                TxType::Legacy => build::TxType::Legacy,
            },
            nonce: self.nonce,
            gas_limit: self.gas_limit,
            max_fee: self.max_fee.clone(),
            priority_fee: self.priority_fee.clone(),
            chain_id: self.chain_id,
        }
    }
}

fn ether(text: &str) -> Result<U256> {
    parse_ether(text)
        .map_err(|e| Error::bad_input(format!("--value {text:?} is not an amount of ether ({e})")))
}

#[derive(Serialize)]
struct Built<'a> {
    review: &'a EthReview,
    output: &'a Path,
}

impl Report for Built<'_> {
    fn human(&self) -> String {
        let mut s = format!("intent digest {}\n", self.review.intent_digest);
        if self.output != Path::new("-") {
            s.push_str(&format!("request written to {}\n", self.output.display()));
        }
        s
    }
}

/// Writes a transaction request and prints the same review the signer will show.
fn emit_request(ctx: &Context, tx: UnsignedTx, signer: &Signer, out: &RequestOutput) -> Result<()> {
    let (data, data_type) = build::sign_data(&tx);
    let request = sign_request(signer, data, data_type, Some(tx.chain_id()))?;
    finish(ctx, request, signer, out)
}

fn finish(
    ctx: &Context,
    request: EthSignRequest,
    signer: &Signer,
    out: &RequestOutput,
) -> Result<()> {
    let r = build::preview(&request, signer.address()?)?;
    if !ctx.json {
        eprint!("{}", view::render(&r));
    }
    write_request(ctx, request, out)?;
    if out.output == Path::new("-") {
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
            let call = build::erc20_transfer(&rpc, token, to, amount)?;
            (token, U256::ZERO, call)
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
    let tx = assemble(
        &rpc,
        from,
        Some(target),
        value,
        data,
        &args.fees.overrides(),
    )?;
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

/// `coldsign eth broadcast`.
pub fn broadcast(ctx: &Context, args: BroadcastArgs) -> Result<()> {
    let data = crate::files::read_input(&args.file)?;
    let raw = signed_raw(data, &args.file, args.request.as_deref())?;
    let rpc = Rpc::new(&args.rpc.rpc);
    let hash = send(&rpc, &raw)?;
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
    let receipt = wait_for_receipt(&rpc, hash, args.timeout);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let receipt = receipt?;
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

/// `coldsign eth safe-tx`.
pub fn safe_tx(ctx: &Context, args: SafeTxArgs) -> Result<()> {
    let rpc = Rpc::new(&args.rpc.rpc);
    let chain_id = chain_of(&rpc, args.chain_id)?;
    let safe_address = address(&args.safe, "--safe")?;
    let zero_or =
        |a: &Option<String>, what| a.as_deref().map_or(Ok(Address::ZERO), |t| address(t, what));
    let nonce = match args.nonce {
        Some(n) => U256::from(n),
        None => safe_chain::current_nonce(&rpc, safe_address)?,
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
    let ours = safe_chain::agreed_hash(&rpc, safe_address, chain_id, &tx)?;
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

/// `coldsign eth safe-exec`.
pub fn safe_exec(ctx: &Context, args: SafeExecArgs) -> Result<()> {
    let signed = SignedSafeTx::decode(&crate::files::read_input(&args.safe_tx)?, &args.safe_tx)?;
    let rpc = Rpc::new(&args.rpc.rpc);
    let execution = signed.exec_calldata(&rpc, &args.signatures, args.skip_owner_check)?;
    let from = args.signer.address()?;
    let unsigned = assemble(
        &rpc,
        from,
        Some(signed.safe),
        U256::ZERO,
        execution.calldata.clone().into(),
        &args.fees.overrides(),
    )?;
    ctx.note(&format!(
        "safeTxHash {} carries {} owner signature(s), the Safe's threshold is {}: {}",
        signed.hash,
        execution.signers.len(),
        execution.threshold,
        execution
            .signers
            .iter()
            .map(|o| o.to_checksum(None))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    emit_request(ctx, unsigned, &args.signer, &args.out)
}
