//! The operator's language. What a person reads before signing (the review screen, prompts,
//! warnings, errors) comes from the Fluent catalogs in `locales/`: English is the default and
//! the fallback for any message a catalog lacks. Values (amounts, addresses, hashes, the intent
//! digest, derivation paths, message content) are passed in as finished text and are never
//! translated or reformatted. JSON output, warning codes and exit codes never depend on the
//! language.

pub mod help;
pub mod width;

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// A language coldsign speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English (the default and the fallback).
    En,
    /// Japanese.
    Ja,
}

/// Every language, English first.
pub const LANGS: [Lang; 2] = [Lang::En, Lang::Ja];

impl Lang {
    /// The language a POSIX locale name or a language tag asks for (`ja_JP.UTF-8`, `ja-JP`,
    /// `ja`); `None` for a language coldsign does not speak (English is then used).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let language = tag
            .split(['_', '-', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match language.as_str() {
            "en" | "c" | "posix" => Some(Lang::En),
            "ja" => Some(Lang::Ja),
            _ => None,
        }
    }

    /// The language the environment's locale asks for: the first of `LC_ALL`, `LC_MESSAGES`
    /// and `LANG` that is set and not empty (POSIX precedence); English otherwise.
    pub fn from_locale_env() -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
            .and_then(|value| Lang::from_tag(&value))
            .unwrap_or(Lang::En)
    }

    /// The language asked for on this command line (`--lang X` or `--lang=X`), else by
    /// `COLDSIGN_LANG`, else by the locale. An unknown value is left for the argument parser
    /// to refuse.
    pub fn chosen(args: &[String]) -> Lang {
        let given = args
            .iter()
            .enumerate()
            .find_map(|(i, a)| match a.strip_prefix("--lang") {
                Some("") => args.get(i + 1).cloned(),
                Some(rest) => rest.strip_prefix('=').map(str::to_string),
                None => None,
            });
        given
            .or_else(|| std::env::var("COLDSIGN_LANG").ok())
            .and_then(|tag| Lang::from_tag(&tag))
            .unwrap_or_else(Lang::from_locale_env)
    }

    /// The short tag (`en`, `ja`).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The catalog files of this language, in load order.
    pub fn catalog(self) -> &'static [&'static str] {
        match self {
            Lang::En => &[
                include_str!("../../locales/en/coldsign.ftl"),
                include_str!("../../locales/en/review.ftl"),
                include_str!("../../locales/en/errors.ftl"),
                include_str!("../../locales/en/reports.ftl"),
            ],
            Lang::Ja => &[
                include_str!("../../locales/ja/coldsign.ftl"),
                include_str!("../../locales/ja/review.ftl"),
                include_str!("../../locales/ja/help.ftl"),
                include_str!("../../locales/ja/errors.ftl"),
                include_str!("../../locales/ja/reports.ftl"),
            ],
        }
    }
}

static CURRENT: OnceLock<Lang> = OnceLock::new();

/// Chooses the language for this process (once, at start-up; later calls are ignored).
pub fn set(lang: Lang) {
    let _ = CURRENT.set(lang);
}

/// The language chosen for this process (English when none was).
pub fn current() -> Lang {
    CURRENT.get().copied().unwrap_or(Lang::En)
}

type Bundle = FluentBundle<FluentResource>;

/// The bundle of `lang`, built on its first use (a process speaking English never parses
/// another language's catalog). A catalog entry that does not parse is left out (its messages
/// fall back to English); tests/i18n.rs keeps the catalogs clean.
fn bundle(lang: Lang) -> &'static Bundle {
    static BUNDLES: [OnceLock<Bundle>; LANGS.len()] = [const { OnceLock::new() }; LANGS.len()];
    let index = LANGS.iter().position(|&l| l == lang).unwrap_or(0);
    BUNDLES[index].get_or_init(|| {
        let id = lang.tag().parse().unwrap_or_default();
        let mut bundle = Bundle::new_concurrent(vec![id]);
        bundle.set_use_isolating(false);
        for source in lang.catalog() {
            let resource = FluentResource::try_new((*source).to_string())
                .unwrap_or_else(|(partial, _)| partial);
            let _ = bundle.add_resource(resource);
        }
        bundle
    })
}

/// A translatable text: a catalog message and its arguments (finished text, never
/// reformatted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// The message identifier in the catalogs.
    pub key: &'static str,
    /// Named arguments.
    pub args: Vec<(&'static str, String)>,
    /// Named arguments that are catalog texts themselves, said in the same language.
    pub texts: Vec<(&'static str, Text)>,
}

impl Text {
    /// The message `key` without arguments.
    pub fn new(key: &'static str) -> Self {
        Text {
            key,
            args: Vec::new(),
            texts: Vec::new(),
        }
    }

    /// A text said as it is in every language: a value, or a reason another library gave in
    /// English.
    pub fn verbatim(text: impl ToString) -> Self {
        Text::new("verbatim").arg("text", text)
    }

    /// Adds the argument `name`.
    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// Adds the argument `name`, a catalog text said in the language of the whole.
    pub fn text_arg(mut self, name: &'static str, value: Text) -> Self {
        self.texts.push((name, value));
        self
    }

    /// The texts `items` as one list (`a; b; c` in English); `None` when there are none.
    pub fn list(items: impl IntoIterator<Item = Text>) -> Option<Text> {
        Text::joined("list-more", items)
    }

    /// The texts `items` as one list of short items (`a, b, c` in English); `None` when there
    /// are none.
    pub fn comma_list(items: impl IntoIterator<Item = Text>) -> Option<Text> {
        Text::joined("list-comma", items)
    }

    fn joined(key: &'static str, items: impl IntoIterator<Item = Text>) -> Option<Text> {
        items
            .into_iter()
            .reduce(|head, item| Text::new(key).text_arg("head", head).text_arg("item", item))
    }

    /// The text in `lang`, else in English, else the key itself (a missing message is a bug
    /// the catalog tests catch, never a failure of the command).
    pub fn in_lang(&self, lang: Lang) -> String {
        self.format(lang)
            .or_else(|| self.format(Lang::En))
            .unwrap_or_else(|| self.key.to_string())
    }

    fn format(&self, lang: Lang) -> Option<String> {
        let texts: Vec<(&'static str, String)> = self
            .texts
            .iter()
            .map(|(name, text)| (*name, text.in_lang(lang)))
            .collect();
        format_in(lang, self.key, self.args.iter().chain(&texts))
    }

    /// The text in the process's language.
    pub fn localized(&self) -> String {
        self.in_lang(current())
    }

    /// The text in English (what JSON output and the audit log carry).
    pub fn english(&self) -> String {
        self.in_lang(Lang::En)
    }
}

/// A catalog text kept as a value of a report: it reads as its English wherever it is data
/// (`Deref` to `str`, `Display`, JSON, the audit log) and is said in the operator's language
/// on a screen ([`Phrase::localized`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Phrase {
    english: String,
    text: Text,
}

impl Phrase {
    /// The catalog text, said in the language of a sentence it is part of.
    pub fn text(&self) -> &Text {
        &self.text
    }

    /// The text in the process's language.
    pub fn localized(&self) -> String {
        self.text.localized()
    }
}

impl From<Text> for Phrase {
    fn from(text: Text) -> Self {
        Phrase {
            english: text.english(),
            text,
        }
    }
}

impl PartialEq<String> for Phrase {
    fn eq(&self, other: &String) -> bool {
        self.english == *other
    }
}

impl std::ops::Deref for Phrase {
    type Target = str;

    fn deref(&self) -> &str {
        &self.english
    }
}

impl std::fmt::Display for Phrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english)
    }
}

impl std::fmt::Debug for Phrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.english, f)
    }
}

impl serde::Serialize for Phrase {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.english)
    }
}

/// Whether `lang`'s catalog has the message `key`.
pub fn has(lang: Lang, key: &str) -> bool {
    bundle(lang).has_message(key)
}

/// The message `key` of `lang`'s own catalog (no English fallback), without arguments.
fn format_own(lang: Lang, key: &str) -> Option<String> {
    format_in(lang, key, std::iter::empty())
}

fn format_in<'a>(
    lang: Lang,
    key: &str,
    args: impl Iterator<Item = &'a (&'static str, String)>,
) -> Option<String> {
    let bundle = bundle(lang);
    let pattern = bundle.get_message(key)?.value()?;
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, FluentValue::from(value.as_str()));
    }
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    errors.is_empty().then(|| text.into_owned())
}

/// The message `key` in the process's language, without arguments.
pub fn t(key: &'static str) -> String {
    Text::new(key).localized()
}
