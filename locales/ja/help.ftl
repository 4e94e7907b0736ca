# --help の日本語。英語はコマンド定義のドキュメントコメントにある（このファイルに英語版はない）。
# キー: help-<コマンドの経路>（例 help-eth-sign）、help-<経路>--<オプション id>（例 help-sign--yes）。
# 用語は docs/ja/glossary.md に従う。

help = coldsign: ビットコインとイーサリアムのエアギャップ鍵管理
help--json = 機械可読な JSON を標準出力に出す（エラーも {"{"}"error", "code"{"}"} として）。JSON は表示言語によって変わらない
help--network = 鍵とアドレスのビットコインネットワーク [既定: config.toml の network、なければ要求の鍵の由来から推定、なければ bitcoin]
help--keystore = 鍵ストアのファイル [既定: $XDG_DATA_HOME/coldsign/keystore.json]
help--password_file = 鍵ストアのパスワードを端末からではなく FILE の 1 行目から読む（または COLDSIGN_PASSWORD を設定）。自動処理用: FILE を読める人は誰でも鍵を開ける
help--scrypt_log_n = このコマンドが書く鍵ストアの scrypt コスト log2(N)（10〜20）。小さいほど速く弱い。既定より下げるのはテストと使い捨ての鍵ストアだけ
help--wallet_dir = ウォッチオンリーのウォレットのディレクトリ [既定: $XDG_DATA_HOME/coldsign/watch-only]
help--verbose = 標準エラーに詳細を出す
help--quiet = 結果とエラーだけを出す
help--lang = 確認画面・質問・メッセージの言語 [既定: LC_ALL、LC_MESSAGES、LANG の順、なければ英語]。JSON 出力と警告コードは変わらない

help-inspect = どの要求でも確認する（ビットコインでもイーサリアムでも）: 金額、所有の証明、おつり、手数料、呼び出し、警告（署名はしない）
help-inspect--file = 要求: PSBT（バイナリ、base64、hex、v0 または v2）、UR テキスト（crypto-psbt、psbt、eth-sign-request、bytes）、QR 画像または GIF、未署名のイーサリアムトランザクション（hex）、型付きデータの JSON。- で標準入力
help-inspect--path = イーサリアム: 署名に使う鍵の導出パス（要求の指定より優先）

help-digest = 鍵なしで PSBT の意図ダイジェストを表示する（各署名者の確認画面と照合する）
help-digest--file = PSBT ファイル（バイナリ、base64、hex、UR テキスト、QR 画像）。- で標準入力

help-demo = 組み込みのサンプルデータで一連の作業を実行し、各段階を表示する

help-sign = どの要求でも（PSBT でもイーサリアムの要求でも）確認し、承諾を得て、鍵ストアまたはハードウェアウォレットで署名する
help-sign--file = 要求（inspect と同じ形式）。- で標準入力
help-sign--output = 結果の書き込み先（- で標準出力）: 署名済みの PSBT（届いたときと同じエンコーディング）、イーサリアムでは署名済みの生トランザクション（hex）または 65 バイトの署名（hex）
help-sign--yes = 質問せずに署名する。ただし許可されていない重大度 high・deny の警告が一つも残っていない場合に限る
help-sign--allow = 警告コード CODE を受け入れる（警告ごとに繰り返す）。deny の警告にはすべて必要
help-sign--force = 既存の出力ファイルを置き換える
help-sign--policy = 財務ポリシーのファイル（TOML、docs/policy.md）。拒否は覆らない
help-sign--require_airgap = ループバック以外のネットワークインターフェースが有効な間は署名を拒否する
help-sign--approvals = ポリシーが指名する承認者によるこの要求の承認（`coldsign approve`）。承認ごとに繰り返す。ポリシーの `[approvals] required` を満たす必要がある
help-sign--qr = 結果をアニメーションの BC-UR QR コードでも表示する（標準出力が端末でなければテキストのパート）
help-sign--ur = イーサリアム: hex の代わりに EIP-4527 の eth-signature UR を書く
help-sign--path = イーサリアム: 署名に使う鍵の導出パス（要求の指定より優先）
help-sign--device = ここで確認した後、ハードウェアウォレットで署名する。鍵ストアがあれば確認画面での所有の証明は鍵ストアが行い、デバイスは同じシードを持っていなければならない。鍵ストアがなければ（鍵ストアのパスにファイルがない）デバイス自身の公開鍵で証明し、監査ログには記録しない

help-approve = ポリシーの承認者の一人として要求を承認する: ここで確認し、承認に署名する
help-approve--file = 承認する要求（`sign` が受け付ける要求ならどれでも）
help-approve--output = 承認の書き込み先（ur:bytes のテキスト。- で標準出力）
help-approve--expires = 承認が有効な期間
help-approve--wallet = 送金元のウォレット（ディスクリプタ、BIP388、Coldcard または Caravan のファイル）。確認画面でおつりを証明するのに使う。なければこの鍵ストアに登録済みのウォレットだけで証明する
help-approve--yes = 質問せずに承認する。ただし許可されていない重大度 high・deny の警告が一つも残っていない場合に限る
help-approve--allow = 警告コード CODE を受け入れる（警告ごとに繰り返す）
help-approve--qr = 承認を QR コードでも表示する

help-approver-key = この鍵ストアの承認者の公開鍵を表示する（ポリシーの [approvals] に書くもの）

help-finalize = 署名済みの PSBT を確定する（すべての入力を Bitcoin Core のインタプリタで検証する）
help-finalize--file = PSBT ファイル。- で標準入力
help-finalize--output = 出力ファイル（- で標準出力）
help-finalize--extract = PSBT の代わりに、完成したネットワーク用のトランザクションを hex で書く
help-finalize--force = 既存の出力ファイルを置き換える

help-combine = 同じトランザクションの PSBT を結合する（マルチシグ）
help-combine--files = 同じトランザクションの PSBT（2 つ以上）
help-combine--output = 出力ファイル（- で標準出力）
help-combine--force = 既存の出力ファイルを置き換える

help-convert = PSBT をバージョン 0 と 2 の間、バイナリ・base64・hex の間で変換する
help-convert--file = PSBT ファイル。- で標準入力
help-convert--to = 変換先のバージョンとエンコーディングの一方または両方（繰り返し可。例 --to v2 --to hex）
help-convert--output = 出力ファイル（- で標準出力）
help-convert--force = 既存の出力ファイルを置き換える
help-convert--lossy = バージョン 0 では運べないバージョン 2 のフィールド（変更可能フラグ、必須のロックタイム）が失われる場合でもバージョン 0 に変換する

help-verify-binary = この実行ファイル自身の SHA-256 をリリースの SHA256SUMS と照合する（すべてのセレモニーの最初の手順。docs/release.md）
help-verify-binary--sums = リリースの SHA256SUMS ファイル（実行ファイルと一緒に持ち込む。先に、公開されているものか自分で再ビルドしたものと照合しておくこと）

help-key = 鍵の作成・復元・表示・エクスポート
help-key-new = OS の乱数生成器から新しいニーモニックを作り、暗号化して保存する
help-key-new--words = 単語の数
help-key-new--language = 単語リスト
help-key-new--no_confirm = 紙のバックアップを確かめるための単語の聞き返しをしない（スクリプトによるセットアップ用）
help-key-new--dice = サイコロの目から得るエントロピー（数字 1〜6。24 語なら 99 個以上、12 語なら 50 個以上）。入力を表示しないプロンプトで打ち込むか、標準入力に流す。目の並びの SHA-256 を使う（Coldcard と同じ計算）
help-key-new--mix_os_rng = --dice と併用: OS の乱数生成器の 32 バイトを目に混ぜる（その後は目だけから単語を再現できなくなる）
help-key-new--passphrase = BIP39 パスフレーズ（「25 番目の単語」）を端末で尋ねる
help-key-new--passphrase_file = BIP39 パスフレーズを FILE の 1 行目から読む
help-key-new--label = 鍵ストアのヘッダーに保存するラベル
help-key-new--force = 既存の鍵ストアのファイルを置き換える
help-key-restore = プロンプトで入力された、または標準入力に流されたニーモニックを復元する（引数からは決して受け取らない）
help-key-restore--passphrase = BIP39 パスフレーズ（「25 番目の単語」）を端末で尋ねる
help-key-restore--passphrase_file = BIP39 パスフレーズを FILE の 1 行目から読む
help-key-restore--label = 鍵ストアのヘッダーに保存するラベル
help-key-restore--force = 既存の鍵ストアのファイルを置き換える
help-key-show = フィンガープリント、アカウントの xpub、ディスクリプタ、アドレスを表示する。秘密は表示しない
help-key-show--account = アカウント番号（導出パスの 3 段目）
help-key-show--eth_count = 表示するイーサリアムアドレスの数
help-key-show--ledger_live = Ledger Live 方式のイーサリアムの導出パス m/44'/60'/i'/0/0 を使う
help-key-show--slip132 = SLIP-132 の形式（ypub、zpub、Zpub）も表示する
help-key-export = オンラインの端末がウォレットを監視するのに必要なものをエクスポートする（秘密は含まない）
help-key-export--watch_only = 公開情報だけをエクスポートする（必須: エクスポートできるのはこの種類だけ）
help-key-export--output = 出力ファイル。- で標準出力
help-key-export--force = 既存の出力ファイルを置き換える
help-key-export--account = アカウント番号（導出パスの 3 段目）
help-key-export--eth_count = 含めるイーサリアムアドレスの数
help-key-export--ledger_live = Ledger Live 方式のイーサリアムの導出パス m/44'/60'/i'/0/0 を使う
help-key-export--slip132 = SLIP-132 の形式（ypub、zpub、Zpub）も含める
help-key-passwd = 鍵ストアのパスワードを変更する
help-key-passwd--new_password_file = 新しいパスワードを FILE の 1 行目から読む
help-key-import-v3 = イーサリアムの keystore v3 ファイル（geth、cast、MetaMask）を新しい鍵ストアに取り込む
help-key-import-v3--file = keystore v3 の JSON ファイル
help-key-import-v3--v3_password_file = v3 ファイルのパスワードを FILE の 1 行目から読む
help-key-import-v3--passphrase = BIP39 パスフレーズ（「25 番目の単語」）を端末で尋ねる
help-key-import-v3--passphrase_file = BIP39 パスフレーズを FILE の 1 行目から読む
help-key-import-v3--label = 鍵ストアのヘッダーに保存するラベル
help-key-import-v3--force = 既存の鍵ストアのファイルを置き換える
help-key-export-v3 = イーサリアムの秘密鍵を 1 つ keystore v3 ファイル（geth、cast）としてエクスポートする
help-key-export-v3--output = 出力ファイル（モード 0600 で作成する）
help-key-export-v3--index = 選んだ方式でのアカウント番号
help-key-export-v3--ledger_live = Ledger Live 方式の導出パス m/44'/60'/i'/0/0 を使う
help-key-export-v3--path = 方式ではなく明示した導出パスを使う
help-key-export-v3--v3_password_file = v3 ファイルに付けるパスワードを FILE の 1 行目から読む
help-key-export-v3--force = 既存の出力ファイルを置き換える

help-eth = イーサリアム: オフラインで要求を確認して署名する。オンラインでトランザクションを作成・送信し、Safe のマルチシグを操作する
help-eth-inspect = イーサリアムの要求を確認する（署名はしない）。`coldsign inspect` と同じ
help-eth-inspect--file = 要求: PSBT（バイナリ、base64、hex、v0 または v2）、UR テキスト（crypto-psbt、psbt、eth-sign-request、bytes）、QR 画像または GIF、未署名のイーサリアムトランザクション（hex）、型付きデータの JSON。- で標準入力
help-eth-inspect--path = イーサリアム: 署名に使う鍵の導出パス（要求の指定より優先）
help-eth-sign = イーサリアムの要求を確認し、承諾を得て署名する。`coldsign sign` と同じ
help-eth-sign--file = 要求（inspect と同じ形式）。- で標準入力
help-eth-sign--output = 結果の書き込み先（- で標準出力）: 署名済みの PSBT（届いたときと同じエンコーディング）、イーサリアムでは署名済みの生トランザクション（hex）または 65 バイトの署名（hex）
help-eth-sign--yes = 質問せずに署名する。ただし許可されていない重大度 high・deny の警告が一つも残っていない場合に限る
help-eth-sign--allow = 警告コード CODE を受け入れる（警告ごとに繰り返す）。deny の警告にはすべて必要
help-eth-sign--force = 既存の出力ファイルを置き換える
help-eth-sign--policy = 財務ポリシーのファイル（TOML、docs/policy.md）。拒否は覆らない
help-eth-sign--require_airgap = ループバック以外のネットワークインターフェースが有効な間は署名を拒否する
help-eth-sign--approvals = ポリシーが指名する承認者によるこの要求の承認（`coldsign approve`）。承認ごとに繰り返す。ポリシーの `[approvals] required` を満たす必要がある
help-eth-sign--qr = 結果をアニメーションの BC-UR QR コードでも表示する（標準出力が端末でなければテキストのパート）
help-eth-sign--ur = イーサリアム: hex の代わりに EIP-4527 の eth-signature UR を書く
help-eth-sign--path = イーサリアム: 署名に使う鍵の導出パス（要求の指定より優先）
help-eth-sign--device = ここで確認した後、ハードウェアウォレットで署名する。鍵ストアがあれば確認画面での所有の証明は鍵ストアが行い、デバイスは同じシードを持っていなければならない。鍵ストアがなければ（鍵ストアのパスにファイルがない）デバイス自身の公開鍵で証明し、監査ログには記録しない
help-eth-message = 個人メッセージ（EIP-191）または型付きデータ（EIP-712）に署名する要求を作る
help-eth-message--text = テキストのメッセージ（personal_sign）
help-eth-message--hex = hex で表したバイナリのメッセージ（personal_sign）
help-eth-message--typed_data = eth_signTypedData_v4 の JSON ファイル（- で標準入力）
help-eth-message--chain_id = 要求に記すチェーン ID（型付きデータは自身のチェーン ID をドメインに持つ）
help-eth-message--from = 署名するアカウントのアドレス
help-eth-message--path = 分かっていれば、その導出パス [既定: 署名機が最初のいくつかのアカウントからアドレスを探す]
help-eth-message--fingerprint = 分かっていれば、署名するウォレットのマスターフィンガープリント
help-eth-message--output = 出力ファイル（- で標準出力）
help-eth-message--format = 要求の形式
help-eth-message--qr = 要求をアニメーションの QR コードでも表示する
help-eth-message--force = 既存の出力ファイルを置き換える

help-message = ビットコインのメッセージ: オフラインで要求に署名する（BIP-322、レガシー）、検証する、マルチシグの証明を仕上げる
help-message-sign = メッセージの署名要求を確認して署名する（JSON または ur:bytes。ファイル、QR 画像、または -）
help-message-sign--request = 要求のファイル（`-` で標準入力）
help-message-sign--output = 署名（マルチシグでは部分署名の PSBT）の書き込み先
help-message-sign--format = 署名の形式
help-message-sign--no_prefix = BIP-322 の種類を示すプレフィックス（smp/ful）を付けない（最終版の BIP より古い検証側のため）
help-message-sign--accounts = 標準アカウント 0..N からアドレスを探す
help-message-sign--gap = 各枝でアドレスのインデックス 0..N を探す
help-message-sign--qr = 結果を QR コードでも表示する: 署名はプレーンテキストとして（標準エラーに）、マルチシグの部分署名はアニメーションの crypto-psbt として
help-message-sign--yes = 質問せずに署名する。ただし許可されていない重大度 high・deny の警告が一つも残っていない場合に限る
help-message-sign--allow = 警告コード CODE を受け入れる（警告ごとに繰り返す）。deny の警告にはすべて必要
help-message-sign--force = 既存の出力ファイルを置き換える
help-message-sign--policy = 財務ポリシーのファイル（TOML、docs/policy.md）。拒否は覆らない
help-message-sign--require_airgap = ループバック以外のネットワークインターフェースが有効な間は署名を拒否する
help-message-sign--approvals = ポリシーが指名する承認者によるこの要求の承認（`coldsign approve`）。承認ごとに繰り返す。ポリシーの `[approvals] required` を満たす必要がある
help-message-verify = BIP-322 またはレガシーの署名を検証する（そのアドレスが署名したことを証明できなければ終了コード 4）
help-message-verify--address = 署名したアドレス
help-message-verify--message = メッセージのテキスト
help-message-verify--message_file = メッセージ: FILE のバイト列（`-` で標準入力）
help-message-verify--message_hex = hex で表したメッセージ
help-message-verify--signature = 署名（base64。プレフィックス付きまたはなしの BIP-322、またはレガシー）
help-message-verify--signature_file = 署名を FILE から読む
help-message-finalize = 必要な部分署名がすべてそろったマルチシグの BIP-322 PSBT（`coldsign combine`）を署名に変える
help-message-finalize--psbt = 結合した BIP-322 PSBT（base64 またはバイナリ。`-` で標準入力）
help-message-finalize--output = 署名の書き込み先
help-message-finalize--no_prefix = BIP-322 の種類を示すプレフィックス（smp/ful）を付けない

help-qr = 要求と応答をアニメーションの BC-UR QR コードで表示し、またそれを読み取る
help-qr-show = PSBT（または対応する他のデータ）を BC-UR QR コードで表示する
help-qr-show--file = 任意のエンコーディングの PSBT、またはウォッチオンリー用のエクスポート（`key export --watch-only`、テキストまたは JSON）。- で標準入力
help-qr-show--ur_type = PSBT に使う UR タイプ
help-qr-show--fragment = フラグメントの大きさのプリセット（バイト数: 80、200、400）
help-qr-show--fps = アニメーションの 1 秒あたりのフレーム数
help-qr-show--text = UR のパートをテキストで 1 行に 1 つずつ出す
help-qr-show--parts = 出力または描画するパートの数（既定: 各フラグメントを 1 回ずつ。フレームファイルと GIF にはさらにその半数の予備のファウンテンパートを加える）
help-qr-show--png_dir = フレームごとに PNG を 1 つこのディレクトリに書く
help-qr-show--svg_dir = フレームごとに SVG を 1 つこのディレクトリに書く
help-qr-show--gif = アニメーション GIF を書く
help-qr-read = UR テキストの行、QR 画像、フレームのディレクトリから転送されたデータを組み立て直す
help-qr-read--inputs = 画像ファイル、フレームのディレクトリ、または UR/BBQr の行を含むテキストファイル。-（既定）で標準入力から行を読む
help-qr-read--output = データの書き込み先（- で標準出力）
help-qr-read--force = 既存の出力ファイルを置き換える
help-qr-read--camera = データがそろうまでウェブカメラ（既定 /dev/video0）からフレームを読み取る。`camera` 機能付きでビルドした coldsign が必要

help-wallet = ウォッチオンリーのウォレット（オンライン）と、この署名機に登録したウォレット
help-wallet-import = すべての共同署名者を表示した後、マルチシグまたは miniscript のウォレットをこの署名機に登録する
help-wallet-import--file = ディスクリプタ、BIP388 のウォレットポリシー（JSON）、または Coldcard のマルチシグのテキストファイル。- で標準入力
help-wallet-import--name = 登録する名前（既定: ファイル内の名前、なければ拡張子を除いたファイル名）
help-wallet-import--yes = 質問せずに登録する（自分の鍵が含まれていることは確かめる）
help-wallet-import--force = 同じ名前の登録済みのウォレットを置き換える
help-wallet-list = ウォッチオンリーのウォレットと、この署名機に登録したウォレットを一覧表示する
help-wallet-show = ウォレットを 1 つ表示する: ウォッチオンリーのウォレットなら残高とコイン、登録済みのウォレットなら共同署名者
help-wallet-show--name = ウォレット名
help-wallet-show--signer = 同じ名前のウォッチオンリーのウォレットがあっても、この署名機に登録したウォレットを表示する

help-multisig = 共同署名者の鍵からマルチシグのウォレット（ディスクリプタ、BIP388、Coldcard、Caravan）を作る
help-multisig-create = 共同署名者の鍵から M-of-N のウォレットを作る
help-multisig-create--threshold = 必要な署名の数
help-multisig-create--keys = 共同署名者の鍵: ファイル（coldsign のウォッチオンリー用エクスポート、Coldcard または Keystone のエクスポート、ディスクリプタ）またはその場で書いた [fingerprint/path]xpub。共同署名者ごとに繰り返す
help-multisig-create--kind = スクリプトの種類
help-multisig-create--name = ウォレット名
help-multisig-create--output_dir = NAME.descriptor、NAME.bip388.json、NAME.coldcard.txt、NAME.caravan.json をこのディレクトリに書く
