# 確認画面（src/review/render/）、署名セレモニーの質問、デモの説明の日本語。
# 値は { $args } で完成済みの文字列として渡される。用語は docs/ja/glossary.md に従う。
