# 確認画面（src/review/render/）、署名セレモニーの質問、デモの説明の日本語。
# 値は { $args } で完成済みの文字列として渡される。用語は docs/ja/glossary.md に従う。

## 確認画面（src/review/render/）

review-warnings = 警告
review-intent-digest = 意図ダイジェスト
review-verified = 検証済み
review-per-host-wallet = このホストのウォレットによる
review-host-preview = オンラインホストがウォッチオンリーのウォレットから作ったプレビューです。ここに検証済みの情報はありません。信頼すべきは署名者のレビューです
review-unknown = 不明
review-unknown-amount = 金額不明
review-unverified = 未検証
review-not-ours = 自分のものではない
review-yes = はい
review-no = いいえ
review-multisig = マルチシグ: { $count }（{ $state }）
review-multisig-complete = 署名完了
review-multisig-more-needed = 署名がまだ必要
review-relative-lock = 相対ロックタイム: { $lock }
review-locktime-none = なし
review-locktime-block = ブロック高 { $height }
review-locktime-time = { $time }（Unix 時刻 { $unix }）

## Bitcoin の PSBT（src/review/render/bitcoin.rs）

review-btc-header = PSBT v{ $version }（{ $network }）、txid { $txid }
review-btc-inputs = 入力（{ $count } 件）
review-btc-input-ours = 自分の鍵: { $fingerprint } { $path }（{ $wallet }）
review-btc-input-final = 確定済み
review-btc-input-sign = 署名する、sighash { $sighash }
review-btc-input-skip = 署名しない: { $reason }
review-btc-outputs = 出力（{ $count } 件）
review-btc-output-script = { $type } スクリプト { $script }
review-btc-output-change = お釣り、{ $verified }（{ $wallet } { $path }）
review-btc-output-ours = 自分のアドレス、お釣りではない（{ $wallet } { $path }）
review-btc-output-burned-data = 焼却（OP_RETURN データ）
review-btc-output-data = データ（OP_RETURN）
review-btc-output-unspendable = 焼却（誰も使えない）
review-btc-output-external = 外部送金先
review-btc-output-flag = { $flag }: 下の警告を参照
review-btc-locktime = ロックタイム  { $lock }、置き換え可能（RBF）: { $rbf }
review-total-inputs = 入力
review-total-external = 外部送金先
review-total-change = お釣り
review-total-ours-not-change = 自分の（お釣り以外）
review-total-burned = 焼却
review-total-fee = 手数料
review-btc-fee = { $amount }（{ $sats } sat、{ $rate } sat/vB、{ $vsize } vB）
review-btc-balanced = 収支一致: 入力 = 外部送金先 + お釣り + 自分の（お釣り以外）+ 焼却 + 手数料
review-btc-not-balanced = 収支不一致: { $why }

## Ethereum のリクエスト（src/review/render/ethereum.rs）

review-eth-transaction = Ethereum トランザクション（{ $chain }）
review-eth-typed-data = EIP-712 型付きデータへの署名（{ $chain }）
review-eth-personal-message = パーソナルメッセージへの署名（EIP-191、{ $chain }）
review-eth-from = 署名者
review-eth-type = 種類
review-eth-nonce = nonce
review-eth-value = 金額
review-eth-gas = ガス
review-eth-gas-line = { $limit } × 最大 { $max }{ $tip }
review-eth-priority = 、優先手数料 { $gwei }
review-eth-max-cost = 最大総コスト
review-eth-max-cost-line = { $cost }（金額 + 手数料の上限）
review-eth-access-list = アクセスリスト
review-eth-access-list-entries = { $count } 件
review-eth-authorization = 委任（7702）
review-eth-primary-type = プライマリ型
review-eth-domain = ドメイン
review-eth-message = メッセージ
review-eth-domain-hash = ドメインハッシュ
review-eth-message-hash = メッセージハッシュ
review-eth-message-text = メッセージ本文
review-eth-message-text-escaped = メッセージ本文（紛らわしい文字はエスケープ済み）
review-eth-message-bytes = メッセージバイト列
review-eth-signing-hash = 署名ハッシュ
review-eth-call = { $place }: 宛先 { $to }
review-eth-call-delegate = { $place }（DELEGATECALL）: 宛先 { $to }
review-eth-new-contract = （新しいコントラクト）
review-eth-call-value = 金額 { $value }
review-eth-blind-data = ブラインドデータ: 署名者が解読できない { $bytes } バイト
review-eth-plain-transfer = 単純な送金（データなし）
review-eth-descriptor-intent = 意図: { $intent }  （ディスクリプタ作成者 { $owner }、{ $hash }）
review-eth-no-stated-owner = 作成者の記載なし
review-eth-movements = 価値の移動（{ $count } 件）
review-eth-movements-none = なし: 価値のあるものは何も出ていかず、何も承認されない
review-eth-movement-asset = 資産 { $asset }
review-eth-movement-route = { $from } から { $to } へ（{ $place }）
review-eth-movement-until = 、期限 { $until }
review-eth-safe = Safe { $safe } nonce { $nonce }
review-eth-safe-legacy = （Safe < 1.3.0 の旧ドメイン: チェーン ID なし）
review-eth-safe-tx-hash = safeTxHash
review-eth-safe-compare = （Safe のウェブページと自分のデバイスの表示と照合してください）

## Ethereum の価値の移動と場所（src/review/render/ethereum.rs、src/eth/place.rs）。種類の英語は
## JSON の名前。場所の区切りは " → "。JSON では英語のまま。

review-eth-kind-native = ネイティブ通貨
review-eth-kind-token-transfer = トークン送金
review-eth-kind-approval = 承認
review-eth-kind-signed-approval = 署名による承認
review-eth-kind-signed-transfer = 署名による送金
review-eth-kind-order-offer = 注文の提供
review-eth-kind-order-consideration = 注文の対価
review-eth-kind-refund = 払い戻し
review-eth-kind-fee = 手数料
review-eth-party-network = ネットワーク（ブロック生成者）
review-eth-party-new-contract = 新しいコントラクト
review-eth-party-you = { $address }（自分）
review-eth-party-filler = 注文を約定させる人（誰でも）
review-eth-party-cow-settlement = CoW Protocol の決済（ソルバー）
review-eth-party-executor = 実行する人（refundReceiver 0 = tx.origin。署名済みトランザクションを送信する誰でも）
place-path = { $head } → { $item }
place-call = 呼び出し
place-safe-call = Safe の呼び出し
place-typed-data = 型付きデータ
place-forwarded-call = 転送される呼び出し
place-fee = 手数料
place-multisend = MultiSend #{ $number }
verbatim = { $text }
crosscheck-no-owner = 作成者の記載なし
crosscheck-native-amount = トランザクションは { $amount } wei を送りますが、ディスクリプタの表示は { $shown } です
crosscheck-other-tokens = 呼び出しはトークン { $token } を動かしますが、ディスクリプタは他のトークンの金額しか表示しません
crosscheck-token-amount = 呼び出しはトークン { $token } を { $amount } 動かしますが、ディスクリプタの表示は { $shown } です
crosscheck-pays = 呼び出しは { $party } に支払いますが、ディスクリプタが示すアドレスは { $shown } です
crosscheck-approves = 呼び出しは { $party } を承認しますが、ディスクリプタが示すアドレスは { $shown } です

## Bitcoin のメッセージ署名リクエスト（src/review/render/message.rs）

review-msg-heading = Bitcoin メッセージへの署名
review-msg-address = アドレス
review-msg-address-line = { $address }（{ $wallet }、{ $branch } #{ $index }）
review-msg-receive = 受取
review-msg-change = お釣り
review-msg-message = メッセージ
review-msg-bytes = { $bytes } バイト

## 署名セレモニーの質問（src/ceremony.rs、src/signing.rs、src/btc/message/ceremony.rs、
## src/keys/backup.rs、src/cli/key.rs）。$action は sign か approve。
## [y/N] の答えは y / yes のほか「はい」も受け付ける。

prompt-confirm = { $action ->
        [sign] これに署名しますか？
        [approve] これを承認しますか？
       *[other] { $action } しますか？
    } [y/N]
prompt-type-digest = { $action ->
        [sign] 重大な警告があります。それでも署名するには、意図ダイジェストの最後の 4 文字を入力してください
        [approve] 重大な警告があります。それでも承認するには、意図ダイジェストの最後の 4 文字を入力してください
       *[other] 重大な警告があります。それでも { $action } するには、意図ダイジェストの最後の 4 文字を入力してください
    }
prompt-policy-allowed = ポリシー { $path }（sha256 { $sha256 }）: 許可
prompt-policy-allowed-confirm = ポリシー { $path }（sha256 { $sha256 }）: 許可。ただし人による確認が必要です
prompt-approved-by = 承認者: { $names }
prompt-confirm-on-device = { $device } の画面で確認し、このレビューと照合してください
prompt-signing-with-found = 注意: { $path } で見つかった { $address } で署名します
prompt-bip322-signed-text = { $address } のメッセージ { $message } への BIP-322 署名
prompt-bip322-signed-bytes = { $address } の { $bytes } バイトのメッセージへの BIP-322 署名
prompt-backup-word = { $number } 番目の単語
prompt-backup-written = 単語を書き留めたら Enter を押してください
prompt-backup-type-words = 紙のバックアップを見て、尋ねられた単語を入力してください。

prompt-password-keystore = 鍵ストア { $path } のパスワード
prompt-new-password-keystore = 鍵ストアの新しいパスワード
prompt-new-password = 新しいパスワード
prompt-password-of = { $path } のパスワード
prompt-password-v3-file = v3 ファイルのパスワード
prompt-bip39-passphrase = BIP39 パスフレーズ
prompt-secret-repeat = もう一度入力してください
prompt-secret-empty-retry = 空にはできません。もう一度入力してください
prompt-secret-differ-retry = 2 回の入力が一致しません。もう一度入力してください
prompt-mnemonic-words = ニーモニックの単語（表示されません。スペースで区切ってください）
prompt-dice-rolls = サイコロの出目（1〜6 の数字。表示されません。終わったら Enter）

## 設定の質問（src/configure.rs）: 署名者が信頼するものは、これに答えてから変わる。

prompt-import-tokens = この { $count } 個のトークンを署名者のレジストリに追加しますか？ [y/N]
prompt-register-wallet = このウォレットを登録しますか？ [y/N]
prompt-trust-descriptors = この { $count } 個のディスクリプタを信頼し、レビューで呼び出しとメッセージの名前に使いますか？ [y/N]
prompt-descriptor-skipped = { $path } をスキップしました: { $reason }

## 他の行の中で言う部分: 相対ロックタイム（src/review/bitcoin/timelocks.rs）、出力スクリプトで
## 何が起こりうるか（src/review/bitcoin/scripts.rs）、入力に署名しない理由（レビューと署名者）。
## JSON には英語版が入る。

review-relative-blocks = 使用するコインの承認から { $blocks } ブロック後
review-relative-time = 使用するコインの承認から { $seconds } 秒（{ $duration }）後
script-op-return = OP_RETURN で始まり、どの使用も失敗に終わります
script-oversize = 長さが { $bytes } バイトです。{ $limit } バイトを超えるスクリプトはどの使用でも失敗します
script-empty = スクリプトが空です。使用者は真の値をプッシュするだけで済みます
script-malformed = プッシュがスクリプトの末尾を越えており、どの使用でも失敗します
script-disabled-opcode = { $opcode } を含みます。実行されない位置にあっても使用は失敗します
script-push-only-true = データをプッシュするだけで真の値が残ります。空の入力スクリプトで誰でも使用できます
script-push-only-false = データをプッシュするだけで偽の値が残ります。どの入力スクリプトでも変えられません
script-p2pk-invalid-key = 有効な点ではない裸の公開鍵です。どの署名でも満たせません
script-p2pk = 裸の公開鍵（P2PK）です。アドレスがないため、誰の鍵かを通常の方法で確認できません
script-bare-multisig = 裸のマルチシグです。アドレスがないため、誰の鍵かを通常の方法で確認できません
script-nonstandard = どの標準テンプレートにも一致しません。誰が使用できるかレビューでは判断できません
script-witness-v0-invalid = バージョン 0 のウィットネスプログラムは 20 または 32 バイトでなければなりませんが、これは { $bytes } バイトです。どの使用も失敗します
script-p2tr-invalid-key = Taproot の出力鍵が曲線上の点ではありません。鍵でもスクリプトでも決して使用できません
script-p2a = pay-to-anchor（P2A）です。空のウィットネスで誰でも使用できます
script-witness-unknown = ウィットネスバージョン { $version }、{ $bytes } バイトのプログラムには現在使用のルールがありません。誰でも使用できます（ソフトフォークでルールが決まるまで）
reason-spent-output-unknown = 使用する出力が不明です
reason-unknown-policy = スクリプトが既知のポリシーのもとで自分の鍵から導出されません（'coldsign wallet import' でウォレットを登録してください）
reason-not-our-key = 自分の鍵ではありません
reason-already-finalized = 最終化済みです
reason-legacy-needs-previous-tx = レガシー入力には前のトランザクションが必要です
reason-watch-only = ウォッチオンリーのポリシーは秘密鍵を持ちません
reason-no-key-signs = この入力に署名できる自分の鍵がありません
reason-signing-failed = 署名できませんでした（{ $detail }）
reason-device-did-not-sign = デバイスはこの入力に署名しませんでした
balance-input-amount-unknown = 入力 { $index } の金額が不明なため、手数料がわからず合計が一致しません
balance-out-of-range = 金額の合計が 21,000,000 BTC を超えます
balance-outputs-exceed-inputs = 出力が入力を上回っています
balance-does-not-add-up = 出力と手数料の合計が入力と一致しません
review-signature-count = 署名 { $present } / { $needed } 個
finalize-cannot-verify = 最終化と検証ができません: { $error }
finalize-missing-signatures = { $count } です。足りない署名を集めてください

## デモの説明（src/demo/walkthrough.rs）

demo-setup = == オフライン署名者: 準備
demo-restore = 1. 公開されているテスト用ニーモニック（abandon ×11 about）を使い捨ての鍵ストアに復元する
demo-keystore = { $path }（モード 0600、scrypt + XChaCha20-Poly1305）
demo-watch-only = 2. オンラインマシン用のウォッチオンリーのエクスポート（フィンガープリント { $fingerprint }）
demo-build = == オンラインホスト: 作成
demo-psbt = 3. 4 つのコイン（p2wpkh、p2tr、p2sh-p2wpkh、p2pkh）を外部のアドレスへ送り、お釣りのある PSBT: { $path }（base64 で { $bytes } バイト）
demo-air-gap-to-signer = == エアギャップ: アニメーション QR、ホストの画面から署名者のカメラへ
demo-qr = crypto-psbt の QR フレームで { $fragments } 個の断片。{ $drop_every } フレームごとに 1 つを失い、残りは順不同で読み取り: { $frames } フレームで完了
demo-review = == オフライン署名者: レビュー、確認、署名
demo-review-screen = 4. 署名者が自分で計算したレビュー（これが確認画面です）:
demo-signed = 5. 確認済み（デモは「はい」と答えます）。{ $inputs } 個の入力に { $signatures } 個の署名をしました
demo-air-gap-to-host = == エアギャップ: アニメーション QR、署名者の画面からホストのカメラへ
demo-finalize = == オンラインホスト: 確定、検証
demo-finalized = 6. 確定しました。{ $inputs } 個の入力すべてを Bitcoin Core のスクリプトインタプリタ（libbitcoinconsensus）で検証しました
demo-ready = 7. トランザクション { $txid }（{ $vbytes } vbytes）はブロードキャストできます
demo-finished = デモを終了しました。使い捨ての鍵ストアとファイルは削除されました

## 署名するテキストの見た目がバイト列と違う理由（src/review/text.rs）
text-hidden-character = { $kind } { $code }
text-control-character = 制御文字
text-bidirectional-control = 双方向制御文字（表示の順序を入れ替える）
text-invisible-character = 見えない文字
text-private-use-character = 私用領域の文字
text-look-alike = 似た形の文字: { $word } は { $scripts } の文字が混ざっています
text-script-and = { $head }と{ $item }
text-script-latin = ラテン
text-script-fullwidth-latin = 全角ラテン
text-script-greek = ギリシャ
text-script-cyrillic = キリル
text-script-armenian = アルメニア
text-script-cherokee = チェロキー
text-script-other = その他

## Ethereum の価値の移動の金額（src/eth/flows.rs）。数値とシンボルは引数で、翻訳しない。
## JSON には英語版が入る
amount-unlimited-max = 無制限（2^256-1）
amount-token = { $value } { $symbol }（最小単位 { $raw }）
amount-raw-units = 最小単位で { $raw }（このトークンの小数点以下の桁数は署名者にはわかりません）
amount-fee-at-most = 最大 { $value } { $symbol }（{ $gas } gas × { $fee } wei）
amount-all-now-and-later = すべて（今後のものも含む）
amount-unlimited-in-effect = 事実上無制限（{ $amount }）
amount-up-to-about = 最大でおよそ { $amount }
amount-refund-unbounded = 上限なし: ガスあたり { $price }。safeTxGas が 0 なので、実行者はブロックが許す限りのガスを消費できます
amount-at-least = 最低 { $amount }
note-remembered-unreadable = 注意: 記憶済みの導出 { $path } を読めません ({ $detail })。すべての鍵を導出し直します
note-remembered-not-authentic = 注意: 記憶済みの導出 { $path } は認証検査に失敗しました (変更されたか、別のシードまたは別の形式で書かれています)。無視してすべての鍵を導出し直し、ファイルを書き直します
note-remembered-unwritable = 注意: 導出を記憶できません: { $detail }
