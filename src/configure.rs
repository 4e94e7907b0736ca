//! Changes to what the signer trusts (the address book, imported tokens, registered wallets,
//! ERC-7730 descriptors) as a person makes them: shown, confirmed, saved, then recorded in the
//! audit log with the part's new fingerprint ([`crate::trusted`], docs/audit.md).
//!
//! The audited home is passed as a closure so that it is opened (and the keystore password
//! asked) only after the input has been read and found usable, as before any other change.

use std::path::Path;

use crate::addressbook::AddressBook;
use crate::btc::wallets::Wallet;
use crate::ceremony::Home;
use crate::erc7730::store::{self, Store, Summary};
use crate::eth::registry;
use crate::files::Replace;
use crate::i18n::Text;
use crate::keys::material::HdKeys;
use crate::prompt::Prompt;
use crate::report::address::{tokens_to_import, TokensImported};
use crate::report::registry::{DescriptorsImported, SkippedFile};
use crate::report::wallet::WalletView;
use crate::trusted::Part;
use crate::{Error, Result};

/// Refuses a change that needs a confirmation (`yes` not given) when nobody can answer, with
/// the catalog messages `refusal` and `hint`.
pub fn require_answerable(
    prompt: &dyn Prompt,
    yes: bool,
    refusal: &'static str,
    hint: &'static str,
) -> Result<()> {
    if yes || prompt.interactive() {
        return Ok(());
    }
    Err(Error::said(Text::new(refusal), Some(Text::new(hint))))
}

/// Asks a yes/no `question`; anything but yes (`はい` too in Japanese) declines (exit 1) with
/// the catalog message `declined`.
pub fn agree(prompt: &dyn Prompt, question: &Text, declined: &'static str) -> Result<()> {
    let answer = prompt.line(&question.localized())?;
    if crate::ceremony::is_yes(answer.trim()) {
        Ok(())
    } else {
        Err(Error::declined(Text::new(declined)))
    }
}

/// Shows a block of lines that ends with a newline.
fn show_block(prompt: &dyn Prompt, text: &str) {
    if !text.is_empty() {
        prompt.show(text.strip_suffix('\n').unwrap_or(text));
    }
}

/// A change to the address book.
pub enum BookChange {
    /// Add a labelled destination.
    Add {
        /// The label.
        label: String,
        /// The address (checked for the network).
        address: String,
    },
    /// Remove the entry with this label.
    Remove {
        /// The label.
        label: String,
    },
}

/// Applies `change` to the address book at `path` and records it; returns the new book.
pub fn change_address_book(
    path: &Path,
    change: BookChange,
    network: bitcoin::Network,
    home: impl FnOnce() -> Result<Option<Home>>,
) -> Result<AddressBook> {
    let mut book = AddressBook::load(path)?;
    let detail = match change {
        BookChange::Add { label, address } => {
            book.add(&label, &address, network)?;
            format!("added {label:?} {address}")
        }
        BookChange::Remove { label } => {
            book.remove(&label)?;
            format!("removed {label:?}")
        }
    };
    let home = home()?;
    book.save(path)?;
    if let Some(home) = &home {
        home.record_trusted(Part::AddressBook, detail)?;
    }
    Ok(book)
}

/// Adds the tokens of a token list `file` to the registry beside the address book `book`,
/// after showing each one (with what it replaces or imitates) and asking unless `yes`.
pub fn import_tokens(
    prompt: &dyn Prompt,
    book: &Path,
    file: &Path,
    yes: bool,
    home: impl FnOnce() -> Result<Option<Home>>,
) -> Result<TokensImported> {
    let list = registry::parse_token_list(&crate::files::read_input(file)?)
        .map_err(|e| Error::bad_input(format!("{}: {e}", file.display())))?;
    require_answerable(
        prompt,
        yes,
        "error-tokens-need-confirmation",
        "hint-tokens-need-confirmation",
    )?;
    let home = home()?;
    show_block(prompt, &tokens_to_import(&list.tokens));
    if !yes {
        agree(
            prompt,
            &Text::new("prompt-import-tokens").arg("count", list.tokens.len()),
            "error-declined-imported",
        )?;
    }
    registry::save_imported(book, &list)?;
    if let Some(home) = &home {
        home.record_trusted(
            Part::Tokens,
            format!("imported {} token(s) from {}", list.tokens.len(), list.name),
        )?;
    }
    Ok(TokensImported {
        list: list.name,
        tokens: list.tokens,
        stored: registry::imported_path(book),
    })
}

/// What registering a wallet needs: the file, its name, and how to proceed.
pub struct WalletImport<'a> {
    /// A descriptor, BIP388 policy or Coldcard multisig file; `-` for stdin.
    pub file: &'a Path,
    /// The name to register it under (else the name inside, else the file's stem).
    pub name: Option<&'a str>,
    /// Register without asking.
    pub yes: bool,
    /// Replace a registered wallet of the same name.
    pub force: bool,
}

/// Registers a multisig or miniscript wallet in `dir` after checking that our key is in it and
/// showing every cosigner; returns what was shown and where it was stored.
pub fn register_wallet(
    prompt: &dyn Prompt,
    hd: &HdKeys,
    dir: &Path,
    import: WalletImport<'_>,
    network: bitcoin::Network,
    home: &Home,
) -> Result<(WalletView, std::path::PathBuf)> {
    let text = String::from_utf8(crate::files::read_input(import.file)?).map_err(|_| {
        Error::said(
            Text::new("error-not-text").arg("path", import.file.display()),
            None,
        )
    })?;
    let wallet = Wallet::parse_file(import.name, &text, import.file)?;
    let cosigners = wallet.check_contains(hd)?;
    let shown = WalletView::new(&wallet, network, cosigners)?;
    if !import.yes {
        require_answerable(
            prompt,
            false,
            "error-wallet-needs-confirmation",
            "hint-wallet-needs-confirmation",
        )?;
        show_block(prompt, &crate::report::Report::human(&shown));
        agree(
            prompt,
            &Text::new("prompt-register-wallet"),
            "error-declined-registered",
        )?;
    }
    let replace = if import.force {
        Replace::Allowed
    } else {
        Replace::Never
    };
    let path = wallet.save(dir, replace)?;
    home.record_trusted(
        Part::Wallets,
        format!("registered {} ({})", wallet.name, wallet.descriptor),
    )?;
    Ok((shown, path))
}

/// Installs the ERC-7730 descriptors at `path` (a file or a directory) after showing each
/// one's hash, owner and coverage and asking unless `yes`; each is recorded in the audit log.
pub fn import_descriptors(
    prompt: &dyn Prompt,
    store: &Store,
    path: &Path,
    yes: bool,
    home: impl FnOnce() -> Result<Home>,
) -> Result<DescriptorsImported> {
    let candidates = store::read_candidates(path)?;
    if candidates.descriptors.is_empty() {
        let message = Text::new("error-no-usable-descriptor")
            .arg("path", path.display())
            .arg("skipped", candidates.skipped.len());
        return Err(Error::said(message, None));
    }
    require_answerable(
        prompt,
        yes,
        "error-descriptors-need-confirmation",
        "hint-descriptors-need-confirmation",
    )?;
    let home = home()?;
    for skipped in &candidates.skipped {
        let line = Text::new("prompt-descriptor-skipped")
            .arg("path", skipped.file.display())
            .arg("reason", crate::erc7730::format::sanitize(&skipped.reason));
        prompt.show(&line.localized());
    }
    for (_, summary) in &candidates.descriptors {
        show_block(prompt, &summary.localized());
    }
    if !yes {
        agree(
            prompt,
            &Text::new("prompt-trust-descriptors").arg("count", candidates.descriptors.len()),
            "error-declined-imported",
        )?;
    }
    let descriptors: Vec<_> = candidates
        .descriptors
        .iter()
        .map(|(d, _)| d.clone())
        .collect();
    let imported = store.add(&descriptors)?;
    for summary in &imported {
        home.record_configuration(
            "descriptor-imported",
            alloy_primitives::hex::encode(summary.hash),
            summary.describe(),
        )?;
    }
    home.record_trusted(
        Part::Descriptors,
        format!("imported {} descriptor(s)", imported.len()),
    )?;
    Ok(DescriptorsImported {
        imported,
        skipped: candidates.skipped.iter().map(SkippedFile::from).collect(),
        stored: store.dir().to_path_buf(),
    })
}

/// Uninstalls the descriptor whose hash starts with `id` and records it.
pub fn remove_descriptor(
    store: &Store,
    id: &str,
    home: impl FnOnce() -> Result<Home>,
) -> Result<Summary> {
    let summary = store.show(id)?;
    let home = home()?;
    store.remove(id)?;
    home.record_configuration(
        "descriptor-removed",
        alloy_primitives::hex::encode(summary.hash),
        summary.describe(),
    )?;
    home.record_trusted(Part::Descriptors, format!("removed {}", summary.describe()))?;
    Ok(summary)
}

/// Registers `wallet` (stored in `dir`) on a Ledger and keeps the device's HMAC with it;
/// returns the device's fingerprint and the HMAC in hex.
#[cfg(feature = "hw")]
pub fn register_on_ledger(
    device: &mut crate::signer::device::Device,
    wallet: &mut Wallet,
    dir: &Path,
    home: Option<&Home>,
) -> Result<(bitcoin::bip32::Fingerprint, String)> {
    let (fingerprint, hmac) = device.register(wallet)?;
    let hmac = data_encoding::HEXLOWER.encode(&hmac);
    wallet
        .ledger_hmacs
        .insert(fingerprint.to_string(), hmac.clone());
    wallet.save(dir, Replace::Allowed)?;
    if let Some(home) = home {
        home.record_trusted(
            Part::Wallets,
            format!("registered {} on the Ledger {fingerprint}", wallet.name),
        )?;
    }
    Ok((fingerprint, hmac))
}
