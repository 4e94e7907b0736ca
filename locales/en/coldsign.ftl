# coldsign's English catalog: the default language and the fallback for every message.
# Values (amounts, addresses, hashes, digests, paths) arrive as finished text in { $args }.
# Terms: docs/ja/glossary.md. Every message here exists in locales/ja/ (tests/i18n.rs).

language-name = English

## --help (English comes from the commands' doc comments; only the headings are here)
heading-usage = Usage:
heading-commands = Commands
heading-options = Options
heading-arguments = Arguments
flag-help = Print help
flag-version = Print version
