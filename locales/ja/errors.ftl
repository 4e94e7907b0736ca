## エラーとヒント（標準エラー出力）。パス・アドレス・コード・OS のエラー文・16 進値は引数で、
## 翻訳しません。`--json` のエラーは常に英語です。

error-line = エラー: {$message}
hint-line = ヒント: {$hint}

## Files

error-file-read = {$path} を読み込めません: {$reason}
error-file-write = {$path} に書き込めません: {$reason}
error-file-create = {$path} を作成できません: {$reason}
error-file-append = {$path} に追記できません: {$reason}
error-file-create-directory = ディレクトリ {$path} を作成できません: {$reason}
error-file-remove = {$path} を削除できません: {$reason}
error-exists = 既存のファイル {$path} は上書きしません
hint-exists = 別のパスを指定するか、置き換える場合は --force を付けてください

## Declines, policy, refusals

error-declined-device = デバイス上で拒否されました。何も署名していません
error-declined-sign = 拒否しました。何も署名していません
error-declined-action = { $action ->
        [approve] 拒否しました。何も承認していません
       *[other] 拒否しました。何も実行していません（{ $action }）
    }
error-declined-imported = 拒否しました。何もインポートしていません
error-declined-registered = 拒否しました。何も登録していません
error-declined-backup-word = { $number } 番目の単語がバックアップと一致しません。何も書き込んでいません
error-declined-airgap = 署名を拒否します: ネットワークインターフェース { $interfaces } が有効です（--require-airgap）
error-declined-not-ours = { $address } は自分のアドレスではありません: 標準アカウント 0..{ $accounts } にも登録済みウォレット { $wallets } 個にも（受取・お釣りのインデックス 0..{ $gap }）見つかりません
error-policy-denied = ポリシーがこのリクエストを拒否しました: {$rule}: {$detail}
hint-policy-denied = 判断するのはポリシーファイルです。変更は承認手続きを通して行い、ここでは変更しないでください
error-refused = 署名を拒否します: {$codes} は許可されていません
hint-refused-network = このリクエストはこの署名者と別のネットワーク向けです。--allow ではなく --network を指定してください（または config.toml の network を設定してください）
hint-refused = 上の警告をそれぞれ読んでください。受け入れる警告は --allow CODE で一つずつ指定します
error-internal = 内部エラー: {$detail}

## Keystores

error-keystore-missing = {$path} に鍵ストアがありません
hint-keystore-missing = 'coldsign key new' または 'coldsign key restore' で作成するか、--keystore PATH を指定してください
error-keystore-malformed = {$path} は有効な coldsign の鍵ストアではありません: {$reason}
hint-keystore-malformed = バックアップからファイルを復元するか、単語から鍵を復元してください
error-keystore-wrong-password = 鍵ストア {$path} のパスワードが違います（またはファイルが改変されています）
hint-keystore-wrong-password = --password-file または COLDSIGN_PASSWORD を確認してください。何も変更していません
error-v3-malformed = 有効な keystore v3 ファイルではありません: {$reason}
error-v3-unsupported = 対応していない keystore v3 ファイルです: {$reason}
error-v3-wrong-password = keystore v3 ファイルのパスワードが違います
hint-v3-wrong-password = ファイルを作成したときのパスワードを入力してください
error-v3-address-mismatch = keystore v3 のアドレス {$stated} は鍵と一致しません（鍵のアドレスは {$actual}）

## Mnemonics and extended keys

error-mnemonic-word-count = ニーモニックは 12・15・18・21・24 単語です（{$count} 単語ではありません）
error-mnemonic-unknown-word = {$position} 番目の単語 {$word} は {$list} の BIP39 単語リストにありません
hint-mnemonic-did-you-mean = 次の単語ではありませんか: {$words}
error-mnemonic-checksum = ニーモニックのチェックサムが合いません。単語の誤入力か順序の誤りがあります
hint-mnemonic-checksum = バックアップと一語ずつ、順番どおりに照合してください
error-mnemonic-entropy-length = エントロピーは 16〜32 バイト（4 バイト刻み）です（{$bits} ビットではありません）
error-mnemonic-language = 単語がすべて同じ対応単語リスト（english, japanese）のものではありません
error-xkey-base58 = 拡張鍵が有効な base58check ではありません
error-xkey-length = 拡張鍵が 78 バイトではなく {$bytes} バイトです
error-xkey-version = 拡張鍵のバージョン {$version} が不明か、種類が合いません
error-xkey-master-fields = 拡張鍵の深さが 0 なのに、親のフィンガープリントまたは子インデックスが 0 ではありません
error-xkey-key-data = 拡張鍵に無効な {$kind} 鍵が含まれています

## Requests

error-request-empty = 入力が空です
error-request-unrecognised = 入力が PSBT ではありません（バイナリ・base64・hex のいずれかが必要です）
error-request-bad-text = 入力が有効な {$encoding} ではありません
error-request-psbt = PSBT が不正です: {$reason}
error-request-not-a-request-input = 入力は署名リクエストではありません（PSBT、UR または QR での転送、未署名の Ethereum トランザクションの hex、型付きデータの JSON のいずれかが必要です）
error-request-not-a-request-ur-bytes = ur:bytes の転送の内容は署名リクエストではありません（PSBT、UR または QR での転送、未署名の Ethereum トランザクションの hex、型付きデータの JSON のいずれかが必要です）

## Hardware devices

error-device-locked = {$device} がロックされています
hint-device-locked = PIN でデバイスのロックを解除してから、もう一度実行してください
error-device-wrong-app = Ledger で {$app} アプリが起動していません（ステータス {$status}）
hint-device-wrong-app = Ledger で {$app} アプリを開いてください（Bitcoin はアプリのバージョン 2.1 以降）
error-device-not-found = {$device} が見つかりません
hint-device-not-found = デバイスを接続してロックを解除し、udev ルールを確認してください（docs/devices.md）
error-device-unavailable = この環境では USB を使えません: {$reason}
hint-device-unavailable = VM やコンテナでは USB デバイスのパススルー（/dev/bus/usb, /dev/hidraw*）が必要です。デバイスがない場合はファイルか QR コードから署名してください
error-device-transport = デバイスとの通信に失敗しました: {$reason}
hint-device-transport = デバイスを接続し直してください。Linux では udev ルールを確認してください（docs/devices.md）
error-device-protocol = デバイスのエラー: {$reason}
hint-device-protocol = デバイスのファームウェアとアプリを更新してから、もう一度実行してください
error-device-refused = {$app} アプリが要求を拒否しました（ステータス {$status}）
hint-device-refused = {$app} アプリは標準でない導出パスを画面に表示してからでないと扱いません。標準のパス（用途 44'、49'、84'、86' とアプリのコインタイプ）を使うか、デバイスに表示して確かめてください（device address --show）
hint-device-refused-other = {$app} アプリはこの要求を扱いません。導出パスとアプリの設定を確認するか、アプリを更新してください
hint-device-refused-blind-signing = {$app} アプリは、自分でクリア署名できないもの（トークン情報のないコントラクトデータ、Ledger のフィルターのない型付きデータ）には設定でブラインド署名を有効にしたときだけ署名します。画面を上のレビューと照合するか、鍵ストアで署名してください
error-device-timeout = {$device} が {$after} 以内に応答しませんでした
hint-device-timeout = デバイスが接続されロックが解除されてアプリが開いているか確認し、画面の確認に時間内に応えてから、もう一度実行してください
error-device-during = {$device}: {$step}: {$reason}
device-step-connect = 接続中
device-step-check-app = 開いているアプリを確認中
device-step-fingerprint = マスターフィンガープリントを読み取り中
device-step-xpub = {$path} の xpub を読み取り中
device-step-address = {$path} のアドレスを取得中
device-step-wallet-address = ウォレット {$wallet} のアドレス {$index} を取得中
device-step-register = ウォレット {$wallet} を登録中
device-step-sign-psbt = PSBT に署名中
device-step-eth-address = {$path} の Ethereum アドレスを読み取り中
device-step-eth-sign = Ethereum のリクエストに署名中

## Usage errors of files, passwords, policies, keys and devices

error-not-text = {$path} はテキストではありません
error-not-utf8 = {$path} は UTF-8 のテキストではありません
error-is-directory = {$path} はファイルではなくディレクトリです
error-password-empty = {$origin} から読んだパスワードが空です
hint-password-empty = 鍵ストアのパスワードは空にできません
error-new-password-no-terminal = 新しいパスワードを尋ねられません: 標準入力が端末ではありません
hint-new-password-no-terminal = --new-password-file FILE を指定してください
error-no-password = パスワードが指定されておらず、標準入力が端末ではありません
hint-no-password = --password-file FILE を指定するか、{$variable} を設定してください
error-policy-not-text = ポリシー {$path} はテキストではありません
error-policy-invalid = ポリシー {$path} に誤りがあります: {$reason}
error-single-key-path = この鍵ストアは単一の鍵を保管しています。--path は使えません
error-derivation-path = 導出パス {$path} が不正です: {$reason}
hint-derivation-path-eth = m/44'/60'/0'/0/0 のように書いてください
error-device-no-key = PSBT にこのデバイスの鍵がありません（フィンガープリント {$fingerprint}）
hint-device-no-key = デバイスがウォレットのシード（とパスフレーズ）を保管しているか確認してください
error-device-too-many-accounts = PSBT がこのデバイスのアカウントの導出パスを {$count} 個挙げています。読み込むのは {$max} 個までです
error-ledger-fixed-key = Ledger の Bitcoin アプリは、固定鍵 {$key} を含むポリシーを登録できません
hint-ledger-fixed-key = BIP388 のウォレットポリシーには拡張鍵しか使えません
error-trezor-eip1559-only = ここでは Trezor は EIP-1559 トランザクションにしか署名しません（{$kind} には署名しません）
hint-trezor-eip1559-only = 鍵ストアか Ledger で署名してください
error-audit-no-key-field = {$path} に audit_key がありません
error-audit-key-malformed = エクスポートの audit_key が不正です
error-audit-key-not-x-only = {$key} は x-only 公開鍵ではありません
error-audit-no-key-line = {$path} に監査鍵の行がありません
error-audit-two-keys = ウォッチオンリーのエクスポートに監査鍵が 2 つあります
error-no-usable-descriptor = {$path} に使えるディスクリプタがありません（{$skipped} 個のファイルを読み飛ばしました）
error-dice-word-count = サイコロのエントロピーで作れるのは 12 単語か 24 単語です（{$count} 単語ではありません）
error-dice-roll = {$position} 回目の出目 {$roll} は不正です: 6 面のサイコロの目は 1〜6 です
hint-dice-roll = 出目はサイコロの数字だけを入力してください
error-dice-too-few = サイコロ {$rolls} 回分のエントロピーは約 {$bits} ビットです。{$words} 単語には {$needed} 回以上必要です
hint-dice-too-few = 続けて振ってください。1 回ごとに約 2.585 ビット増えます

## 人の確認が必要な、署名者が信頼するものの変更（src/configure.rs）と、端末で尋ねる秘密
## （src/keys/password.rs）
error-tokens-need-confirmation = トークンのインポートには確認が必要ですが、標準入力が端末ではありません
hint-tokens-need-confirmation = --yes を指定してください（保存する前に各トークンは表示されます）
error-wallet-needs-confirmation = ウォレットの登録には確認が必要です
hint-wallet-needs-confirmation = スクリプトで設定する場合は --yes を指定してください
error-descriptors-need-confirmation = ディスクリプタのインポートには確認が必要ですが、標準入力が端末ではありません
hint-descriptors-need-confirmation = --yes を指定してください（保存する前に各ディスクリプタは表示されます）
error-no-matching-entry = { $question }: { $attempts } 回試しても一致する入力がありませんでした

## 検証の失敗（終了コード 4）: 署名、ハッシュ、デバイスの答え、監査ログの記録が coldsign の
## 計算と一致しない
error-safe-hash-differs = Safe が計算した safeTxHash は { $theirs }、coldsign の計算は { $ours } です: Safe 1.3.0 以降ではありません
error-signature-file-invalid = { $path }: 署名を検証できません
error-signature-not-owner = { $path }: 署名者 { $owner } は Safe のオーナーではありません
error-signature-invalid = 署名を検証できません
error-signed-by-other = トランザクションに署名したのは { $signer } で、要求されたアカウントではありません
error-tx-reverted = トランザクション { $txid } はブロック { $block } でリバートしました
error-part-changed = { $part }（{ $path }）が coldsign の外で変更されました: sha256 { $sha256 }、最後の記録 { $recorded }。確認してから 'coldsign log attest' で記録してください
error-part-never-recorded = なし
part-address-book = アドレス帳
part-tokens = インポートしたトークン
part-wallets = 登録したウォレット
part-descriptors = ERC-7730 ディスクリプタ
error-policy-never-accepted = ポリシー { $path }（sha256 { $sha256 }）はこの署名者で一度も受け入れられていません。内容を確認してから 'coldsign log attest --policy { $path }' で受け入れてください
error-input-fails-verification = 検証に失敗した入力があります
error-nothing-written = { $failure }。何も書き出していません
error-message-signature-incomplete = メッセージの署名が完成していないか、有効ではありません: { $error }
error-input-not-finalized = 入力 { $index } は最終化されていません
error-descriptor-changed = インストール済みのディスクリプタ { $path } はインポート後に変更されました
error-nothing-signed = { $failure }。何も署名していません
error-audit-head-missing = ヘッド { $head } がログにありません: ロールバックされたか、置き換えられています
error-no-reason-given = 理由の記載なし
error-core-rejects = Bitcoin Core がトランザクションを拒否しました: { $reason }
error-binary-not-in-sums = このバイナリ（{ $path }、sha256 { $sha256 }）はチェックサムファイルにありません: 使用しないでください
error-signature-recovers-other = 署名から復元される鍵は { $signer } で、レビューした { $from } ではありません。何も書き出していません
error-signature-recovers-none = 署名からどの鍵も復元できません。何も書き出していません
error-device-address = デバイスのアドレス: { $error }
error-device-address-differs = デバイスは { $device } を表示していますが、coldsign の導出は { $ours } です: このアドレスを使用しないでください
error-device-other-seed = デバイスのシード（フィンガープリント { $fingerprint }）はこの鍵ストアのもの（{ $ours }）ではありません

## バックエンド（終了コード 6）: Bitcoin Core、Electrum サーバー、Ethereum ノード
error-backend-block-disconnected = ブロック { $height } がつながりません: { $error }
error-backend-chain-disconnected = サーバーのチェーンがつながりません: { $error }
error-backend-core-credentials = { $url } の Bitcoin Core が RPC の認証情報を拒否しました
hint-backend-core-credentials = --rpc-cookie、または --rpc-user と --rpc-password-file を確認してください
error-backend-core = { $url } の Bitcoin Core: { $error }
error-backend-core-unreachable = { $url } の Bitcoin Core に接続できません: { $error }
error-backend-electrum = { $url } の Electrum サーバー: { $error }
hint-backend = --backend、認証情報、サーバーが動いているかを確認してください
error-eth-node = Ethereum ノード: { $error }
hint-eth-node = --rpc、ノードが動いているか、ネットワークを確認してください
hint-arguments = --help で受け付ける引数を確認してください

## 署名セレモニーの拒否（src/ceremony.rs、src/signing.rs、src/btc/psbt_tools.rs）
error-daily-limit-needs-audit-log = ポリシーの max_per_24h には監査ログが必要ですが、監査ログに署名できるのは鍵ストアだけです
hint-daily-limit-needs-audit-log = デバイスと同じシードを持つ鍵ストアで署名するか、max_per_24h のないポリシーを使ってください
hint-signer-refuses = 鍵ストアか別のデバイスで署名してください
error-nothing-signed-by-signer = 何も署名されませんでした（{ $detail }）
hint-nothing-signed-by-signer = この鍵ストアまたはデバイス（と登録済みのウォレット）が入力を所有しているか確認してください
error-approvals-without-policy = 承認が渡されましたが、承認者を指名するポリシーがありません
hint-approvals-without-policy = [approvals] の節を持つ --policy FILE を指定してください
error-signing-needs-confirmation = 署名には確認が必要ですが、標準入力が端末ではありません
hint-signing-needs-confirmation = --yes を指定してください（受け入れる重大度 high・deny の警告ごとに --allow CODE も）
error-ethereum-key-cannot-sign-bitcoin = この鍵ストアは Ethereum の鍵を 1 つ持つだけで、Bitcoin には署名できません
hint-ethereum-key-cannot-sign-bitcoin = ニーモニックから作った鍵ストアを使ってください
error-cannot-extract-not-final = 取り出せません: 入力 { $index } は最終化されていません（{ $why }）
error-cannot-broadcast-not-final = ブロードキャストできません: 入力 { $index } は最終化されていません（{ $why }）
hint-collect-signatures = まず足りない署名を集めてください

## Bitcoin メッセージの署名と検証（src/btc/message/、src/cli/message.rs）
error-msg-no-bitcoin-keys = この鍵ストアには Bitcoin の鍵がありません（インポートした Ethereum の鍵）
error-msg-psbt-no-message = PSBT に BIP-322 のメッセージ（グローバルフィールド 0x09）がありません
error-msg-psbt-no-witness-utxo = PSBT の最初の入力にウィットネス UTXO（アドレスのスクリプト）がありません
error-msg-path-derives-other = リクエストのパスから導出されるのは { $derived } で、リクエストのアドレス { $address } ではありません
error-msg-address-not-ours = { $address } は自分のアドレスではありません: 標準アカウント 0..{ $accounts } にも登録済みウォレットにも（インデックス 0..{ $gap }）見つかりません
hint-msg-address-not-ours = アドレスを確認してください。--accounts / --gap で探す範囲を広げるか、そのウォレットを登録してください
error-msg-path-not-standard = パス { $path } はシングルシグの標準的なアドレスのパスではありません
hint-msg-path-not-standard = m/84'/0'/0'/0/5 のようなパス（purpose 44、49、84、86）を使うか、アドレスを指定してください
error-msg-legacy-single-key = レガシー署名は単一鍵のアドレスにしかありません
error-msg-legacy-script = レガシー署名は p2pkh と p2wpkh のアドレス用で、{ $script } には使えません
hint-msg-legacy-script = 既定の BIP-322 形式を使ってください
error-msg-no-key-of-ours = このアドレスにあるこのウォレットの鍵に、自分の鍵がありません
error-msg-no-policy-rules = ポリシーファイルにはまだメッセージ署名のルールがありません
hint-msg-no-policy-rules = --policy や --approval を付けずにメッセージに署名してください
error-msg-no-message = --message、--message-file、--message-hex のどれかでメッセージを指定してください
hint-msg-no-message = 正確なメッセージがなければ、署名は何も証明しません
error-msg-signature-not-text = 署名ファイルがテキストではありません
error-msg-no-signature = 署名が指定されていません

## ハードウェアウォレットでの署名（src/signer/device/）
error-device-request-other-account = リクエストは { $stated } 宛てですが、{ $device } の { $path } のアドレスは { $address } です
hint-device-request-other-account = そのアカウントの導出パスを --path で指定してください
error-ledger-needs-one-wallet = Ledger でのマルチシグ署名には、Ledger に登録したウォレットがちょうど 1 つ必要です
hint-ledger-needs-one-wallet = 'coldsign device register --wallet NAME' を実行してください
error-device-no-input-key = このデバイスの鍵を持つ入力がありません
hint-device-no-input-key = PSBT の BIP32 導出情報を確認してください
error-device-path-not-standard = { $path } はシングルシグの標準的なパスではありません
hint-device-path-not-standard = ウォレットを登録して、そのウォレットで署名してください
error-wallet-not-on-ledger = ウォレット { $wallet } は Ledger { $fingerprint } に登録されていません
hint-wallet-not-on-ledger = 先に 'coldsign device register --wallet { $wallet }' を実行してください
error-ledger-hmac-damaged = ウォレット { $wallet }: Ledger の HMAC が壊れています

## 署名者が署名できないもの（src/signer/capabilities.rs）
refusal-signer-cannot = { $signer } はここでは{ $what }に署名できません
refusal-bitcoin-transactions = Bitcoin のトランザクション
refusal-taproot-inputs = Taproot の入力
refusal-multisig-inputs = マルチシグの入力
refusal-ethereum-requests = Ethereum のリクエスト
refusal-eip1559-transactions = EIP-1559 のトランザクション
refusal-access-list-transactions = アクセスリスト付きのトランザクション
refusal-kind-transactions = { $kind } のトランザクション
refusal-personal-messages = パーソナルメッセージ
refusal-typed-data = 型付きデータ

## アドレス帳（src/addressbook.rs）
error-book-not-bitcoin-address = { $address } は Bitcoin のアドレスではありません: { $why }
error-book-other-network = { $address } は { $network } のアドレスではありません
hint-book-other-network = アドレスに合わせて --network を指定してください
error-book-label-used = ラベル { $label } はすでに使われています
hint-book-label-used = 先にそのラベルを削除してください
error-book-address-listed = { $address } はすでにアドレス帳に { $label } として登録されています
error-book-no-label = ラベル { $label } のエントリはありません
hint-book-no-label = 'coldsign address list' で確認してください

## マルチシグの共同署名者の鍵とウォレット（src/btc/multisig.rs）
error-cosigner-invalid-key-file = 鍵ファイルが不正です: { $why }
error-cosigner-no-origin = 共同署名者の鍵には出所 [フィンガープリント/パス]xpub が必要です
hint-cosigner-no-origin = xpub だけでは、どのマスター鍵から導出されたかがわかりません
error-cosigner-key-no-origin = 鍵 { $key } に出所がありません
error-cosigner-bad-fingerprint = フィンガープリント { $fingerprint } が不正です
error-cosigner-bad-origin-path = 鍵の出所のパス { $path } が不正です: { $why }
error-cosigner-export-no-bip48 = ウォッチオンリーのエクスポートに BIP48 マルチシグの鍵がありません
error-cosigner-coldcard-no-key = Coldcard のエクスポートに { $name } の鍵がありません
error-cosigner-unrecognised-file = 鍵ファイルの形式がわかりません（coldsign、Coldcard、Keystone のエクスポートが必要です）
error-multisig-impossible = { $threshold }-of-{ $keys } のウォレットは作れません
hint-multisig-impossible = 鍵は 2〜20 個、しきい値は 1 から鍵の数までにしてください
error-multisig-key-twice = 鍵 { $key } が二度出てきます
error-multisig-key-network = 鍵 { $key } は { $network } 用ではありません

## 登録済みのウォレット（src/btc/wallets.rs）
error-wallet-other-xpub = ウォレット { $wallet } にはフィンガープリント { $fingerprint } の xpub がありますが、この鍵ストアからは導出されません
hint-wallet-other-xpub = ウォレットファイルが改ざんされたか、鍵ストアの BIP39 パスフレーズが違うおそれがあります
error-wallet-not-ours = ウォレット { $wallet } にはこの署名者の鍵（フィンガープリント { $fingerprint }）がありません
hint-wallet-not-ours = そのウォレットの鍵を持つ署名者でインポートしてください
error-wallet-unknown = { $wallet } という名前のウォレットは登録されていません
hint-wallet-list = 'coldsign wallet list' で確認してください
hint-wallet-import-first = 先に 'coldsign wallet import' でインポートしてください
error-wallet-invalid-name = ウォレット名 { $name } が不正です
hint-wallet-invalid-name = 英数字、'-'、'_'、'.' を使ってください（64 文字まで）
error-wallet-key-form = 鍵 { $key } が [フィンガープリント/パス]xpub/<0;1>/* の形ではありません
hint-wallet-key-form = どの鍵にも出所と受取/お釣りのパスが必要です。例: [73c5da0a/48'/0'/0'/2']xpub…/<0;1>/*

## the Trezor's view of a PSBT (src/hw/trezor_tx.rs)
error-trezor-input-not-ours = 入力 { $index } にはこの Trezor の鍵がありません（マスターフィンガープリントで判定）
hint-trezor-input-not-ours = 他の鍵の入力は別の署名者で署名するか、PSBT の鍵の出所がこのデバイスを指しているか確認してください
error-trezor-input-kind = 入力 { $index } はここでは Trezor が署名しない種類です
hint-trezor-input-kind = Trezor が署名するのは p2pkh、p2sh-p2wpkh、p2wpkh、taproot のキーパス、マルチシグ（p2sh、p2sh-p2wsh、p2wsh）の入力です
error-trezor-input-no-utxo = 入力 { $index } が何を使うのか示していません
error-trezor-input-no-previous-tx = 入力 { $index } に Trezor が確認する前のトランザクションがありません
hint-trezor-input-no-previous-tx = 前のトランザクションを PSBT に加えてください（non_witness_utxo、例: bitcoind の utxoupdatepsbt）
error-trezor-cosigners-unknown = 入力 { $index } はマルチシグですが、共同署名者のアカウント xpub を coldsign が知りません
hint-trezor-cosigners-unknown = 先に 'coldsign wallet import' でウォレットを取り込むか、PSBT にグローバル xpub を加えてください
error-trezor-output-no-address = 出力 { $index } は Trezor がアドレスとして表示できないスクリプトに支払います
hint-trezor-output-no-address = Trezor が支払えるのはアドレスと OP_RETURN だけです。鍵ストアか Ledger で署名してください
error-trezor-wallet-not-multisig = Trezor が表示できるのはマルチシグウォレット（p2sh、p2sh-p2wsh、p2wsh）のアドレスだけで、{ $wallet } はそうではありません
hint-trezor-wallet-not-multisig = シングルシグのアドレスには --path を使ってください。その他のウォレットは Ledger で表示します
