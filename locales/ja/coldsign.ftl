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
clap-help-command = このメッセージ、または指定したサブコマンドのヘルプを表示
clap-default = [既定: { $value }]
clap-possible-values = [指定できる値: { $values }]
clap-possible-values-heading = 指定できる値:

# テキストの列挙（2 つずつ連結）。
list-more = { $head }、{ $item }
list-comma = { $head }、{ $item }

## 警告: 警告コード（docs/warnings.md）ごとのメッセージ。英語カタログと同じ識別子を使う。
## JSON 出力と監査ログには英語版が残り、ここは画面表示用。

## Bitcoin

warning-btc-amount-out-of-range = 金額が有効な範囲（2,100万 BTC 以下）を超えています: { $error }
warning-btc-input-duplicate = 入力 { $index } は { $outpoint } を二重に使用しています
warning-btc-fee-unknown = 手数料を計算できません: 入力の金額が不明です
warning-btc-fee-negative = 出力（{ $outputs } sat）が入力（{ $inputs } sat）を超えています: このトランザクションは無効です
warning-btc-locktime = { $when } より前には有効になりません
warning-btc-locktime-not-enforced = nLockTime は { $when } ですが、すべての入力の sequence が final のため、強制されません
warning-btc-utxo-unverified = 入力 { $index }: 金額 { $amount } sat は主張されているだけです（照合できる前のトランザクションがありません）
warning-btc-utxo-txid-mismatch = 入力 { $index }: 添付された前のトランザクションは { $txid } ではありません
warning-btc-utxo-txid-mismatch-no-output = 入力 { $index }: 前のトランザクションに出力 { $vout } がありません
warning-btc-utxo-amount-mismatch = 入力 { $index }: witness_utxo は { $claimed } sat としていますが、前のトランザクションが支払う額は { $paid } sat です（手数料攻撃）
warning-btc-input-no-utxo = 入力 { $index }（{ $outpoint }）には witness_utxo も前のトランザクションもありません
warning-btc-input-unverified-key = 入力 { $index } は { $path } にある自分の鍵だと主張していますが、そのスクリプトはここで把握しているどのポリシーからも導出されません
warning-btc-input-unverified-key-stray = 入力 { $index } は { $path } にある自分の鍵を { $script_type } スクリプトで使用していますが、ここにあるどのウォレットのポリシーもそのスクリプトを生成しません
warning-btc-input-foreign = 入力 { $index }（{ $outpoint }）は自分のものではないため、ここでは署名しません
warning-btc-sequence-relative = 入力 { $index } には相対ロックタイム（BIP68）が設定されています。マイニング可能になる時期: { $lock }
warning-btc-network-mismatch = { $what ->
        [input] 入力
       *[output] 出力
    } { $index } はコインタイプ { $coin }'（{ $path }）を使用していますが、これは { $network } 用ではありません
warning-btc-path-unusual = { $what ->
        [input] 入力
       *[output] 出力
    } { $index } は通常使われない導出パス { $path } を使用しています
warning-btc-path-unusual-index = { $what ->
        [input] 入力
       *[output] 出力
    } { $index } はアドレスインデックス { $last } を使用しており、ギャップリミットを大きく超えています（{ $path }）
warning-fee-high-absolute = 手数料は { $fee } sat で、上限の { $limit } sat を超えています
warning-fee-high-fraction = 手数料（{ $fee } sat）が{ $base_kind ->
        [sent] 送金額
       *[moved] 移動額
    }（{ $base } sat）の { $percent }% に達しています
warning-fee-high-rate = 手数料率は { $rate } sat/vB で、上限の { $limit } sat/vB を超えています
warning-btc-sighash-single-bug = 入力 { $index } は SIGHASH_SINGLE を要求していますが、出力 { $index } が存在しません: 署名は定数 1 に対するものになり、誰でもこの入力を使用できてしまいます
warning-btc-sighash-nondefault = 入力 { $index } は sighash { $sighash } を要求しています。署名後に他者がトランザクションの一部を変更できてしまいます
warning-btc-psbt-modifiable = PSBT の変更可能フラグ（{ $flags }）の内容: { $allows }
warning-btc-psbt-modifiable-voided = PSBT の変更可能フラグ（{ $flags }）の内容: { $allows }。すべての署名がすべての入力と出力にコミットする（SIGHASH_ALL）ため、そのような変更があれば署名は無効になります
warning-btc-psbt-modifiable-loose = PSBT の変更可能フラグ（{ $flags }）の内容: { $allows }。さらに、{ $loose }ため、署名後に他者がトランザクションを変更できるおそれがあります
warning-btc-psbt-modifiable-inputs = 入力をまだ追加・削除できる
warning-btc-psbt-modifiable-outputs = 出力をまだ追加・削除できる
warning-btc-psbt-modifiable-single = SIGHASH_SINGLE を使い、入力を対応する出力に固定する署名がある
warning-btc-psbt-modifiable-undefined = どの仕様も意味を定めていない未定義のビット { $bits }
warning-btc-psbt-modifiable-requested = 入力 { $index } が sighash { $sighash } を要求している
warning-btc-psbt-modifiable-present = 入力 { $index } に、すべてにコミットしない署名がある
warning-btc-network-mismatch-xpub = PSBT のグローバル xpub は { $network } 用ではありません
warning-btc-xpub-not-ours = PSBT のグローバル xpub { $xpub } は自分の鍵 { $origin } だと主張していますが、そこにある自分の鍵は別のものです: これを信用するウォレットは、自分のものではない鍵を共同署名者やお釣りとして受け入れてしまいます
warning-btc-key-origin-not-ours = { $what ->
        [input] 入力
       *[output] 出力
    } { $index } は自分のフィンガープリントで { $path } にある鍵を挙げていますが、それはそこにある自分の鍵ではありません: PSBT の鍵の出所は主張にすぎず、これは偽りです
warning-btc-output-burned = 出力 { $index } は { $amount } sat を焼却します: { $reason }（スクリプト { $script }）
warning-btc-output-burned-revealed = 出力 { $index } は { $amount } sat を焼却します: PSBT が明かしたハッシュの中身のスクリプトは { $script } です: { $reason }
warning-btc-output-anyone-can-spend = 出力 { $index }（{ $amount } sat）は誰でも持ち去れます: { $reason }（スクリプト { $script }）
warning-btc-output-anyone-can-spend-revealed = 出力 { $index }（{ $amount } sat）は誰でも持ち去れます: PSBT が明かしたハッシュの中身のスクリプトは { $script } です: { $reason }
warning-btc-output-nonstandard = 出力 { $index }（{ $amount } sat）はアドレスを持たないスクリプトに支払います: { $reason }（スクリプト { $script }）
warning-btc-output-dust = 出力 { $index }（{ $amount } sat）はダスト上限 { $limit } sat を下回っており、中継されません
warning-btc-output-op-return = 出力 { $index } はデータを含んでいます: { $data }
warning-btc-output-op-return-text = 出力 { $index } はデータを含んでいます: { $data }（{ $text }）
warning-btc-change-unverified = 出力 { $index } は自分のもの（{ $path }）だと主張していますが、そのスクリプトは入力のポリシーのもとで自分の鍵から導出されません: 他者への支払いとして扱います
warning-btc-output-ours-hidden-gap = 出力 { $index } は自分のウォレット { $wallet } のアドレスインデックス { $address_index }（{ $path }）に { $amount } sat を支払います。これはこの送金が使う最大のインデックス（{ $highest }）より { $gap } 以上先です: シードから復元したウォレットはそのはるか手前で探索をやめるため、このコインは表示されません
warning-btc-output-ours-hidden-account = 出力 { $index } は自分のアカウント { $account }'（{ $path }）に { $amount } sat を支払います: ウォレットはアカウントを順に探索し、最初の未使用アカウントで止まるため、復元したウォレットはこのコインを見つけられません
warning-btc-output-ours-hidden-stray = 出力 { $index } は { $path } にある自分の鍵に { $script_type } スクリプトで { $amount } sat を支払います: { $why ->
        [hardened] そのパスは強化導出（hardened）の段で終わっており、そのようにアドレスを導出するウォレットはありません
       *[script] 標準アカウントにも登録済みウォレットにも、このスクリプトタイプでその鍵に支払うものはありません
    }。コインはこのシードの管理下にとどまりますが、通常のウォレットには表示されず、復元したウォレットもこの導出パスとスクリプトを正確に指定しない限り見つけられません
warning-btc-output-ours-not-change = 出力 { $index } は自分のウォレット { $wallet }（{ $path }）に支払いますが、この送金のお釣りではありません
warning-btc-output-ours-other-wallet = 出力 { $index } はウォレット { $wallet } にある自分の受取アドレス { $path } に { $amount } sat を支払い、送金元のウォレットには戻りません（{ $from ->
        [none] この送金は自分のコインを使っていません
       *[some] この送金の送金元は { $spending } です
    }）: コインは自分のものですが、送金元のウォレットだけを表示するウォレットには表示されません
warning-btc-output-ours-other-wallet-change = 出力 { $index } はウォレット { $wallet } にある自分のお釣りアドレス { $path } に { $amount } sat を支払い、送金元のウォレットには戻りません（{ $from ->
        [none] この送金は自分のコインを使っていません
       *[some] この送金の送金元は { $spending } です
    }）: コインは自分のものですが、送金元のウォレットだけを表示するウォレットには表示されません。お釣りに見えますが、この送金のお釣りではありません

## Ethereum

warning-eth-contract-create = { $place }: 署名者が読めない { $bytes } バイトのコードから新しいコントラクトをデプロイします
warning-eth-safe-delegatecall-multisend = { $place }: 正規の { $name } への DELEGATECALL（バッチです。各呼び出しを表示します）
warning-eth-safe-delegatecall = { $place }: { $to } への DELEGATECALL: そのコードは Safe 自身のストレージと資金で実行され、Safe を乗っ取ることができます
warning-eth-calldata-blind = { $place }: { $to } への { $bytes } バイトのコールデータをデコードできません（{ $why }）: 署名すればブラインド署名になります
warning-eth-calldata-blind-short = コールデータがセレクタより短い
warning-eth-calldata-blind-unknown-function = 未知の関数 { $selector }
warning-eth-calldata-blind-not-wrapped = { $function } はラップされたネイティブコインでのみ意味を持つ
warning-eth-calldata-blind-malformed = { $function } の引数の形式が不正
warning-eth-calldata-blind-too-deep = 入れ子が深すぎる
warning-eth-calldata-blind-undescribed-nested = { $why }。そのディスクリプタは、含まれる呼び出しを記述していない
warning-eth-calldata-blind-operation = { $place }: Safe のオペレーション { $operation } は CALL でも DELEGATECALL でもありません
warning-eth-calldata-blind-multisend = { $place }: MultiSend のバッチの形式が不正です（{ $why }）
warning-eth-safe-admin = { $place }: { $function } は Safe { $safe } を管理する者を変更します
warning-eth-safe-approve-hash = { $place }: approveHash は、ハッシュ { $hash } でしか分からない Safe トランザクションを事前に承認します
warning-eth-value-unrecoverable = { $place }: { $amount } を{ $why ->
        [create] 作成中のコントラクトに送ります（そのコードが保持すれば、誰も取り戻せません）
        [zero] ゼロアドレスに送ります。誰も管理していないアドレスです
        [burn] { $to } に送ります。誰も管理していないプリコンパイルまたはバーンアドレスです
        [token] トークンコントラクト { $to } に送ります。コインを送り返す手段がありません
       *[contract] 呼び出しなしで { $to } に送ります。この方法で送られたものを保持したままにするコントラクトです
    }
warning-eth-value-unrecoverable-tokens = { $place }: { $token } のトークンが { $to } に送られます。これは{ $why ->
        [own] そのトークン自身のコントラクト
        [zero] ゼロアドレス
        [burn] プリコンパイルまたはバーンアドレス
        [token] 別のトークンのコントラクト
       *[contract] 送られたものを保持する既知のコントラクト（Permit2、Safe、MultiSend、マーケットプレイス、ルーター）
    }で、送り返すことはできません
warning-eth-nft-approval-for-all = { $place }: { $operator } に { $collection } のすべての NFT を持ち出すことを許可します。署名者が名前を特定できないオペレーターです
warning-eth-nft-approval-for-all-known = { $place }: { $operator } に { $collection } のすべての NFT を持ち出すことを許可します
warning-eth-erc20-unlimited-approval = { $place }: { $spender } にトークン { $token } の無制限の使用を承認します（10^12 トークン以上は無制限とみなします）
warning-eth-erc20-unknown-spender = { $place }: 使用者 { $spender } はアドレス帳にも、署名者が知っているコントラクトにもありません: トークンを持ち去られるおそれがあります
warning-eth-safe-refund = { $place }: Safe は { $to } にガス代の払い戻しとして { $amount } を支払います: あなたでもアドレス帳の相手でもない者への支払いです
warning-eth-safe-refund-ours = { $place }: Safe は { $to } にガス代の払い戻しとして { $amount } を支払います
warning-eth-clear-sign-failed = { $place }: インストール済みのディスクリプタがこれを記述していますが、内容が適合しません: { $why }
warning-eth-clear-sign-mismatch = { $place }: ディスクリプタ（{ $owner }）の内容が、レビュー自身のデコード結果と一致しません: { $disagreement }
warning-eth-clear-sign-incomplete = { $place }: ディスクリプタの表示に未解決の部分があります: { $note }
warning-eth-clear-sign-incomplete-token = トークン { $token } は署名者の知らないトークンです
warning-eth-clear-sign-incomplete-token-on-chain = チェーン { $chain } のトークン { $token } は署名者の知らないトークンです
warning-eth-clear-sign-incomplete-enum = { $format }（{ $path }）: { $key } は { $reference } にありません
warning-eth-clear-sign-incomplete-nested = { $path } にある { $callee } への埋め込み呼び出し（{ $has_selector ->
        [yes] { $selector }
       *[no] データなし
    }）にはディスクリプタがありません
warning-eth-clear-sign-incomplete-extra-bytes = コールデータには { $function } のパラメータの後に、ディスクリプタが記述していない { $bytes } バイトがあります
warning-eth-clear-sign-incomplete-token = トークン { $token } は署名者の知らないトークンです
warning-eth-clear-sign-incomplete-token-on-chain = チェーン { $chain } のトークン { $token } は署名者の知らないトークンです
warning-eth-clear-sign-incomplete-enum = { $format }（{ $path }）: { $key } は { $reference } にありません
warning-eth-clear-sign-incomplete-nested = { $path } にある { $callee } への埋め込み呼び出し（{ $has_selector ->
        [yes] { $selector }
       *[no] データなし
    }）にはディスクリプタがありません
warning-eth-clear-sign-incomplete-extra-bytes = コールデータには { $function } のパラメータの後に、ディスクリプタが記述していない { $bytes } バイトがあります
warning-eth-permit = この{ $what ->
        [permit2] Permit2
        [permit] Permit
       *[eip3009] EIP-3009 送金認可
    }署名は、あなたが追加のトランザクションを送らなくても価値を移動させます: { $list }
warning-eth-order-one-sided-nothing = { $place }: この Seaport 注文では、注文者は見返りを何も受け取りません
warning-eth-order-one-sided-nameless = { $place }: この Seaport 注文では、注文者への支払いが署名者の特定できないトークンだけです（その価値は不明です）
warning-eth-order-one-sided-third-party = { $place }: この Seaport 注文では、{ $who } が注文者より多くの { $asset } を受け取ります
warning-eth-order-one-sided-cow = { $place }: この CoW 注文は、購入したものをあなたではなく { $receiver } に支払います
warning-eth-order-seaport = { $place }: この Seaport 注文により、{ $until } まで誰でも、求められた対価を支払えば提示された資産を受け取れます
warning-eth-order-cow = { $place }: この CoW Protocol 注文は、ソルバーが決済した時点でトークンを売却します
warning-eth-meta-tx = { $place }: この署名により、誰でも { $from } として { $to } への呼び出しを送信できます（内容は下に表示）
warning-eth-chain-mismatch = リクエストはチェーン { $stated } としていますが、署名される内容はチェーン { $actual } に紐づいています
warning-eth-chain-unknown = チェーン ID { $id } は署名者のチェーン一覧にありません: どのネットワーク向けかを確認してください
warning-eth-from-mismatch = リクエストは署名者 { $stated } を指定していますが、この鍵は { $key } です
warning-addr-lookalike-ours = { $address } は{ $what ->
        [you] あなた自身のアドレス
       *[safe] 支払元の Safe
    }（{ $real }）に似ていますが、別のアドレスです
warning-addr-lookalike-registry = { $address } は { $name }（{ $real }）に似ていますが、別のアドレスです
warning-eth-fee-high = ガス 1 単位あたりの最大手数料が { $gwei } gwei、ガス上限が { $gas } です: 手数料だけで最大 { $cost } かかる可能性があります
warning-eth-eip7702-authorization = EIP-7702: このトランザクションにより、アカウントが { $delegate } のコードを実行するようになります: そのコードがアカウントを完全に支配します
warning-eth-eip7702-authorization-every-chain = EIP-7702: このトランザクションにより、すべてのチェーンでアカウントが { $delegate } のコードを実行するようになります: そのコードがアカウントを完全に支配します
warning-eth-text-deceptive-typed-data = 型付きデータの { $at } は、見た目と実際の内容が異なります（{ $reasons }）: { $escaped }
warning-eth-text-deceptive-message = メッセージは見た目と実際の内容が異なります（{ $reasons }）: { $escaped }
warning-eth-typed-data-any-chain = 型付きデータのドメインに chainId がありません: この署名は、そのコントラクトが存在するすべてのチェーンで有効です
warning-eth-typed-data-unrecognised = 型 { $type } の型付きデータ（{ $named ->
        [yes] { $name }
       *[no] 名前のないドメイン
    }、{ $has_contract ->
        [yes] { $contract }
       *[no] 検証コントラクトなし
    }）: フィールドは表示していますが、署名すると何が許可されるのか署名者には分からず、ドメインもアドレス帳にありません
warning-eth-typed-data-unrecognised-listed = 型 { $type } の型付きデータ（{ $named ->
        [yes] { $name }
       *[no] 名前のないドメイン
    }、{ $has_contract ->
        [yes] { $contract }
       *[no] 検証コントラクトなし
    }）: フィールドは表示しています。ドメインはアドレス帳のエントリ { $label } です
warning-eth-calldata-blind-safe-tx = 検証コントラクトがないか、フィールドを読み取れない SafeTx です
warning-eth-calldata-blind-safe-operation = Safe のオペレーション { $operation } は CALL でも DELEGATECALL でもありません
warning-eth-safe-hash-mismatch = SafeTx の型付きデータのハッシュが、再計算した safeTxHash と一致しません（ドメインの余分なフィールドまたは型）
warning-eth-message-blind = メッセージは { $bytes } バイトの{ $kind ->
        [binary] バイナリデータ
       *[text] テキスト
    }です: 別の何かのハッシュかもしれず、署名すると何でも承認してしまうおそれがあります
warning-eth-device-blind-typed-data = { $device } はこの型付きデータをブラインド署名します: 画面に表示されるのはドメインハッシュ { $domain_hash } とメッセージハッシュ { $message_hash } だけです。両方をこのレビューと照合してください
warning-eth-device-blind-contract-call = { $device } はこのコントラクト呼び出しをブラインド署名します: 画面に出るのは手数料だけで、呼び出しの内容は表示されません（Ethereum アプリでブラインド署名の有効化が必要）。内容を解読しているのはこのレビューだけです
warning-eth-device-typed-data-settings = { $device } がこのメッセージを項目ごとに表示するのは、Ethereum アプリの設定で「Blind signing」と「Raw messages」が有効なときだけです。そうでなければ画面にはドメインとメッセージハッシュ { $message_hash } が表示されます。このレビューと照合してください

## アドレス

warning-addr-lookalike = { $address } はアドレス帳のエントリ { $label }（{ $entry }）に似ていますが、別のアドレスです
warning-addr-lookalike-output = 出力 { $index } は { $address } に支払います。これはアドレス帳のエントリ { $label }（{ $entry }）に似ていますが、別のアドレスです

## Bitcoin メッセージ

warning-msg-text-suspicious = メッセージのテキストが、署名される内容どおりに読めないおそれがあります: { $reasons }
warning-msg-binary = メッセージは { $bytes } バイトのバイナリデータで、テキストではありません: 16 進表記でしか表示できません
warning-msg-hash-like = メッセージは 32 バイトです: 別の何かのハッシュかもしれず、署名すると何でも承認してしまうおそれがあります
warning-msg-change-address = このアドレスはお釣りアドレスです: 所有証明は通常、受取アドレスに対して作成します
