//! `coldsign key …`: create, restore, show, export and re-encrypt keys.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use secrecy::SecretString;
use serde::{Serialize, Serializer};

use super::context::{Context, Report};
use super::terminal::{self, TerminalPrompt};
use crate::files::{self, Replace};
use crate::keys::backup;
use crate::keys::dice::DiceRolls;
use crate::keys::ethereum::{self, EthLayout};
use crate::keys::keystore::Keystore;
use crate::keys::keystore_v3;
use crate::keys::material::KeyMaterial;
use crate::keys::mnemonic::{SecretMnemonic, WordList};
use crate::keys::password::Emptiness;
use crate::keys::watch_only::{WatchOnly, WatchOnlyOptions};
use crate::prompt::Prompt;
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

fn replace_if(force: bool) -> Replace {
    if force {
        Replace::Allowed
    } else {
        Replace::Never
    }
}

/// The keystore path, refusing early (before any question) when it exists without `--force`.
fn target_keystore(ctx: &Context, force: bool) -> Result<PathBuf> {
    let path = ctx.keystore_path()?;
    if path.exists() && !force {
        return Err(Error::Exists(path));
    }
    Ok(path)
}

fn passphrase(args: &CreateArgs) -> Result<SecretString> {
    match (&args.passphrase_file, args.passphrase) {
        (Some(file), _) => terminal::secret_from_file(file),
        (None, true) => terminal::choose_twice("BIP39 passphrase", Emptiness::Allowed),
        (None, false) => Ok(SecretString::from(String::new())),
    }
}

/// The new keystore's password, settled before any word is read, generated or shown.
fn keystore_password(ctx: &Context) -> Result<SecretString> {
    terminal::new_password(ctx.password_file.as_deref(), "the keystore")
}

/// Seals `material` under `password` and writes it; reports what was created.
fn store(
    ctx: &Context,
    path: &Path,
    material: &KeyMaterial,
    args: &CreateArgs,
    password: &SecretString,
) -> Result<Keystore> {
    let cost = ctx.kdf_cost()?;
    ctx.detail(&format!("encrypting with scrypt N=2^{}", cost.log_n()));
    let keystore = Keystore::seal(material, &args.label, password, cost)?;
    keystore.save(path, replace_if(args.force))?;
    Ok(keystore)
}

#[derive(Serialize)]
struct Created<'a> {
    keystore: &'a Path,
    label: &'a str,
    kind: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    address: Option<&'a str>,
    /// Only `key new --json`: the one-time display of the words.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "reveal_words"
    )]
    mnemonic: Option<&'a SecretMnemonic>,
}

/// The single place a mnemonic is serialized: the one-time display of `key new --json`.
fn reveal_words<S: Serializer>(
    m: &Option<&SecretMnemonic>,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_str(&m.expose_phrase()),
        None => s.serialize_none(),
    }
}

impl Report for Created<'_> {
    fn human(&self) -> String {
        let id = self
            .fingerprint
            .map(|f| format!("fingerprint {f}"))
            .or(self.address.map(|a| format!("address {a}")));
        format!(
            "keystore written: {} (label {:?}, {})\n",
            self.keystore.display(),
            self.label,
            id.unwrap_or_default()
        )
    }
}

fn created<'a>(path: &'a Path, keystore: &'a Keystore) -> Created<'a> {
    let header = keystore.header();
    Created {
        keystore: path,
        label: &header.label,
        kind: &header.kind,
        fingerprint: header.fingerprint.as_deref(),
        address: header.address.as_deref(),
        mnemonic: None,
    }
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
    let mnemonic = if args.dice {
        dice_mnemonic(ctx, &args, list)?
    } else {
        SecretMnemonic::generate(args.words, list)?
    };
    if ctx.json {
        // The words are shown only in the report, after the keystore is written.
        let material = KeyMaterial::Bip39 {
            mnemonic,
            passphrase,
        };
        let keystore = store(ctx, &path, &material, &args.create, &password)?;
        let mut report = created(&path, &keystore);
        if let KeyMaterial::Bip39 { mnemonic, .. } = &material {
            report.mnemonic = Some(mnemonic);
        }
        return ctx.emit(&report);
    }
    print!("{}", backup::backup_sheet(&mnemonic));
    let keystore = confirm_and_store(ctx, &args, &path, mnemonic, passphrase, &password)?;
    ctx.emit(&created(&path, &keystore))
}

/// After the words were shown: checks the paper backup and writes the keystore. A failure
/// says what became of the words shown, never discarding them silently.
fn confirm_and_store(
    ctx: &Context,
    args: &NewArgs,
    path: &Path,
    mnemonic: SecretMnemonic,
    passphrase: SecretString,
    password: &SecretString,
) -> Result<Keystore> {
    if !args.no_confirm {
        let prompt = TerminalPrompt;
        let confirmed = prompt
            .line("press Enter once the words are written down")
            .and_then(|_| {
                // Clear the screen so the words cannot simply be read off it.
                eprint!("\x1b[2J\x1b[H");
                prompt.show("Type the words asked for, from your paper backup.");
                backup::confirm_backup(&mnemonic, &prompt)
            });
        confirmed.inspect_err(|_| {
            ctx.note("the words shown were not stored: destroy that paper and run `coldsign key new` again")
        })?;
    }
    let material = KeyMaterial::Bip39 {
        mnemonic,
        passphrase,
    };
    store(ctx, path, &material, &args.create, password).inspect_err(|_| {
        ctx.note("the words shown were NOT stored: keep the paper backup, fix the problem, then store it with `coldsign key restore`")
    })
}

/// The mnemonic from dice rolls read at a hidden prompt (or stdin), saying where the words
/// came from and how to reproduce them.
fn dice_mnemonic(ctx: &Context, args: &NewArgs, list: WordList) -> Result<SecretMnemonic> {
    let typed = if terminal::interactive() {
        let rolls = TerminalPrompt.secret("dice rolls (digits 1-6, hidden; Enter when done)")?;
        zeroize::Zeroizing::new(secrecy::ExposeSecret::expose_secret(&rolls).to_string())
    } else {
        terminal::read_words()?
    };
    let rolls = DiceRolls::parse(&typed)?;
    drop(typed);
    let (mnemonic, origin) = if args.mix_os_rng {
        (
            rolls.mnemonic_mixed_with_os_rng(args.words, list)?,
            "mixed with 32 bytes from this computer's RNG: they can NOT be reproduced from the rolls alone",
        )
    } else {
        (
            rolls.mnemonic(args.words, list)?,
            "SHA-256 of the rolls as typed (Coldcard's method): `echo -n ROLLS | sha256sum` reproduces the entropy",
        )
    };
    ctx.note(&format!(
        "words from {} dice rolls, {origin}",
        rolls.count()
    ));
    Ok(mnemonic)
}

fn restore(ctx: &Context, args: RestoreArgs) -> Result<()> {
    let path = target_keystore(ctx, args.create.force)?;
    ctx.kdf_cost()?;
    // The password and passphrase come first, so the typed words are never asked in vain.
    let password = keystore_password(ctx)?;
    let passphrase = passphrase(&args.create)?;
    let words = terminal::read_words()?;
    let mnemonic = SecretMnemonic::parse(&words)?;
    drop(words);
    let material = KeyMaterial::Bip39 {
        mnemonic,
        passphrase,
    };
    let keystore = store(ctx, &path, &material, &args.create, &password)?;
    ctx.emit(&created(&path, &keystore))
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
    ctx.note("no keystore here: this change is not recorded in an audit log");
    Ok(None)
}

/// Loads and unlocks the keystore named by the context.
pub(super) fn unlock(ctx: &Context) -> Result<(PathBuf, Keystore, KeyMaterial)> {
    let path = ctx.keystore_path()?;
    let keystore = Keystore::load(&path)?;
    let password = terminal::existing_password(
        ctx.password_file.as_deref(),
        &format!("keystore {}", path.display()),
    )?;
    let material = keystore.unlock(&password, &path)?;
    Ok((path, keystore, material))
}

fn options(ctx: &Context, view: &ViewArgs) -> WatchOnlyOptions {
    WatchOnlyOptions {
        network: ctx.network,
        account: view.account,
        slip132: view.slip132,
        eth_count: view.eth_count,
        eth_layout: if view.ledger_live {
            EthLayout::LedgerLive
        } else {
            EthLayout::Bip44
        },
    }
}

#[derive(Serialize)]
struct Shown<'a> {
    keystore: &'a Path,
    label: &'a str,
    created: &'a str,
    kind: &'a str,
    #[serde(flatten)]
    view: WatchOnly,
}

impl Report for Shown<'_> {
    fn human(&self) -> String {
        let mut out = format!(
            "keystore     {} ({:?}, created {})\n",
            self.keystore.display(),
            self.label,
            self.created
        );
        if let Some(fp) = &self.view.fingerprint {
            out.push_str(&format!(
                "fingerprint  {fp}\nnetwork      {}\n",
                self.view.network
            ));
        }
        for a in &self.view.bitcoin {
            out.push_str(&format!("\n{} {}  {}\n", a.script, a.path, a.xpub));
            if let Some(s) = &a.slip132 {
                out.push_str(&format!("  slip-132       {s}\n"));
            }
            match &a.descriptor {
                Some(d) => out.push_str(&format!("  descriptor     {d}\n")),
                None => out.push_str(&format!("  cosigner key   {}\n", a.key)),
            }
            if let (Some(r), Some(c)) = (&a.first_receive, &a.first_change) {
                out.push_str(&format!("  first receive  {r}\n  first change   {c}\n"));
            }
        }
        if !self.view.ethereum.is_empty() {
            out.push_str("\nethereum\n");
            for e in &self.view.ethereum {
                out.push_str(&format!(
                    "  {}  {}\n",
                    e.address,
                    e.path.as_deref().unwrap_or("(imported key)")
                ));
            }
        }
        out
    }
}

fn show(ctx: &Context, args: ViewArgs) -> Result<()> {
    let (path, keystore, material) = unlock(ctx)?;
    let header = keystore.header();
    ctx.emit(&Shown {
        keystore: &path,
        label: &header.label,
        created: &header.created,
        kind: &header.kind,
        view: WatchOnly::derive(&material, &options(ctx, &args)),
    })
}

fn export(ctx: &Context, args: ExportArgs) -> Result<()> {
    let (_, _, material) = unlock(ctx)?;
    let view = WatchOnly::derive(&material, &options(ctx, &args.view));
    let text = if ctx.json {
        serde_json::to_string_pretty(&view).map_err(|e| Error::Internal(e.to_string()))? + "\n"
    } else {
        view.to_text()
    };
    files::write_output(&args.output, text.as_bytes(), replace_if(args.force))?;
    if args.output != Path::new("-") {
        ctx.note(&format!(
            "watch-only export written to {}",
            args.output.display()
        ));
    }
    Ok(())
}

#[derive(Serialize)]
struct Changed<'a> {
    keystore: &'a Path,
    password_changed: bool,
}

impl Report for Changed<'_> {
    fn human(&self) -> String {
        format!("password changed for {}\n", self.keystore.display())
    }
}

fn passwd(ctx: &Context, args: PasswdArgs) -> Result<()> {
    let cost = ctx.kdf_cost()?;
    // A new password from a file is checked before the old one is asked.
    let from_file = match &args.new_password_file {
        Some(file) => Some(crate::keys::password::require_non_empty(
            terminal::secret_from_file(file)?,
            &file.display().to_string(),
        )?),
        None if !terminal::interactive() => {
            return Err(Error::usage(
                "cannot ask for the new password: stdin is not a terminal",
                "pass --new-password-file FILE",
            ))
        }
        None => None,
    };
    let (path, keystore, material) = unlock(ctx)?;
    let new_password = match from_file {
        Some(password) => password,
        None => terminal::choose_twice("new password", Emptiness::Refused)?,
    };
    keystore
        .rekey(&material, &new_password, cost)?
        .save(&path, Replace::Allowed)?;
    ctx.emit(&Changed {
        keystore: &path,
        password_changed: true,
    })
}

fn import_v3(ctx: &Context, args: ImportV3Args) -> Result<()> {
    let path = target_keystore(ctx, args.create.force)?;
    ctx.kdf_cost()?;
    let json = files::read_input(&args.file)?;
    let v3_password = match &args.v3_password_file {
        Some(file) => terminal::secret_from_file(file)?,
        None => TerminalPrompt.secret(&format!("password of {}", args.file.display()))?,
    };
    let key = keystore_v3::decrypt(&json, &v3_password)?;
    let password = keystore_password(ctx)?;
    let keystore = store(
        ctx,
        &path,
        &KeyMaterial::PrivateKey(key),
        &args.create,
        &password,
    )?;
    ctx.emit(&created(&path, &keystore))
}

#[derive(Serialize)]
struct ExportedV3<'a> {
    file: &'a Path,
    address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
}

impl Report for ExportedV3<'_> {
    fn human(&self) -> String {
        format!(
            "keystore v3 written: {} (address {}{})\n",
            self.file.display(),
            self.address,
            self.path
                .as_deref()
                .map(|p| format!(", path {p}"))
                .unwrap_or_default()
        )
    }
}

fn export_v3(ctx: &Context, args: ExportV3Args) -> Result<()> {
    if args.output == Path::new("-") {
        return Err(Error::usage(
            "export-v3 writes a file, not stdout",
            "pass -o FILE",
        ));
    }
    if args.output.exists() && !args.force {
        return Err(Error::Exists(args.output));
    }
    let cost = ctx.kdf_cost()?;
    let (_, _, material) = unlock(ctx)?;
    let layout = if args.ledger_live {
        EthLayout::LedgerLive
    } else {
        EthLayout::Bip44
    };
    let (key, path) = ethereum::account_key(&material, args.path.as_deref(), layout, args.index)?;
    let v3_password = match &args.v3_password_file {
        Some(file) => terminal::secret_from_file(file),
        None => terminal::choose_twice("password for the v3 file", Emptiness::Refused),
    }?;
    let document = keystore_v3::encrypt(&key, &v3_password, cost);
    files::write_atomic(&args.output, &document, 0o600, replace_if(args.force))?;
    let address =
        ethereum::address_of_private(&bitcoin::secp256k1::Secp256k1::signing_only(), &key)
            .to_checksum(None);
    ctx.note("the file holds a private key, encrypted only by the password you chose for it");
    ctx.emit(&ExportedV3 {
        file: &args.output,
        address,
        path,
    })
}
