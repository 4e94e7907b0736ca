//! `coldsign key …`: create, restore, show, export and re-encrypt keys.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use secrecy::SecretString;

use super::context::Context;
use super::terminal::{self, TerminalPrompt};
use crate::files::{self, Replace};
use crate::i18n::{t, Text};
use crate::keys::create::{self, NewKeystore};
use crate::keys::ethereum::EthLayout;
use crate::keys::keystore::Keystore;
use crate::keys::keystore_v3;
use crate::keys::material::KeyMaterial;
use crate::keys::mnemonic::{SecretMnemonic, WordList};
use crate::keys::password::{self, Emptiness};
use crate::keys::watch_only::{WatchOnly, WatchOnlyOptions};
use crate::keys::{backup, secret_source};
use crate::prompt::Prompt;
use crate::report::keys::{Changed, Created, ExportedV3, Shown};
use crate::{Error, Result};

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Create a new mnemonic from the OS random number generator and store it encrypted.
    New(NewArgs),
    /// Restore a mnemonic typed at a prompt or piped on stdin (never from arguments).
    Restore(RestoreArgs),
    /// Show the fingerprint, account xpubs, descriptors and addresses. No secret is shown.
    Show(ViewArgs),
    /// Export what an online machine needs to watch the wallet (no secret).
    Export(ExportArgs),
    /// Change the keystore password.
    Passwd(PasswdArgs),
    /// Import an Ethereum keystore v3 file (geth, cast, MetaMask) into a new keystore.
    ImportV3(ImportV3Args),
    /// Export one Ethereum private key as a keystore v3 file (geth, cast).
    ExportV3(ExportV3Args),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum WordListArg {
    English,
    Japanese,
}

/// Options shared by commands that create a keystore.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Ask for a BIP39 passphrase (the "25th word") on the terminal.
    #[arg(long)]
    passphrase: bool,
    /// Read the BIP39 passphrase from the first line of FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "passphrase")]
    passphrase_file: Option<PathBuf>,
    /// A label stored in the keystore header.
    #[arg(long, default_value = "coldsign")]
    label: String,
    /// Replace an existing keystore file.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Number of words.
    #[arg(long, default_value_t = 24, value_parser = parse_word_count)]
    words: usize,
    /// Word list.
    #[arg(long, value_enum, default_value_t = WordListArg::English)]
    language: WordListArg,
    /// Do not ask words back to confirm the paper backup (scripted setups).
    #[arg(long)]
    no_confirm: bool,
    /// Entropy from dice rolls (digits 1-6, at least 99 for 24 words, 50 for 12) typed at a
    /// hidden prompt or piped on stdin: SHA-256 of the rolls, as Coldcard computes it.
    #[arg(long)]
    dice: bool,
    /// With --dice: mix 32 bytes from the OS RNG into the rolls (the words can then no
    /// longer be reproduced from the rolls alone).
    #[arg(long, requires = "dice")]
    mix_os_rng: bool,
    #[command(flatten)]
    create: CreateArgs,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    create: CreateArgs,
}

/// What to derive for display.
#[derive(Debug, Args)]
pub struct ViewArgs {
    /// Account number (the third path step).
    #[arg(long, default_value_t = 0)]
    account: u32,
    /// How many Ethereum addresses to list.
    #[arg(long, default_value_t = 3)]
    eth_count: u32,
    /// Use the Ledger Live Ethereum layout m/44'/60'/i'/0/0.
    #[arg(long)]
    ledger_live: bool,
    /// Also give SLIP-132 forms (ypub, zpub, Zpub).
    #[arg(long)]
    slip132: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export only public information (required: the only kind of export).
    #[arg(long, required = true)]
    watch_only: bool,
    /// Output file, or - for stdout.
    #[arg(short, long, default_value = "-")]
    output: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    view: ViewArgs,
}

#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// Read the new password from the first line of FILE.
    #[arg(long, value_name = "FILE")]
    new_password_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ImportV3Args {
    /// The keystore v3 JSON file.
    file: PathBuf,
    /// Read the v3 file's password from the first line of FILE.
    #[arg(long, value_name = "FILE")]
    v3_password_file: Option<PathBuf>,
    #[command(flatten)]
    create: CreateArgs,
}

#[derive(Debug, Args)]
pub struct ExportV3Args {
    /// Output file (created with mode 0600).
    #[arg(short, long)]
    output: PathBuf,
    /// Account index in the chosen layout.
    #[arg(long, default_value_t = 0, conflicts_with = "path")]
    index: u32,
    /// Use the Ledger Live layout m/44'/60'/i'/0/0.
    #[arg(long, conflicts_with = "path")]
    ledger_live: bool,
    /// An explicit derivation path instead of a layout.
    #[arg(long)]
    path: Option<String>,
    /// Read the password for the v3 file from the first line of FILE.
    #[arg(long, value_name = "FILE")]
    v3_password_file: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

fn parse_word_count(s: &str) -> std::result::Result<usize, String> {
    match s {
        "12" => Ok(12),
        "24" => Ok(24),
        _ => Err("use 12 or 24".into()),
    }
}

/// Runs a key command.
pub fn run(ctx: &Context, command: KeyCommand) -> Result<()> {
    match command {
        KeyCommand::New(args) => new(ctx, args),
        KeyCommand::Restore(args) => restore(ctx, args),
        KeyCommand::Show(args) => show(ctx, args),
        KeyCommand::Export(args) => export(ctx, args),
        KeyCommand::Passwd(args) => passwd(ctx, args),
        KeyCommand::ImportV3(args) => import_v3(ctx, args),
        KeyCommand::ExportV3(args) => export_v3(ctx, args),
    }
}

/// The keystore path, refusing early (before any question) when it exists without `--force`.
fn target_keystore(ctx: &Context, force: bool) -> Result<PathBuf> {
    create::target(ctx.keystore_path()?, force)
}

fn passphrase(args: &CreateArgs) -> Result<SecretString> {
    match (&args.passphrase_file, args.passphrase) {
        (None, false) => Ok(SecretString::from(String::new())),
        (file, _) => secret_source::chosen(
            &TerminalPrompt,
            file.as_deref(),
            &Text::new("prompt-bip39-passphrase"),
            Emptiness::Allowed,
        ),
    }
}

/// The new keystore's password, settled before any word is read, generated or shown.
fn keystore_password(ctx: &Context) -> Result<SecretString> {
    secret_source::new_password(
        &TerminalPrompt,
        ctx.password_file.as_deref(),
        &Text::new("prompt-new-password-keystore"),
    )
}

/// Seals `material` under `password` and writes it.
fn store(
    ctx: &Context,
    path: &Path,
    material: &KeyMaterial,
    args: &CreateArgs,
    password: &SecretString,
) -> Result<Keystore> {
    let cost = ctx.kdf_cost()?;
    ctx.detail(&format!("encrypting with scrypt N=2^{}", cost.log_n()));
    NewKeystore::new(path, &args.label, args.force, cost).store(material, password)
}

fn new(ctx: &Context, args: NewArgs) -> Result<()> {
    let path = target_keystore(ctx, args.create.force)?;
    if !args.no_confirm && (ctx.json || !terminal::interactive()) {
        return Err(Error::usage(
            "cannot confirm the paper backup without an interactive terminal",
            "run it in a terminal, or pass --no-confirm for a scripted setup",
        ));
    }
    ctx.kdf_cost()?;
    // Every secret is settled before a word exists: a failure here loses nothing.
    let password = keystore_password(ctx)?;
    let passphrase = passphrase(&args.create)?;
    let list = match args.language {
        WordListArg::English => WordList::English,
        WordListArg::Japanese => WordList::Japanese,
    };
    let rolls = args.dice.then(dice_rolls).transpose()?;
    let dice = rolls.as_deref().map(|r| (r.as_str(), args.mix_os_rng));
    let (mnemonic, note) = create::new_mnemonic(args.words, list, dice)?;
    drop(rolls);
    if let Some(note) = note {
        ctx.note(&note);
    }
    if ctx.json {
        // The words are shown only in the report, after the keystore is written.
        let material = KeyMaterial::Bip39 {
            mnemonic,
            passphrase,
        };
        let keystore = store(ctx, &path, &material, &args.create, &password)?;
        return ctx.emit(&Created::revealing(&path, &keystore, &material));
    }
    print!("{}", backup::backup_sheet(&mnemonic));
    let keystore = create::confirm_and_store(
        ctx,
        (!args.no_confirm).then_some(confirm_backup),
        |material| store(ctx, &path, material, &args.create, &password),
        mnemonic,
        passphrase,
    )?;
    ctx.emit(&Created::new(&path, &keystore))
}

/// Asks words of the paper backup back on the terminal, once the screen showing them is
/// cleared.
fn confirm_backup(mnemonic: &SecretMnemonic) -> Result<()> {
    let prompt = TerminalPrompt;
    prompt.line(&crate::i18n::t("prompt-backup-written"))?;
    // Clear the screen so the words cannot simply be read off it.
    eprint!("\x1b[2J\x1b[H");
    prompt.show(&crate::i18n::t("prompt-backup-type-words"));
    backup::confirm_backup(mnemonic, &prompt)
}

/// Dice rolls typed at a hidden prompt, or read from stdin.
fn dice_rolls() -> Result<zeroize::Zeroizing<String>> {
    if terminal::interactive() {
        let rolls = TerminalPrompt.secret(&t("prompt-dice-rolls"))?;
        return Ok(zeroize::Zeroizing::new(
            secrecy::ExposeSecret::expose_secret(&rolls).to_string(),
        ));
    }
    terminal::read_words()
}

fn restore(ctx: &Context, args: RestoreArgs) -> Result<()> {
    let path = target_keystore(ctx, args.create.force)?;
    ctx.kdf_cost()?;
    // The password and passphrase come first, so the typed words are never asked in vain.
    let password = keystore_password(ctx)?;
    let passphrase = passphrase(&args.create)?;
    let words = terminal::read_words()?;
    let material = create::restored(&words, passphrase)?;
    drop(words);
    let keystore = store(ctx, &path, &material, &args.create, &password)?;
    ctx.emit(&Created::new(&path, &keystore))
}

/// The signer's home with its audit key (unlocking the keystore): what changes the trusted
/// configuration goes through it.
pub(super) fn audited_home(ctx: &Context) -> Result<crate::ceremony::Home> {
    let (keystore, _, material) = unlock(ctx)?;
    Ok(crate::ceremony::Home::beside(&keystore)?
        .with_audit(crate::audit::AuditSigner::from_material(&material)))
}

/// [`audited_home`] when the keystore exists (its password is asked before any change);
/// without a keystore there is no audit log, which is said on stderr.
pub(super) fn audited_home_if_any(ctx: &Context) -> Result<Option<crate::ceremony::Home>> {
    if ctx.keystore_path()?.exists() {
        return audited_home(ctx).map(Some);
    }
    ctx.say(Text::new("report-note-no-audit-log"));
    Ok(None)
}

/// Loads and unlocks the keystore named by the context.
pub(super) fn unlock(ctx: &Context) -> Result<(PathBuf, Keystore, KeyMaterial)> {
    let path = ctx.keystore_path()?;
    let (keystore, material) =
        secret_source::unlock(&TerminalPrompt, &path, ctx.password_file.as_deref())?;
    Ok((path, keystore, material))
}

fn options(ctx: &Context, v: &ViewArgs) -> WatchOnlyOptions {
    WatchOnlyOptions::new(
        ctx.network,
        v.account,
        v.slip132,
        v.eth_count,
        v.ledger_live,
    )
}

fn show(ctx: &Context, args: ViewArgs) -> Result<()> {
    let (path, keystore, material) = unlock(ctx)?;
    let view = WatchOnly::derive(&material, &options(ctx, &args));
    ctx.emit(&Shown::new(&path, &keystore, view))
}

fn export(ctx: &Context, args: ExportArgs) -> Result<()> {
    let (_, _, material) = unlock(ctx)?;
    let view = WatchOnly::derive(&material, &options(ctx, &args.view));
    let text = view.export(ctx.json)?;
    files::write_output(
        &args.output,
        text.as_bytes(),
        Replace::allowed_if(args.force),
    )?;
    if args.output != Path::new("-") {
        ctx.say(Text::new("report-note-watch-only-written").arg("path", args.output.display()));
    }
    Ok(())
}

fn passwd(ctx: &Context, args: PasswdArgs) -> Result<()> {
    let cost = ctx.kdf_cost()?;
    // A new password from a file is checked before the old one is asked.
    let from_file =
        secret_source::replacement_password(&TerminalPrompt, args.new_password_file.as_deref())?;
    let (path, keystore, material) = unlock(ctx)?;
    let new_password = match from_file {
        Some(password) => password,
        None => password::choose(
            &TerminalPrompt,
            &Text::new("prompt-new-password"),
            Emptiness::Refused,
        )?,
    };
    keystore.change_password(&path, &material, &new_password, cost)?;
    ctx.emit(&Changed {
        keystore: &path,
        password_changed: true,
    })
}

fn import_v3(ctx: &Context, args: ImportV3Args) -> Result<()> {
    let path = target_keystore(ctx, args.create.force)?;
    ctx.kdf_cost()?;
    let json = files::read_input(&args.file)?;
    let question = Text::new("prompt-password-of").arg("path", args.file.display());
    let v3_password =
        secret_source::given(&TerminalPrompt, args.v3_password_file.as_deref(), &question)?;
    let key = keystore_v3::decrypt(&json, &v3_password)?;
    let password = keystore_password(ctx)?;
    let keystore = store(
        ctx,
        &path,
        &KeyMaterial::PrivateKey(key),
        &args.create,
        &password,
    )?;
    ctx.emit(&Created::new(&path, &keystore))
}

fn export_v3(ctx: &Context, args: ExportV3Args) -> Result<()> {
    if args.output == Path::new("-") {
        return Err(Error::usage(
            "export-v3 writes a file, not stdout",
            "pass -o FILE",
        ));
    }
    files::refuse_taken(&args.output, Replace::allowed_if(args.force))?;
    let cost = ctx.kdf_cost()?;
    let (_, _, material) = unlock(ctx)?;
    let exported = keystore_v3::export_account(
        &material,
        args.path.as_deref(),
        EthLayout::chosen(args.ledger_live),
        args.index,
        cost,
        || {
            secret_source::chosen(
                &TerminalPrompt,
                args.v3_password_file.as_deref(),
                &Text::new("prompt-password-v3-file"),
                Emptiness::Refused,
            )
        },
    )?;
    let replace = Replace::allowed_if(args.force);
    files::write_atomic(&args.output, &exported.document, 0o600, replace)?;
    ctx.say(Text::new("report-note-v3-private-key"));
    ctx.emit(&ExportedV3 {
        file: &args.output,
        address: exported.address,
        path: exported.path,
    })
}
