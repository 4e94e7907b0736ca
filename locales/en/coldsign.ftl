# coldsign's English catalog: the default language and the fallback for every message.
# Values (amounts, addresses, hashes, digests, paths) arrive as finished text in { $args }.
# Terms: docs/ja/glossary.md. Every message here exists in locales/ja/ (tests/i18n.rs).

language-name = English
