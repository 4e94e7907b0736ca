# coldsign の日本語カタログ。用語は docs/ja/glossary.md に従う。
# 値（金額・アドレス・ハッシュ・ダイジェスト・導出パス）は { $args } で完成済みの文字列として渡され、翻訳も整形もしない。

language-name = 日本語

## --help の見出し
heading-usage = 使い方:
heading-commands = コマンド
heading-options = オプション
heading-arguments = 引数
flag-help = ヘルプを表示
flag-version = バージョンを表示
