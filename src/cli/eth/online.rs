//! The online side of Ethereum: build unsigned transactions from a node, broadcast signed
//! ones, and run a Safe multisig (make a SafeTx, gather owner signatures, execute).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};

use super::super::context::Context;
use super::output::{sign_request, write_request, RequestOutput, Signer};
use crate::eth::broadcast::{send, signed_raw, wait_for_receipt};
use crate::eth::build::{self, Overrides, Payment};
use crate::eth::calldata::Operation;
use crate::eth::rpc::Rpc;
use crate::eth::safe_chain::{self, SafeTxSpec, SignedSafeTx};
use crate::eth::tx::UnsignedTx;
use crate::i18n::Text;
use crate::report::eth::{Broadcasted, Built};
use crate::transport::registry::{EthDataType, EthSignRequest};
use crate::Result;

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
        eprint!("{}", crate::review::render::ethereum::render(&r));
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

/// `coldsign eth build`.
pub fn build(ctx: &Context, args: BuildArgs) -> Result<()> {
    let rpc = Rpc::new(&args.rpc.rpc);
    let from = args.signer.address()?;
    let payment = Payment {
        to: &args.to,
        value: args.value.as_deref(),
        token: args.token.as_deref(),
        amount: args.amount.as_deref(),
        data: args.data.as_deref(),
    };
    let tx = build::payment(&rpc, from, &payment, &args.fees.overrides())?;
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

/// `coldsign eth broadcast`.
pub fn broadcast(ctx: &Context, args: BroadcastArgs) -> Result<()> {
    let data = crate::files::read_input(&args.file)?;
    let raw = signed_raw(data, &args.file, args.request.as_deref())?;
    let rpc = Rpc::new(&args.rpc.rpc);
    let hash = send(&rpc, &raw)?;
    if args.no_wait {
        return ctx.emit(&Broadcasted::sent(hash));
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
    let report = Broadcasted::mined(hash, &receipt?);
    ctx.emit(&report)?;
    report.check_success()
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
    let spec = SafeTxSpec {
        safe: &args.safe,
        to: &args.to,
        value: args.value.as_deref(),
        data: args.data.as_deref(),
        operation: match args.operation {
            OperationArg::Call => Operation::Call,
            OperationArg::Delegatecall => Operation::DelegateCall,
        },
        nonce: args.nonce,
        safe_tx_gas: args.safe_tx_gas,
        base_gas: args.base_gas,
        refund_gas_price: args.refund_gas_price,
        gas_token: args.gas_token.as_deref(),
        refund_receiver: args.refund_receiver.as_deref(),
        chain_id: args.chain_id,
    };
    let prepared = safe_chain::prepare(&rpc, &spec)?;
    ctx.say(Text::new("report-note-safe-tx-hash").arg("hash", prepared.hash));
    let request = sign_request(
        &args.signer,
        prepared.typed_data,
        EthDataType::TypedData,
        Some(prepared.chain_id),
    )?;
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
    let signed = SignedSafeTx::read(&args.safe_tx)?;
    let rpc = Rpc::new(&args.rpc.rpc);
    let (unsigned, summary) = signed.execution_tx(
        &rpc,
        &args.signatures,
        args.skip_owner_check,
        || args.signer.address(),
        &args.fees.overrides(),
    )?;
    ctx.note(&summary);
    emit_request(ctx, unsigned, &args.signer, &args.out)
}
