//! `--help` in the operator's language. English comes from the command definitions' doc
//! comments; another language replaces a command's description with the catalog message
//! `help-<command path>` (`help-eth-sign`; the program itself is `help`) and an option's with
//! `help-<command path>--<option id>` (`help-sign--yes`, `help--json`), wherever its catalog
//! has them. tests/i18n.rs checks that every such message names a real command or option.

use clap::builder::Resettable;
use clap::{Arg, ArgAction, Command};

use super::{format_own, Lang};

/// `cmd` (the whole command tree) with its descriptions in `lang`.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    if lang == Lang::En {
        return cmd;
    }
    localize_tree(cmd, "help".to_string(), lang)
}

fn localize_tree(mut cmd: Command, key: String, lang: Lang) -> Command {
    if let Some(text) = format_own(lang, &key) {
        cmd = cmd.about(text).long_about(Resettable::Reset);
    }
    let heading = |k: &'static str| super::Text::new(k).in_lang(lang);
    let options: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in options {
        let text = format_own(lang, &format!("{key}--{id}"));
        let section = heading(if positional {
            "heading-arguments"
        } else {
            "heading-options"
        });
        cmd = cmd.mut_arg(id, |mut a| {
            if a.get_help_heading().is_none() {
                a = a.help_heading(section);
            }
            match text {
                Some(text) => a.help(text).long_help(Resettable::Reset),
                None => a,
            }
        });
    }
    let subcommands: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in subcommands {
        let sub_key = format!("{key}-{name}");
        cmd = cmd.mut_subcommand(name, |s| localize_tree(s, sub_key, lang));
    }
    let flag = |id: &'static str, short: char, action: ArgAction, help: &'static str| {
        Arg::new(id)
            .short(short)
            .long(id)
            .action(action)
            .help(heading(help))
            .help_heading(heading("heading-options"))
            .global(true)
    };
    if key == "help" {
        cmd = cmd
            .disable_help_flag(true)
            .disable_version_flag(true)
            .arg(flag("help", 'h', ArgAction::Help, "flag-help"))
            .arg(flag("version", 'V', ArgAction::Version, "flag-version"));
    }
    cmd.subcommand_help_heading(heading("heading-commands"))
        .help_template(format!(
            "{{before-help}}{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
            heading("heading-usage")
        ))
}

/// Every message key the command tree `cmd` can use: its commands' and options' keys.
pub fn keys(cmd: &Command) -> Vec<String> {
    let mut out = Vec::new();
    collect(cmd, "help".to_string(), &mut out);
    out
}

fn collect(cmd: &Command, key: String, out: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        out.push(format!("{key}--{}", arg.get_id()));
    }
    for sub in cmd.get_subcommands() {
        collect(sub, format!("{key}-{}", sub.get_name()), out);
    }
    out.push(key);
}
