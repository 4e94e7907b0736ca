//! `coldsign demo`: the main job on built-in sample data, printing each step.

use clap::Args;
use secrecy::SecretString;

use super::context::Context;
use crate::files::Replace;
use crate::keys::ethereum::EthLayout;
use crate::keys::keystore::{KdfCost, Keystore};
use crate::keys::material::KeyMaterial;
use crate::keys::mnemonic::{SecretMnemonic, WordList};
use crate::keys::watch_only::{WatchOnly, WatchOnlyOptions};
use crate::{Error, Result};

/// The public BIP39 test mnemonic: its keys are known to everyone, so it only ever holds
/// regtest coins.
pub const SAMPLE_ENTROPY: [u8; 16] = [0; 16];

#[derive(Debug, Args)]
pub struct DemoArgs {}

/// Runs the demo in a throwaway directory.
pub fn run(ctx: &Context, _args: DemoArgs) -> Result<()> {
    let dir = tempfile::tempdir().map_err(|source| Error::File {
        action: "cannot create",
        path: std::env::temp_dir(),
        source,
    })?;
    let path = dir.path().join("keystore.json");
    let password = SecretString::from("demo password");
    let network = bitcoin::Network::Regtest;
    say(
        ctx,
        "1. restore the public test mnemonic (abandon ×11 about) into a throwaway keystore",
    );
    let mnemonic = SecretMnemonic::from_entropy(&SAMPLE_ENTROPY, WordList::English)?;
    let material = KeyMaterial::Bip39 {
        mnemonic,
        passphrase: SecretString::from(String::new()),
    };
    let keystore = Keystore::seal(&material, "demo", &password, KdfCost::new(12)?)?;
    keystore.save(&path, Replace::Never)?;
    say(
        ctx,
        &format!(
            "   keystore {} (mode 0600, scrypt, XChaCha20-Poly1305)",
            path.display()
        ),
    );
    say(
        ctx,
        "2. unlock it again with the password and derive the watch-only view",
    );
    let unlocked = Keystore::load(&path)?.unlock(&password, &path)?;
    let view = WatchOnly::derive(
        &unlocked,
        &WatchOnlyOptions {
            network,
            account: 0,
            slip132: false,
            eth_count: 1,
            eth_layout: EthLayout::Bip44,
        },
    );
    say(
        ctx,
        &format!(
            "   fingerprint {}",
            view.fingerprint.as_deref().unwrap_or("?")
        ),
    );
    for account in view.bitcoin.iter().filter(|a| a.descriptor.is_some()) {
        say(
            ctx,
            &format!(
                "   {:<12} {}",
                account.script,
                account.first_receive.as_deref().unwrap_or("")
            ),
        );
    }
    for account in &view.ethereum {
        say(ctx, &format!("   {:<12} {}", "ethereum", account.address));
    }
    say(
        ctx,
        "3. the watch-only export an online machine would import:",
    );
    for line in view.descriptor_lines() {
        say(ctx, &format!("   {line}"));
    }
    if ctx.json {
        ctx.emit(&DemoReport { view })?;
    }
    say(ctx, "demo finished: the throwaway keystore is deleted");
    Ok(())
}

#[derive(serde::Serialize)]
struct DemoReport {
    view: WatchOnly,
}

impl super::context::Report for DemoReport {
    fn human(&self) -> String {
        String::new()
    }
}

fn say(ctx: &Context, line: &str) {
    if !ctx.json {
        println!("{line}");
    }
}
