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
clap-help-command = Print this message or the help of the given subcommand(s)
clap-default = [default: { $value }]
clap-possible-values = [possible values: { $values }]
clap-possible-values-heading = Possible values:

# A list of texts, two at a time: "a; b; c".
list-more = { $head }; { $item }
list-comma = { $head }, { $item }

## Warnings: one message per warning code (docs/warnings.md), `warning-<code>` with `-` for
## `.` and `_`, suffixed when a code has several messages. Their English is what JSON output
## and the audit log carry.

## Bitcoin

warning-btc-amount-out-of-range = { $error }
warning-btc-input-duplicate = input { $index } spends { $outpoint } a second time
warning-btc-fee-unknown = the fee cannot be computed: an input's amount is unknown
warning-btc-fee-negative = outputs ({ $outputs } sat) exceed inputs ({ $inputs } sat): the transaction is invalid
warning-btc-locktime = not valid before { $when }
warning-btc-locktime-not-enforced = nLockTime is { $when } but every input's sequence is final, so it is not enforced
warning-btc-utxo-unverified = input { $index }: amount { $amount } sat is only claimed (no previous transaction to check it against)
warning-btc-utxo-txid-mismatch = input { $index }: the supplied previous transaction is not { $txid }
warning-btc-utxo-txid-mismatch-no-output = input { $index }: previous transaction has no output { $vout }
warning-btc-utxo-amount-mismatch = input { $index }: witness_utxo says { $claimed } sat but the previous transaction pays { $paid } sat (fee attack)
warning-btc-input-no-utxo = input { $index } ({ $outpoint }) carries neither witness_utxo nor the previous transaction
warning-btc-input-unverified-key = input { $index } claims our key at { $path } but its script does not derive from any policy known here
warning-btc-input-unverified-key-stray = input { $index } spends our key at { $path } in a { $script_type } script that no wallet policy here produces
warning-btc-input-foreign = input { $index } ({ $outpoint }) is not ours and will not be signed here
warning-btc-sequence-relative = input { $index } can be mined only { $lock } (BIP68 relative lock time)
warning-btc-network-mismatch = { $what ->
        [input] input
       *[output] output
    } { $index } uses coin type { $coin }' ({ $path }), which is not { $network }
warning-btc-path-unusual = { $what ->
        [input] input
       *[output] output
    } { $index } uses an unusual derivation path { $path }
warning-btc-path-unusual-index = { $what ->
        [input] input
       *[output] output
    } { $index } uses address index { $last }, far beyond the gap limit ({ $path })
warning-fee-high-absolute = the fee is { $fee } sat, above the limit of { $limit } sat
warning-fee-high-fraction = the fee ({ $fee } sat) is { $percent }% of the { $base_kind ->
        [sent] amount sent
       *[moved] amount moved
    } ({ $base } sat)
warning-fee-high-rate = the fee rate is { $rate } sat/vB, above { $limit } sat/vB
warning-btc-sighash-single-bug = input { $index } asks for SIGHASH_SINGLE but there is no output { $index }: the signature would sign the constant 1 and let anyone spend it
warning-btc-sighash-nondefault = input { $index } asks for sighash { $sighash }, which lets others change parts of the transaction after signing
warning-btc-psbt-modifiable = the PSBT's modifiable flags ({ $flags }) say: { $allows }
warning-btc-psbt-modifiable-voided = the PSBT's modifiable flags ({ $flags }) say: { $allows }. Every signature commits to all inputs and outputs (SIGHASH_ALL), so any such change voids them
warning-btc-psbt-modifiable-loose = the PSBT's modifiable flags ({ $flags }) say: { $allows }, and { $loose }: others may change the transaction after it is signed
warning-btc-psbt-modifiable-inputs = inputs may still be added or removed
warning-btc-psbt-modifiable-outputs = outputs may still be added or removed
warning-btc-psbt-modifiable-single = some signature uses SIGHASH_SINGLE, pinning an input to its output
warning-btc-psbt-modifiable-undefined = undefined bits { $bits } whose meaning no specification gives
warning-btc-psbt-modifiable-requested = input { $index } asks for sighash { $sighash }
warning-btc-psbt-modifiable-present = input { $index } carries a signature that does not commit to everything
warning-btc-network-mismatch-xpub = the PSBT's global xpubs are not for { $network }
warning-btc-xpub-not-ours = the PSBT's global xpub { $xpub } claims to be our key { $origin } but ours there is another: a wallet that trusts it would accept keys that are not ours as cosigners or change
warning-btc-key-origin-not-ours = { $what ->
        [input] input
       *[output] output
    } { $index } lists a key under our fingerprint at { $path } that is not our key there: key origins in a PSBT are claims, this one is false
warning-btc-output-burned = output { $index } burns { $amount } sat: { $reason } (script { $script })
warning-btc-output-burned-revealed = output { $index } burns { $amount } sat: the script behind its hash, which the PSBT reveals, is { $script }: { $reason }
warning-btc-output-anyone-can-spend = output { $index } ({ $amount } sat) can be taken by anyone: { $reason } (script { $script })
warning-btc-output-anyone-can-spend-revealed = output { $index } ({ $amount } sat) can be taken by anyone: the script behind its hash, which the PSBT reveals, is { $script }: { $reason }
warning-btc-output-nonstandard = output { $index } ({ $amount } sat) pays a script with no address: { $reason } (script { $script })
warning-btc-output-dust = output { $index } ({ $amount } sat) is below the dust limit of { $limit } sat and will not relay
warning-btc-output-op-return = output { $index } carries data: { $data }
warning-btc-output-op-return-text = output { $index } carries data: { $data } ({ $text })
warning-btc-change-unverified = output { $index } claims to be ours ({ $path }) but its script does not derive from our keys under the inputs' policy: it is treated as a payment to someone else
warning-btc-output-ours-hidden-gap = output { $index } pays { $amount } sat to our wallet { $wallet } at address index { $address_index } ({ $path }), more than { $gap } past the highest index this spend uses ({ $highest }): a wallet restored from the seed stops looking long before it and will not show these coins
warning-btc-output-ours-hidden-account = output { $index } pays { $amount } sat to our account { $account }' ({ $path }): wallets discover accounts in order and stop at the first unused one, so a restored wallet will not find these coins
warning-btc-output-ours-hidden-stray = output { $index } pays { $amount } sat to our key at { $path } in a { $script_type } script: { $why ->
        [hardened] its path ends in a hardened step, which no wallet derives addresses with
       *[script] no standard account and no registered wallet pays that key with this script type
    }; the coins stay under this seed, but a normal wallet will not show them and a restored one will not find them unless told this exact path and script
warning-btc-output-ours-not-change = output { $index } pays our own wallet { $wallet } ({ $path }) but is not change of this spend
warning-btc-output-ours-other-wallet = output { $index } pays { $amount } sat to our receive address { $path } in wallet { $wallet }, not back to the spending wallet ({ $from ->
        [none] this spend spends none of our coins
       *[some] this spend comes from { $spending }
    }): the coins stay ours, but a wallet that shows only the spending wallet will not list them
warning-btc-output-ours-other-wallet-change = output { $index } pays { $amount } sat to our change address { $path } in wallet { $wallet }, not back to the spending wallet ({ $from ->
        [none] this spend spends none of our coins
       *[some] this spend comes from { $spending }
    }): the coins stay ours, but a wallet that shows only the spending wallet will not list them; it looks like change but is not this spend's change

## Ethereum

warning-eth-contract-create = { $place }: deploys a new contract from { $bytes } bytes of code the signer cannot read
warning-eth-safe-delegatecall-multisend = { $place }: DELEGATECALL to the canonical { $name } (a batch; each call is shown)
warning-eth-safe-delegatecall = { $place }: DELEGATECALL to { $to }: that code would run with the Safe's own storage and funds and can take it over
warning-eth-calldata-blind = { $place }: { $bytes } bytes of calldata to { $to } cannot be decoded ({ $why }): signing would be blind
warning-eth-calldata-blind-short = calldata shorter than a selector
warning-eth-calldata-blind-unknown-function = unknown function { $selector }
warning-eth-calldata-blind-not-wrapped = { $function } means something only on a wrapped native coin
warning-eth-calldata-blind-malformed = arguments of { $function } are malformed
warning-eth-calldata-blind-too-deep = nested too deeply
warning-eth-calldata-blind-undescribed-nested = { $why }; its descriptor does not describe the call it carries
warning-eth-calldata-blind-operation = { $place }: Safe operation { $operation } is neither CALL nor DELEGATECALL
warning-eth-calldata-blind-multisend = { $place }: the MultiSend batch is malformed ({ $why })
warning-eth-safe-admin = { $place }: { $function } changes who controls the Safe { $safe }
warning-eth-safe-approve-hash = { $place }: approveHash pre-approves a Safe transaction known only by its hash { $hash }
warning-eth-value-unrecoverable = { $place }: sends { $amount } to { $why ->
        [create] a contract being created (if its code keeps it, no one can take it back)
        [zero] the zero address, which no one controls
        [burn] { $to }, a precompile or burn address that no one controls
        [token] the token contract { $to }, which has no way to send coins back
       *[contract] { $to } with no call: a contract that keeps what it is sent this way
    }
warning-eth-value-unrecoverable-tokens = { $place }: tokens of { $token } go to { $to } — { $why ->
        [own] the token's own contract
        [zero] the zero address
        [burn] a precompile or burn address
        [token] another token's contract
       *[contract] a known contract (Permit2, Safe, MultiSend, marketplace, router) that keeps what is sent to it
    }, which cannot send them back
warning-eth-nft-approval-for-all = { $place }: lets { $operator } take every NFT of { $collection } — an operator the signer cannot name
warning-eth-nft-approval-for-all-known = { $place }: lets { $operator } take every NFT of { $collection }
warning-eth-erc20-unlimited-approval = { $place }: approves { $spender } to spend an unlimited amount of token { $token } (at least 10^12 whole tokens counts as unlimited)
warning-eth-erc20-unknown-spender = { $place }: the spender { $spender } is neither in the address book nor a contract the signer knows: it could take the tokens
warning-eth-safe-refund = { $place }: the Safe pays a gas refund of { $amount } to { $to }: a payment to someone who is not you and not in the address book
warning-eth-safe-refund-ours = { $place }: the Safe pays a gas refund of { $amount } to { $to }
warning-eth-clear-sign-failed = { $place }: an installed descriptor describes this but does not fit it: { $why }
warning-eth-clear-sign-mismatch = { $place }: the descriptor ({ $owner }) disagrees with the review's own decoding: { $disagreement }
warning-eth-clear-sign-incomplete = { $place }: { $note }
warning-eth-clear-sign-incomplete-token = token { $token } unknown to the signer
warning-eth-clear-sign-incomplete-token-on-chain = token { $token } on chain { $chain } is unknown to the signer
warning-eth-clear-sign-incomplete-enum = { $format } at { $path }: { $key } is not in { $reference }
warning-eth-clear-sign-incomplete-nested = embedded call { $has_selector ->
        [yes] { $selector }
       *[no] without data
    } to { $callee } at { $path } has no descriptor
warning-eth-clear-sign-incomplete-extra-bytes = calldata carries { $bytes } bytes after the parameters of { $function } that the descriptor does not describe
warning-eth-clear-sign-incomplete-token = token { $token } unknown to the signer
warning-eth-clear-sign-incomplete-token-on-chain = token { $token } on chain { $chain } is unknown to the signer
warning-eth-clear-sign-incomplete-enum = { $format } at { $path }: { $key } is not in { $reference }
warning-eth-clear-sign-incomplete-nested = embedded call { $has_selector ->
        [yes] { $selector }
       *[no] without data
    } to { $callee } at { $path } has no descriptor
warning-eth-clear-sign-incomplete-extra-bytes = calldata carries { $bytes } bytes after the parameters of { $function } that the descriptor does not describe
warning-eth-permit = this { $what ->
        [permit2] Permit2
        [permit] Permit
       *[eip3009] EIP-3009 transfer authorisation
    } signature moves value without any further transaction from you: { $list }
warning-eth-order-one-sided-nothing = { $place }: in this Seaport order the offerer receives nothing in return
warning-eth-order-one-sided-nameless = { $place }: in this Seaport order the offerer is paid only in tokens the signer cannot name (their value is unknown)
warning-eth-order-one-sided-third-party = { $place }: in this Seaport order { $who } receives more { $asset } than the offerer does
warning-eth-order-one-sided-cow = { $place }: this CoW order pays what it buys to { $receiver }, not to you
warning-eth-order-seaport = { $place }: this Seaport order lets anyone take what it offers, paying what it asks, until { $until }
warning-eth-order-cow = { $place }: this CoW Protocol order sells tokens when a solver settles it
warning-eth-meta-tx = { $place }: this signature lets anyone submit a call as { $from } to { $to } (decoded below)
warning-eth-chain-mismatch = the request says chain { $stated } but what is signed is bound to chain { $actual }
warning-eth-chain-unknown = chain id { $id } is not in the signer's table: check which network this is for
warning-eth-from-mismatch = the request names signer { $stated } but this key is { $key }
warning-addr-lookalike-ours = { $address } looks like { $what ->
        [you] your own address
       *[safe] the paying Safe
    } ({ $real }) but is a different address
warning-addr-lookalike-registry = { $address } looks like { $name } ({ $real }) but is a different address
warning-eth-fee-high = max fee per gas is { $gwei } gwei for { $gas } gas: the fee alone can cost { $cost }
warning-eth-eip7702-authorization = EIP-7702: this transaction makes the account run the code of { $delegate }: that code gets full control of the account
warning-eth-eip7702-authorization-every-chain = EIP-7702: this transaction makes the account on EVERY chain run the code of { $delegate }: that code gets full control of the account
warning-eth-text-deceptive-typed-data = typed data { $at } reads differently from what it is ({ $reasons }): { $escaped }
warning-eth-text-deceptive-message = the message reads differently from what it is ({ $reasons }): { $escaped }
warning-eth-typed-data-any-chain = the typed data's domain has no chainId: the signature is valid on every chain where its contract exists
warning-eth-typed-data-unrecognised = typed data of type { $type } for { $named ->
        [yes] { $name }
       *[no] an unnamed domain
    } at { $has_contract ->
        [yes] { $contract }
       *[no] no verifying contract
    }: its fields are shown; the signer does not know what signing it allows, and its domain is not in the address book
warning-eth-typed-data-unrecognised-listed = typed data of type { $type } for { $named ->
        [yes] { $name }
       *[no] an unnamed domain
    } at { $has_contract ->
        [yes] { $contract }
       *[no] no verifying contract
    }: its fields are shown; its domain is address-book entry { $label }
warning-eth-calldata-blind-safe-tx = a SafeTx without a verifying contract or with unreadable fields
warning-eth-calldata-blind-safe-operation = Safe operation { $operation } is neither CALL nor DELEGATECALL
warning-eth-safe-hash-mismatch = the SafeTx typed data does not hash to the recomputed safeTxHash (extra domain fields or types)
warning-eth-message-blind = the message is { $bytes } bytes of { $kind ->
        [binary] binary data
       *[text] text
    }: it may be a hash of something else, so signing it may authorise anything
warning-eth-device-blind-typed-data = the { $device } signs this typed data blind: its screen shows only domain hash { $domain_hash } and message hash { $message_hash }; compare both with this review
warning-eth-device-blind-contract-call = the { $device } signs this contract call blind: its screen shows the fees, not what the call does (blind signing must be enabled in its Ethereum app); this review is the only decoding of it
warning-eth-device-typed-data-settings = the { $device } shows this message field by field only with "Blind signing" and "Raw messages" on in its Ethereum app's settings; otherwise its screen shows the domain and message hash { $message_hash }: compare it with this review

## Addresses

warning-addr-lookalike = { $address } looks like address-book entry { $label } ({ $entry }) but is a different address
warning-addr-lookalike-output = output { $index } pays { $address }, which looks like address-book entry { $label } ({ $entry }) but is a different address

## Bitcoin messages

warning-msg-text-suspicious = the message text may not read as it is signed: { $reasons }
warning-msg-binary = the message is { $bytes } bytes of binary data, not text: only its hex can be shown
warning-msg-hash-like = the message is 32 bytes: it may be the hash of something else, so signing it may authorise anything
warning-msg-change-address = the address is a change address: proofs are usually made for receive addresses
