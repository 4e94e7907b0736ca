//! Per-invocation settings, result rendering (human or JSON) and error reporting.

use std::io::Write;
use std::path::PathBuf;

use super::GlobalArgs;
use crate::i18n::Text;
use crate::keys::keystore::KdfCost;
use crate::{Error, Result};

pub use crate::report::Report;

/// What every command needs to know about this invocation.
#[derive(Debug)]
pub struct Context {
    /// `--json` was given.
    pub json: bool,
    quiet: bool,
    verbose: u8,
    /// The Bitcoin network.
    pub network: bitcoin::Network,
    /// Whether the network was given (`--network`, `COLDSIGN_NETWORK` or config.toml) rather
    /// than defaulted.
    network_given: bool,
    keystore: Option<PathBuf>,
    /// Where the keystore password comes from, when not the terminal.
    pub password_file: Option<PathBuf>,
    scrypt_log_n: u8,
    #[cfg(feature = "online")]
    wallet_dir: Option<PathBuf>,
}

impl Context {
    /// Builds the context from the global options.
    pub fn new(args: &GlobalArgs) -> Self {
        Context {
            json: args.json,
            quiet: args.quiet,
            verbose: args.verbose,
            network: args.network.map_or(bitcoin::Network::Bitcoin, Into::into),
            network_given: args.network.is_some(),
            keystore: args.keystore.clone(),
            password_file: args.password_file.clone(),
            scrypt_log_n: args.scrypt_log_n,
            #[cfg(feature = "online")]
            wallet_dir: args.wallet_dir.clone(),
        }
    }

    /// Takes the network from config.toml when neither `--network` nor `COLDSIGN_NETWORK`
    /// gave one; a config file that does not parse is an error, never ignored.
    pub fn apply_config(&mut self) -> Result<()> {
        if self.network_given {
            return Ok(());
        }
        if let Some(network) = crate::config::Config::load()?.network {
            self.network = network.into();
            self.network_given = true;
        }
        Ok(())
    }

    /// The network for a PSBT ([`crate::btc::network::network_for`]).
    pub fn network_for(&self, psbt: &bitcoin::psbt::Psbt) -> Result<bitcoin::Network> {
        let given = self.network_given.then_some(self.network);
        crate::btc::network::network_for(psbt, given, self.network)
    }

    /// The keystore path: `--keystore`, `COLDSIGN_KEYSTORE`, or the XDG data directory.
    pub fn keystore_path(&self) -> Result<PathBuf> {
        match &self.keystore {
            Some(path) => Ok(path.clone()),
            None => crate::config::default_keystore(),
        }
    }

    /// The directory of watch-only wallets: `--wallet-dir`, `COLDSIGN_WALLET_DIR`, or the XDG
    /// data directory.
    #[cfg(feature = "online")]
    pub fn wallet_dir(&self) -> Result<PathBuf> {
        match &self.wallet_dir {
            Some(d) => Ok(d.clone()),
            None => crate::online::store::default_dir(),
        }
    }

    /// The scrypt cost for keystores written now.
    pub fn kdf_cost(&self) -> Result<KdfCost> {
        KdfCost::new(self.scrypt_log_n)
    }

    /// Prints a result on stdout.
    pub fn emit(&self, report: &impl Report) -> Result<()> {
        let text = if self.json {
            let mut s =
                serde_json::to_string_pretty(report).map_err(|e| Error::Internal(e.to_string()))?;
            s.push('\n');
            s
        } else {
            report.human()
        };
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .map_err(|source| Error::File {
                action: "cannot write",
                path: "-".into(),
                source,
            })
    }

    /// Whether `-q` was given.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// An informational line on stderr (suppressed by `-q`).
    pub fn note(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    /// An informational line on stderr in the operator's language (suppressed by `-q`).
    pub fn say(&self, text: Text) {
        self.note(&text.localized());
    }

    /// A detail line on stderr, shown with `-v`.
    pub fn detail(&self, message: &str) {
        if self.verbose > 0 {
            eprintln!("{message}");
        }
    }

    /// Prints the error (one line, plus a hint) and returns its exit code.
    pub fn report_error(&self, e: &Error) -> std::process::ExitCode {
        let code = e.exit_code();
        if self.json {
            let mut body = serde_json::json!({ "error": e.to_string(), "code": e.code() });
            if let Some(hint) = e.hint() {
                body["hint"] = hint.into();
            }
            println!("{body}");
        } else {
            let message = one_line(&e.localized_message());
            eprintln!(
                "{}",
                Text::new("error-line").arg("message", message).localized()
            );
            if let Some(hint) = e.localized_hint() {
                let hint = one_line(&hint);
                eprintln!("{}", Text::new("hint-line").arg("hint", hint).localized());
            }
        }
        std::process::ExitCode::from(code as u8)
    }
}

/// Shows the confirmation screen of `review` on stderr, written as it is rendered through a
/// buffer (a screen of thousands of inputs is never held whole). A failure to write to stderr
/// is ignored (`eprint!` would panic).
pub fn show_review(review: &crate::review::Review) {
    let mut err = TextOut(std::io::BufWriter::new(std::io::stderr().lock()));
    crate::review::render::write(&mut err, review);
    let _ = err.0.flush();
}

/// A byte stream written as text.
struct TextOut<W: Write>(W);

impl<W: Write> std::fmt::Write for TextOut<W> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write_all(s.as_bytes()).map_err(|_| std::fmt::Error)
    }
}

/// Reports an argument-parsing error as `error:` + `hint:` (exit 2), or prints help/version.
pub fn report_clap_error(e: clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return if e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            std::process::ExitCode::from(crate::ExitCode::BadInput as u8)
        } else {
            std::process::ExitCode::SUCCESS
        };
    }
    let rendered = e.render().to_string();
    let message = rendered
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ");
    let hint = Text::new("hint-arguments");
    if std::env::args().any(|a| a == "--json") {
        println!(
            "{}",
            serde_json::json!({ "error": message, "code": "bad_input", "hint": hint.english() })
        );
    } else {
        eprintln!(
            "{}",
            Text::new("error-line").arg("message", message).localized()
        );
        eprintln!(
            "{}",
            Text::new("hint-line").text_arg("hint", hint).localized()
        );
    }
    std::process::ExitCode::from(crate::ExitCode::BadInput as u8)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The person at this terminal: notes respect `--quiet`; questions go to the terminal.
impl crate::prompt::Prompt for Context {
    fn show(&self, text: &str) {
        self.note(text);
    }

    fn line(&self, question: &str) -> Result<String> {
        super::terminal::TerminalPrompt.line(question)
    }

    fn secret(&self, question: &str) -> Result<secrecy::SecretString> {
        super::terminal::TerminalPrompt.secret(question)
    }

    fn interactive(&self) -> bool {
        super::terminal::interactive()
    }
}
