//! Command-line interface: argument parsing, output rendering and exit codes. Logic lives in
//! the library; each command group has its own file.

mod address;
mod approval;
mod approve;
mod context;
mod demo;
#[cfg(feature = "hw")]
mod device;
mod eth;
mod key;
mod log;
mod message;
mod multisig;
#[cfg(feature = "online")]
mod online;
mod psbt;
mod qr;
mod reference;
mod registry;
mod release;
mod sign;
mod terminal;
mod wallet;

use std::path::PathBuf;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use context::Context;

/// coldsign: air-gapped key custody for Bitcoin and Ethereum.
#[derive(Debug, Parser)]
#[command(
    name = "coldsign",
    version,
    long_version = crate::release::long_version(),
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Options every command accepts.
#[derive(Debug, clap::Args)]
pub struct GlobalArgs {
    /// Print machine-readable JSON on stdout (errors too, as {"error", "code"}).
    #[arg(long, global = true)]
    pub json: bool,
    /// Bitcoin network for keys and addresses [default: `network` in config.toml, else
    /// inferred from the request's key origins, else bitcoin].
    #[arg(long, global = true, value_enum, env = "COLDSIGN_NETWORK")]
    pub network: Option<NetworkArg>,
    /// Keystore file [default: $XDG_DATA_HOME/coldsign/keystore.json].
    #[arg(long, global = true, value_name = "PATH", env = "COLDSIGN_KEYSTORE")]
    pub keystore: Option<PathBuf>,
    /// Read the keystore password from the first line of FILE instead of the terminal
    /// (or set COLDSIGN_PASSWORD). For automation: anyone who can read FILE can unlock the keys.
    #[arg(long, global = true, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// scrypt cost log2(N) for keystores written by this command (10 to 20). Lower is faster
    /// and weaker: below the default only for tests and throwaway keystores.
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = crate::keys::keystore::KdfCost::DEFAULT.log_n(),
        env = "COLDSIGN_SCRYPT_LOG_N"
    )]
    pub scrypt_log_n: u8,
    /// Directory of watch-only wallets [default: $XDG_DATA_HOME/coldsign/watch-only].
    #[cfg(feature = "online")]
    #[arg(long, global = true, value_name = "DIR", env = "COLDSIGN_WALLET_DIR")]
    pub wallet_dir: Option<PathBuf>,
    /// Print more detail on stderr.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Print only results and errors.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Language of the review, prompts and messages [default: from LC_ALL, LC_MESSAGES or
    /// LANG, else English]. JSON output and warning codes never change with it.
    #[arg(long, global = true, value_enum, env = "COLDSIGN_LANG")]
    pub lang: Option<LangArg>,
}

/// Languages of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English.
    En,
    /// Japanese (日本語).
    Ja,
}

/// Bitcoin networks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NetworkArg {
    /// Bitcoin mainnet.
    #[value(alias = "mainnet")]
    Bitcoin,
    /// Testnet3.
    Testnet,
    /// Signet.
    Signet,
    /// Regtest.
    Regtest,
}

impl From<NetworkArg> for bitcoin::Network {
    fn from(n: NetworkArg) -> Self {
        match n {
            NetworkArg::Bitcoin => bitcoin::Network::Bitcoin,
            NetworkArg::Testnet => bitcoin::Network::Testnet,
            NetworkArg::Signet => bitcoin::Network::Signet,
            NetworkArg::Regtest => bitcoin::Network::Regtest,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create, restore, show and export keys.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Review any request, Bitcoin or Ethereum: amounts, ownership, change, fee, calls and
    /// warnings (nothing is signed).
    Inspect(sign::InspectArgs),
    /// Print a PSBT's intent digest without any key (compare it with every signer's review).
    Digest(psbt::DigestArgs),
    /// Review, confirm and sign any request (a PSBT or an Ethereum request) with the
    /// keystore or a hardware wallet.
    Sign(sign::SignArgs),
    /// Approve a request as one of the policy's approvers: review it here, sign an approval.
    Approve(approve::ApproveArgs),
    /// Print this keystore's approver public key (for a policy's [approvals]).
    ApproverKey,
    /// Finalize a signed PSBT (and verify every input with Bitcoin Core's interpreter).
    Finalize(psbt::FinalizeArgs),
    /// Combine PSBTs of the same transaction (multisig).
    Combine(psbt::CombineArgs),
    /// Convert a PSBT between versions 0 and 2 and between binary, base64 and hex.
    Convert(psbt::ConvertArgs),
    /// Ethereum: review and sign requests offline; build, broadcast and run Safe multisig online.
    #[command(subcommand)]
    Eth(Box<eth::EthCommand>),
    /// Show requests and responses as animated BC-UR QR codes, and read them back.
    #[command(subcommand)]
    Qr(qr::QrCommand),
    /// Watch-only wallets (online) and wallets registered on this signer.
    #[command(subcommand)]
    Wallet(wallet::WalletCommand),
    /// Build an unsigned PSBT from a watch-only wallet (payments, CSV batch, consolidation).
    #[cfg(feature = "online")]
    Build(Box<online::BuildArgs>),
    /// Finalize a signed PSBT, verify it and broadcast it; prints the txid.
    #[cfg(feature = "online")]
    Broadcast(online::BroadcastArgs),
    /// Build an RBF replacement of an unconfirmed transaction at a higher fee rate.
    #[cfg(feature = "online")]
    Bump(Box<online::BumpArgs>),
    /// Create a multisig wallet (descriptor, BIP388, Coldcard, Caravan) from cosigner keys.
    #[command(subcommand)]
    Multisig(multisig::MultisigCommand),
    /// Manage the signer's address book (labels; look-alike destinations are flagged).
    #[command(subcommand)]
    Address(address::AddressCommand),
    /// Hardware wallets: list devices, read xpubs, show and check addresses, register wallets.
    #[cfg(feature = "hw")]
    #[command(subcommand)]
    Device(device::DeviceCommand),
    /// Bitcoin messages: sign a request offline (BIP-322, legacy), verify, finish multisig proofs.
    #[command(subcommand)]
    Message(message::MessageCommand),
    /// Verify or export the audit log.
    #[command(subcommand)]
    Log(log::LogCommand),
    /// ERC-7730 descriptors that name contract calls and EIP-712 messages in reviews.
    #[command(subcommand)]
    Registry(registry::RegistryCommand),
    /// Run the main job on built-in sample data, printing each step.
    Demo(demo::DemoArgs),
    /// Print a shell completion script.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    Man,
    /// Check this binary's own SHA-256 against a release's SHA256SUMS (first step of every
    /// ceremony; docs/release.md).
    VerifyBinary(release::VerifyBinaryArgs),
}

/// The whole command tree, as the doc comments define it (English).
pub fn command() -> clap::Command {
    Cli::command()
}

/// Parses arguments, runs the command and turns the outcome into an exit code.
pub fn run() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let lang = crate::i18n::Lang::chosen(&args);
    crate::i18n::set(lang);
    let parsed = crate::i18n::help::localize(command(), lang)
        .try_get_matches_from(std::env::args_os())
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return context::report_clap_error(e),
    };
    let mut ctx = Context::new(&cli.global);
    if let Err(e) = ctx.apply_config() {
        return ctx.report_error(&e);
    }
    let ctx = ctx;
    let outcome = match cli.command {
        Command::Key(cmd) => key::run(&ctx, cmd),
        Command::Inspect(args) => sign::inspect(&ctx, args),
        Command::Digest(args) => psbt::digest(&ctx, args),
        Command::Sign(args) => sign::sign(&ctx, args),
        Command::Approve(args) => approve::approve(&ctx, args),
        Command::ApproverKey => approve::approver_key(&ctx),
        Command::Finalize(args) => psbt::finalize(&ctx, args),
        Command::Combine(args) => psbt::combine(&ctx, args),
        Command::Convert(args) => psbt::convert(&ctx, args),
        Command::Wallet(cmd) => wallet::run(&ctx, cmd),
        #[cfg(feature = "online")]
        Command::Build(args) => online::build_cmd(&ctx, *args),
        #[cfg(feature = "online")]
        Command::Broadcast(args) => online::broadcast(&ctx, args),
        #[cfg(feature = "online")]
        Command::Bump(args) => online::bump_cmd(&ctx, *args),
        Command::Qr(cmd) => qr::run(&ctx, cmd),
        Command::Eth(cmd) => eth::run(&ctx, *cmd),
        Command::Multisig(cmd) => multisig::run(&ctx, cmd),
        Command::Address(cmd) => address::run(&ctx, cmd),
        Command::Log(cmd) => log::run(&ctx, cmd),
        Command::Registry(cmd) => registry::run(&ctx, cmd),
        Command::Message(cmd) => message::run(&ctx, cmd),
        #[cfg(feature = "hw")]
        Command::Device(cmd) => device::run(&ctx, cmd),
        Command::Demo(args) => demo::run(&ctx, args),
        Command::Completions { shell } => reference::completions(shell),
        Command::Man => reference::man(),
        Command::VerifyBinary(args) => release::verify_binary(&ctx, args),
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => ctx.report_error(&e),
    }
}
