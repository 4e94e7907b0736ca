//! `--help` in the operator's language. English comes from the command definitions' doc
//! comments; another language replaces a command's description with the catalog message
//! `help-<command path>` (`help-eth-sign`; the program itself is `help`) and an option's with
//! `help-<command path>--<option id>` (`help-sign--yes`, `help--json`), wherever its catalog
//! has them; a value's description is `help-<command path>--<option id>--<value>`. The
//! annotations clap adds (`[default: …]`, `[possible values: …]`, the list of values with
//! their descriptions) and the `help` command's line are said in `lang` too.
//! tests/i18n.rs checks that every such message names a real command, option or value.

use clap::builder::{PossibleValue, Resettable};
use clap::{Arg, ArgAction, Command};

use super::width::{pad_end, width};
use super::{format_own, Lang, Text};

/// `cmd` (the whole command tree) with its descriptions in `lang`.
pub fn localize(cmd: Command, lang: Lang) -> Command {
    if lang == Lang::En {
        return cmd;
    }
    let mut cmd = localize_tree(cmd, "help".to_string(), lang);
    // The `help` commands exist once the tree is built.
    cmd.build();
    localize_help_commands(cmd, lang)
}

/// Every `help` command of the built tree `cmd`, described in `lang`.
fn localize_help_commands(cmd: Command, lang: Lang) -> Command {
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    names.into_iter().fold(cmd, |cmd, name| {
        if name == "help" {
            cmd.mut_subcommand(name, |s| {
                s.about(Text::new("clap-help-command").in_lang(lang))
            })
        } else {
            cmd.mut_subcommand(name, |s| localize_help_commands(s, lang))
        }
    })
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
        let arg_key = format!("{key}--{id}");
        let text = format_own(lang, &arg_key);
        let section = heading(if positional {
            "heading-arguments"
        } else {
            "heading-options"
        });
        cmd = cmd.mut_arg(id, |mut a| {
            if a.get_help_heading().is_none() {
                a = a.help_heading(section);
            }
            let a = match text {
                Some(text) => a.help(text).long_help(Resettable::Reset),
                None => a,
            };
            annotate(a, &arg_key, lang)
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

/// `arg` with clap's own annotations (its default and its possible values, with their
/// descriptions) said in `lang` after its description, in the short and the long help.
fn annotate(arg: Arg, key: &str, lang: Lang) -> Arg {
    if !arg.get_action().takes_values() {
        return arg;
    }
    let values = visible_values(&arg);
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|d| d.to_string_lossy().into_owned())
        .collect();
    let show_values = !values.is_empty() && !arg.is_hide_possible_values_set();
    let show_default = !defaults.is_empty() && !arg.is_hide_default_value_set();
    if !show_values && !show_default {
        return arg;
    }
    let said = |text: Text| text.in_lang(lang);
    let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
    let long = arg
        .get_long_help()
        .map(ToString::to_string)
        .unwrap_or_else(|| help.clone());
    let default =
        show_default.then(|| said(Text::new("clap-default").arg("value", defaults.join(" "))));
    let names = || {
        values
            .iter()
            .map(|v| v.get_name())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let inline =
        show_values.then(|| said(Text::new("clap-possible-values").arg("values", names())));
    let short: Vec<String> = [Some(help), default.clone(), inline.clone()]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
    let described = values.iter().any(|v| v.get_help().is_some());
    let mut long_parts = vec![long];
    if show_values && described {
        long_parts.push(value_list(&values, key, lang));
    }
    let specs: Vec<String> = [default, (!described).then_some(inline).flatten()]
        .into_iter()
        .flatten()
        .collect();
    if !specs.is_empty() {
        long_parts.push(specs.join("\n"));
    }
    arg.help(short.join(" "))
        .long_help(long_parts.join("\n\n"))
        .hide_default_value(true)
        .hide_possible_values(true)
}

/// The possible values of `arg` that are not hidden.
fn visible_values(arg: &Arg) -> Vec<PossibleValue> {
    arg.get_value_parser()
        .possible_values()
        .map(|values| values.filter(|v| !v.is_hide_set()).collect())
        .unwrap_or_default()
}

/// The possible values with their descriptions, one a line (a description in `lang` where
/// its catalog has it), names padded to one column.
fn value_list(values: &[PossibleValue], key: &str, lang: Lang) -> String {
    let column = values
        .iter()
        .map(|v| width(v.get_name()) + 1)
        .max()
        .unwrap_or(0);
    let lines: Vec<String> = values
        .iter()
        .map(|v| {
            let english = v.get_help().map(ToString::to_string).unwrap_or_default();
            let help = format_own(lang, &format!("{key}--{}", v.get_name())).unwrap_or(english);
            format!(
                "- {} {help}",
                pad_end(&format!("{}:", v.get_name()), column)
            )
        })
        .collect();
    format!(
        "{}\n{}",
        Text::new("clap-possible-values-heading").in_lang(lang),
        lines.join("\n")
    )
}

/// Every message key the command tree `cmd` can use: its commands', options' and described
/// values' keys.
pub fn keys(cmd: &Command) -> Vec<String> {
    let mut out = Vec::new();
    collect(cmd, "help".to_string(), &mut out);
    out
}

fn collect(cmd: &Command, key: String, out: &mut Vec<String>) {
    for arg in cmd.get_arguments() {
        let arg_key = format!("{key}--{}", arg.get_id());
        if arg.get_action().takes_values() {
            let described = visible_values(arg)
                .into_iter()
                .filter(|v| v.get_help().is_some());
            out.extend(described.map(|v| format!("{arg_key}--{}", v.get_name())));
        }
        out.push(arg_key);
    }
    for sub in cmd.get_subcommands() {
        collect(sub, format!("{key}-{}", sub.get_name()), out);
    }
    out.push(key);
}
