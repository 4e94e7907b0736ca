//! `coldsign eth …`: Ethereum requests. Offline: inspect, sign, message. Online (feature
//! `online`): build, broadcast, safe-tx, safe-exec.

mod message;
#[cfg(feature = "online")]
mod online;
pub mod output;

use clap::Subcommand;

use super::context::Context;
use crate::Result;

#[derive(Debug, Subcommand)]
pub enum EthCommand {
    /// Review an Ethereum request (nothing is signed); the same as `coldsign inspect`.
    Inspect(super::sign::InspectArgs),
    /// Review, confirm and sign an Ethereum request; the same as `coldsign sign`.
    Sign(super::sign::SignArgs),
    /// Make a request to sign a personal message (EIP-191) or typed data (EIP-712).
    Message(message::MessageArgs),
    /// Build an unsigned transaction from a node: nonce, gas and fees (online).
    #[cfg(feature = "online")]
    Build(online::BuildArgs),
    /// Send a signed transaction and wait for its receipt (online).
    #[cfg(feature = "online")]
    Broadcast(online::BroadcastArgs),
    /// Make a Safe transaction (SafeTx) for the Safe's owners to sign (online).
    #[cfg(feature = "online")]
    SafeTx(online::SafeTxArgs),
    /// Gather owner signatures of a SafeTx and build the transaction that executes it (online).
    #[cfg(feature = "online")]
    SafeExec(online::SafeExecArgs),
}

/// Runs an `eth` subcommand.
pub fn run(ctx: &Context, cmd: EthCommand) -> Result<()> {
    match cmd {
        EthCommand::Inspect(args) => super::sign::inspect(ctx, args),
        EthCommand::Sign(args) => super::sign::sign(ctx, args),
        EthCommand::Message(args) => message::run(ctx, args),
        #[cfg(feature = "online")]
        EthCommand::Build(args) => online::build(ctx, args),
        #[cfg(feature = "online")]
        EthCommand::Broadcast(args) => online::broadcast(ctx, args),
        #[cfg(feature = "online")]
        EthCommand::SafeTx(args) => online::safe_tx(ctx, args),
        #[cfg(feature = "online")]
        EthCommand::SafeExec(args) => online::safe_exec(ctx, args),
    }
}
