## 署名側のコマンドが実行後に表示する結果（標準出力）。パス・ダイジェスト・txid・アドレス・鍵・
## 個数・引数で渡される理由は翻訳しません。

## sign
report-input-signed = 入力 { $index }: 署名しました（署名 { $count } 個）
report-input-not-signed = 入力 { $index }: 署名していません: { $reason }
report-psbt-written = 署名済みの PSBT を { $path } に書き出しました
report-signed-by = { $address } で署名しました
report-signed-by-device = { $device } 上で { $address } で署名しました（署名からこのアドレスが復元されることを確認済み）
report-transaction-hash = トランザクションハッシュ { $hash }
report-written = { $path } に書き出しました

## approve
report-approved = { $digest } を { $approver } として承認しました。有効期限 { $expires }（Unix 時刻）。{ $path } に書き出しました
report-approver-key-listing = （ポリシーに登録してください: [[approvals.approvers]] name = "…" key = "{ $key }"）

## message
report-message-share-written = 自分の分担署名を BIP-322 PSBT として { $path } に書き出しました。`coldsign combine` で共同署名者の分担署名を集め、`coldsign message finalize` を実行してください
report-message-signature-written = { $format } 署名を { $path } に書き出しました
report-message-valid = 有効な署名です: { $format }、{ $address }

## digest, finalize
report-digest-intent = 意図ダイジェスト  { $digest }
report-digest-txid = txid              { $txid }
report-digest-network = ネットワーク      { $network }
report-input-not-final = 入力 { $index }: 最終化されていません: { $reason }
report-finalized = 完了しました。すべての入力を Bitcoin Core のスクリプトインタプリタで検証しました。txid { $txid }

## qr
report-qr-read = { $kind }: { $parts } 個のパートから { $bytes } バイト
report-qr-read-written = { $kind }: { $parts } 個のパートから { $bytes } バイト、{ $path } に書き出しました

## key
report-keystore-written = 鍵ストアを書き出しました: { $path }（ラベル { $label }、{ $id }）
report-id-fingerprint = フィンガープリント { $fingerprint }
report-id-address = アドレス { $address }
report-password-changed = { $path } のパスワードを変更しました
report-v3-written = keystore v3 を書き出しました: { $path }（アドレス { $address }）
report-v3-written-path = keystore v3 を書き出しました: { $path }（アドレス { $address }、導出パス { $derivation }）

## key show: 鍵ストアと、その鍵から導出されるもの（ラベルは表示幅で揃える）
report-show-keystore = 鍵ストア
report-show-keystore-value = { $path }（{ $label }、作成 { $created }）
report-show-fingerprint = フィンガープリント
report-show-network = ネットワーク
report-show-slip132 = slip-132
report-show-descriptor = ディスクリプタ
report-show-cosigner-key = 共同署名者の鍵
report-show-first-receive = 最初の受取アドレス
report-show-first-change = 最初のお釣りアドレス
report-show-ethereum = Ethereum
report-show-imported-key = （インポートした鍵）

## wallet show / import / list: 登録したウォレットと、共同署名者との照合
report-wallet = ウォレット { $name }
report-wallet-policy = ポリシー
report-wallet-first-receive = 最初の受取アドレス
report-wallet-first-receive-value = { $address }（すべての共同署名者のデバイスがこのアドレスを表示するはずです）
report-wallet-cosigners = 共同署名者（それぞれを持ち主と別の経路で照合してください）:
report-wallet-this-signer = <- この署名者
report-wallet-none = ウォレットはありません
report-wallet-kind-signer = 署名者
report-wallet-kind-watch-only = ウォッチオンリー
wallet-policy-threshold = { $needed }-of-{ $total } マルチシグ（{ $script }）
wallet-policy-miniscript = { $keys } 個の鍵による miniscript ポリシー（{ $script }）

## registry import / list / show / remove: 署名者が信頼する ERC-7730 ディスクリプタ
report-registry-descriptor = ディスクリプタ { $hash }
report-registry-owner = 作成者
report-registry-owner-none = （記載なし）
report-registry-source = 取得元
report-registry-kind = 種類
report-registry-deployed = デプロイ先
report-registry-deployed-chain = チェーン { $chain } { $address }
report-registry-deployed-every-token = 署名者のトークン表にあるすべてのトークン
report-registry-domain = ドメイン
report-registry-describes = 記述対象
report-registry-imported = { $count } 個のディスクリプタを { $path } にインポートしました
report-registry-none = インストール済みのディスクリプタはありません
report-registry-removed = 削除しました: { $summary }

## address: アドレス帳、インポートしたトークン、自分のアドレスの所在
report-book-empty = アドレス帳は空です
report-tokens-imported = { $list } の { $count } 個のトークンを { $path } にインポートしました
report-token = チェーン { $chain } { $address } { $symbol } 小数点以下 { $decimals } 桁  { $name }
report-token-replaces = 【置き換え】組み込みの { $symbol }（小数点以下 { $decimals } 桁）を置き換えます
report-token-known = （登録済み）
report-token-looks-like = 【なりすましの疑い】{ $name } { $real } に似ています
report-token-same-symbol = 【同じシンボル】組み込みの { $symbol }（{ $address }）と同じシンボルです
report-ours = 自分のアドレス: { $address } は { $wallet } の{ $branch } #{ $index }（{ $paths }）
report-branch-receive = 受取
report-branch-change = お釣り

## log verify / attest: 監査ログと、記録した内容
report-log-valid = 監査ログは有効です: エントリ { $entries } 件、ヘッド { $head }
report-log-recorded = { $part }（{ $path }）を記録しました: sha256 { $sha256 }
report-log-accepted-policy = ポリシー { $path }（sha256 { $sha256 }）を受け入れました
report-log-unchanged = 前回の記録から何も変わっていません

## device list / address / register
report-device-none = USB に Ledger も Trezor も見つかりません
report-device-app = アプリ: { $app }
report-device-address-identical = （coldsign が独自に導出したものと同一）
report-device-address-compare = （coldsign が独自に導出したものと同一。デバイスの画面と照合してください）
report-device-registered = ウォレット { $wallet } を Ledger { $fingerprint } に登録しました。HMAC はウォレットと一緒に保存しました

## multisig create: 各形式のウォレット
report-multisig-descriptor = ディスクリプタ
report-multisig-bip388 = BIP388 ウォレットポリシー
report-multisig-coldcard = Coldcard のマルチシグファイル
report-multisig-caravan = Caravan のウォレット

## オンラインと Ethereum ノードのコマンド: ウォッチオンリーのウォレット、作った PSBT、送ったトランザクション
report-online-wallet = ウォッチオンリーのウォレット { $name }（{ $network }）
report-online-first-receive = 最初の受取アドレス { $address }
report-online-replaces = トランザクション { $txid } を置き換えます（承認されるのは 2 つのうち 1 つだけです）
report-online-psbt-written = 未署名の PSBT を { $path } に書き出しました
report-online-compare-digest = すべての署名者で意図ダイジェスト { $digest } を照合してください
report-eth-intent-digest = 意図ダイジェスト { $digest }
report-eth-request-written = リクエストを { $path } に書き出しました
report-eth-transaction = トランザクション { $txid }
report-eth-mined = ブロック { $block } でマイニングされました: { $outcome }、使用ガス { $gas }
report-eth-success = 成功
report-eth-reverted = リバート（失敗）

## コマンドの実行中に標準エラーに出す注記（-q で出さない）
report-note-no-audit-log = ここに鍵ストアがありません: この変更は監査ログに記録されません
report-note-watch-only-written = ウォッチオンリーのエクスポートを { $path } に書き出しました
report-note-v3-private-key = このファイルには秘密鍵が入っています。暗号化しているのは、あなたが選んだパスワードだけです
report-note-safe-tx-hash = safeTxHash { $hash }（Safe コントラクトの計算と一致）
report-note-files-written = { $count } 個のファイルを { $path } に書き出しました
report-note-device-without-keystore = { $path } に鍵ストアがありません: デバイス自身の公開鍵で所有を確かめます。監査ログには記録しません
report-note-qr-frames = { $frames } フレームを書き出しました: フラグメント { $fragments } 個と予備のファウンテンパート { $spare } 個。1 フレーム失っても読み取れます（数を変えるには --parts N）
report-note-registered-in = { $path } に登録しました
report-note-confirm-on-ledger = ウォレットポリシーとすべての共同署名者の鍵を Ledger の画面で確認してください
