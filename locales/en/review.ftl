# The confirmation screen (src/review/render/), the prompts of the signing ceremony and the
# demo's narration, in English. Values arrive as finished text in { $args }.

## The confirmation screen (src/review/render/)

review-warnings = warnings
review-intent-digest = intent digest
review-verified = verified
review-per-host-wallet = per this host's wallet
review-host-preview = preview by the online host from its watch-only wallet: nothing here is verified; the signer's review is the one to trust
review-unknown = UNKNOWN
review-unknown-amount = unknown amount
review-unverified = UNVERIFIED
review-not-ours = not ours
review-yes = yes
review-no = no
review-multisig = multisig: { $count } ({ $state })
review-multisig-complete = complete
review-multisig-more-needed = more needed
review-relative-lock = relative lock: { $lock }
review-locktime-none = none
review-locktime-block = block { $height }
review-locktime-time = { $time } (Unix time { $unix })

## A Bitcoin PSBT (src/review/render/bitcoin.rs)

review-btc-header = PSBT v{ $version } on { $network }, txid { $txid }
review-btc-inputs = inputs ({ $count })
review-btc-input-ours = ours: { $fingerprint } { $path } ({ $wallet })
review-btc-input-final = final
review-btc-input-sign = sign, sighash { $sighash }
review-btc-input-skip = skip: { $reason }
review-btc-outputs = outputs ({ $count })
review-btc-output-script = { $type } script { $script }
review-btc-output-change = change, { $verified } ({ $wallet } { $path })
review-btc-output-ours = ours, not change ({ $wallet } { $path })
review-btc-output-burned-data = BURNED (OP_RETURN data)
review-btc-output-data = data (OP_RETURN)
review-btc-output-unspendable = BURNED (no one can spend it)
review-btc-output-external = EXTERNAL
review-btc-output-flag = { $flag }: see the warnings below
review-btc-locktime = locktime  { $lock }; replaceable (RBF): { $rbf }
review-total-inputs = inputs
review-total-external = external
review-total-change = change
review-total-ours-not-change = ours, not change
review-total-burned = burned
review-total-fee = fee
review-btc-fee = { $amount } ({ $sats } sat, { $rate } sat/vB at { $vsize } vB)
review-btc-balanced = balanced: inputs = external + change + ours, not change + burned + fee
review-btc-not-balanced = NOT BALANCED: { $why }

## An Ethereum request (src/review/render/ethereum.rs)

review-eth-transaction = Ethereum transaction on { $chain }
review-eth-typed-data = EIP-712 typed data signature on { $chain }
review-eth-personal-message = personal message signature (EIP-191) on { $chain }
review-eth-from = from
review-eth-type = type
review-eth-nonce = nonce
review-eth-value = value
review-eth-gas = gas
review-eth-gas-line = { $limit } × max { $max }{ $tip }
review-eth-priority = , priority { $gwei }
review-eth-max-cost = max total cost
review-eth-max-cost-line = { $cost } (value + the most the fee can be)
review-eth-access-list = access list
review-eth-access-list-entries = { $count } entries
review-eth-authorization = authorization
review-eth-primary-type = primary type
review-eth-domain = domain
review-eth-message = message
review-eth-domain-hash = domain hash
review-eth-message-hash = message hash
review-eth-message-text = message text
review-eth-message-text-escaped = message text (deceptive characters escaped)
review-eth-message-bytes = message bytes
review-eth-signing-hash = signing hash
review-eth-call = { $place }: to { $to }
review-eth-call-delegate = { $place } by DELEGATECALL: to { $to }
review-eth-new-contract = (new contract)
review-eth-call-value = value { $value }
review-eth-blind-data = BLIND DATA: { $bytes } bytes the signer cannot decode
review-eth-plain-transfer = plain transfer (no data)
review-eth-descriptor-intent = intent: { $intent }  (descriptor by { $owner }, { $hash })
review-eth-no-stated-owner = no stated owner
review-eth-movements = value movements ({ $count })
review-eth-movements-none = none: nothing of value leaves or is authorised
review-eth-movement-asset = asset { $asset }
review-eth-movement-route = from { $from } to { $to } ({ $place })
review-eth-movement-until = , until { $until }
review-eth-safe = Safe { $safe } nonce { $nonce }
review-eth-safe-legacy = (the legacy domain of Safe < 1.3.0: no chain id)
review-eth-safe-tx-hash = safeTxHash
review-eth-safe-compare = (compare with the Safe web page and your device)

## Ethereum movements, places and the ERC-7730 cross-check (src/review/render/ethereum.rs,
## src/eth/place.rs, src/erc7730/crosscheck.rs): a kind's
## English is its JSON name; a place's segments are joined by " → " and stay English in JSON.

review-eth-kind-native = native
review-eth-kind-token-transfer = token-transfer
review-eth-kind-approval = approval
review-eth-kind-signed-approval = signed-approval
review-eth-kind-signed-transfer = signed-transfer
review-eth-kind-order-offer = order-offer
review-eth-kind-order-consideration = order-consideration
review-eth-kind-refund = refund
review-eth-kind-fee = fee
review-eth-party-network = the network (block producer)
review-eth-party-new-contract = a new contract
review-eth-party-you = { $address } (you)
review-eth-party-filler = whoever fills the order
review-eth-party-cow-settlement = the CoW Protocol settlement (solvers)
review-eth-party-executor = whoever executes it (refundReceiver 0 = tx.origin, anyone who submits the signed transaction)
place-path = { $head } → { $item }
place-call = call
place-safe-call = Safe call
place-typed-data = typed data
place-forwarded-call = forwarded call
place-fee = fee
place-multisend = MultiSend #{ $number }
verbatim = { $text }
crosscheck-no-owner = no owner
crosscheck-native-amount = the transaction sends { $amount } wei; the descriptor shows { $shown }
crosscheck-other-tokens = the call moves token { $token } but the descriptor shows amounts of other tokens only
crosscheck-token-amount = the call moves { $amount } of token { $token }; the descriptor shows { $shown }
crosscheck-pays = the call pays { $party }; the descriptor names { $shown }
crosscheck-approves = the call approves { $party }; the descriptor names { $shown }

## A Bitcoin message request (src/review/render/message.rs)

review-msg-heading = Sign a Bitcoin message
review-msg-address = address
review-msg-address-line = { $address } ({ $wallet }, { $branch } #{ $index })
review-msg-receive = receive
review-msg-change = change
review-msg-message = message
review-msg-bytes = { $bytes } bytes

## The signing ceremony's prompts (src/ceremony.rs, src/signing.rs, src/btc/message/ceremony.rs,
## src/keys/backup.rs, src/cli/key.rs). $action is `sign` or `approve`.

prompt-confirm = { $action } this? [y/N]
prompt-type-digest = high-severity warnings: type the last 4 characters of the intent digest to { $action } anyway
prompt-policy-allowed = policy { $path } (sha256 { $sha256 }): allowed
prompt-policy-allowed-confirm = policy { $path } (sha256 { $sha256 }): allowed; a person must confirm
prompt-approved-by = approved by { $names }
prompt-confirm-on-device = confirm on the { $device } screen; compare it with this review
prompt-signing-with-found = note: signing with { $address } found at { $path }
prompt-bip322-signed-text = BIP-322 signature for { $address } over the message { $message }
prompt-bip322-signed-bytes = BIP-322 signature for { $address } over the message of { $bytes } bytes
prompt-backup-word = word #{ $number }
prompt-backup-written = press Enter once the words are written down
prompt-backup-type-words = Type the words asked for, from your paper backup.

prompt-password-keystore = password for keystore { $path }
prompt-new-password-keystore = new password for the keystore
prompt-new-password = new password
prompt-password-of = password of { $path }
prompt-password-v3-file = password for the v3 file
prompt-bip39-passphrase = BIP39 passphrase
prompt-secret-repeat = repeat it
prompt-secret-empty-retry = it must not be empty; try again
prompt-secret-differ-retry = the two entries differ; try again
prompt-mnemonic-words = mnemonic words (hidden, separated by spaces)
prompt-dice-rolls = dice rolls (digits 1-6, hidden; Enter when done)

## Configuration questions (src/configure.rs): what the signer trusts is changed only after them.

prompt-import-tokens = add these { $count } tokens to the signer's registry? [y/N]
prompt-register-wallet = register this wallet? [y/N]
prompt-trust-descriptors = trust these { $count } descriptor(s) to name calls and messages in reviews? [y/N]
prompt-descriptor-skipped = skipped { $path }: { $reason }

## Pieces said inside other lines: relative lock times (src/review/bitcoin/timelocks.rs),
## what an output script allows (src/review/bitcoin/scripts.rs) and why an input is not
## signed (the review and the signers). Their English is also what JSON carries.

review-relative-blocks = { $blocks } { $plural ->
        [one] block
       *[other] blocks
    } after the spent coin confirms
review-relative-time = { $seconds } seconds ({ $duration }) after the spent coin confirms
script-op-return = it starts with OP_RETURN, which ends every spend in failure
script-oversize = it is { $bytes } bytes long; scripts over { $limit } bytes fail in every spend
script-empty = the script is empty: a spender only has to push a true value
script-malformed = a push runs past the end of the script, which fails in every spend
script-disabled-opcode = it contains { $opcode }, which fails a spend even where it is not executed
script-push-only-true = it only pushes data and leaves a true value: anyone can spend it with an empty input script
script-push-only-false = it only pushes data and leaves a false value: no input script can change that
script-p2pk-invalid-key = a bare public key that is not a valid point: no signature can ever satisfy it
script-p2pk = a bare public key (P2PK): it has no address, so whose key it is cannot be checked the usual way
script-bare-multisig = bare multisig: it has no address, so whose keys these are cannot be checked the usual way
script-nonstandard = it matches no standard template: the review cannot tell who can spend it
script-witness-v0-invalid = a version 0 witness program must be 20 or 32 bytes, this one is { $bytes }: every spend fails
script-p2tr-invalid-key = its taproot output key is not a point on the curve: neither a key nor a script can ever spend it
script-p2a = pay-to-anchor (P2A): anyone can spend it, with an empty witness
script-witness-unknown = witness version { $version } with a { $bytes }-byte program has no spending rules today: anyone can spend it (until a soft fork gives it rules)
reason-spent-output-unknown = the spent output is unknown
reason-unknown-policy = its script does not derive from our keys under a known policy (register the wallet with 'coldsign wallet import')
reason-not-our-key = not our key
reason-already-finalized = already finalized
reason-legacy-needs-previous-tx = a legacy input needs the previous transaction
reason-watch-only = watch-only policies hold no private key
reason-no-key-signs = none of our keys can sign this input
reason-signing-failed = { $detail }
reason-device-did-not-sign = the device did not sign this input
balance-input-amount-unknown = input { $index }'s amount is unknown, so the fee cannot be known and the totals cannot balance
balance-out-of-range = the amounts add up to more than 21,000,000 BTC
balance-outputs-exceed-inputs = the outputs exceed the inputs
balance-does-not-add-up = the outputs and the fee do not add up to the inputs
review-signature-count = { $present } of { $needed } signatures
finalize-cannot-verify = cannot finalize and verify: { $error }
finalize-missing-signatures = it has { $count }; collect the missing signatures

## The demo's narration (src/demo/walkthrough.rs)

demo-setup = == offline signer: setup
demo-restore = 1. restore the public test mnemonic (abandon ×11 about) into a throwaway keystore
demo-keystore = { $path } (mode 0600, scrypt + XChaCha20-Poly1305)
demo-watch-only = 2. watch-only export for the online machine (fingerprint { $fingerprint })
demo-build = == online host: build
demo-psbt = 3. a PSBT spending 4 coins (p2wpkh, p2tr, p2sh-p2wpkh, p2pkh) to an outside address with change: { $path } ({ $bytes } bytes base64)
demo-air-gap-to-signer = == air gap: animated QR, host screen to signer camera
demo-qr = { $fragments } fragments as crypto-psbt QR frames; every { $drop_every }th frame lost, the rest scanned out of order: complete after { $frames } frames
demo-review = == offline signer: review, confirm, sign
demo-review-screen = 4. the review the signer computes by itself (this is the confirmation screen):
demo-signed = 5. confirmed (the demo answers yes); signed { $inputs } inputs with { $signatures } signatures
demo-air-gap-to-host = == air gap: animated QR, signer screen to host camera
demo-finalize = == online host: finalize, verify
demo-finalized = 6. finalized; each of the { $inputs } inputs verified by Bitcoin Core's script interpreter (libbitcoinconsensus)
demo-ready = 7. transaction { $txid } ({ $vbytes } vbytes) is ready to broadcast
demo-finished = demo finished; the throwaway keystore and files are deleted

## Why text to be signed reads differently from its bytes (src/review/text.rs)
text-hidden-character = { $kind } { $code }
text-control-character = control character
text-bidirectional-control = bidirectional control (reorders what is shown)
text-invisible-character = invisible character
text-private-use-character = private-use character
text-look-alike = look-alike letters: { $word } mixes { $scripts } letters
text-script-and = { $head } and { $item }
text-script-latin = Latin
text-script-fullwidth-latin = fullwidth Latin
text-script-greek = Greek
text-script-cyrillic = Cyrillic
text-script-armenian = Armenian
text-script-cherokee = Cherokee
text-script-other = other

## Amounts of Ethereum movements as a person reads them (src/eth/flows.rs): the numbers and
## symbols are arguments and never translated; JSON carries the English
amount-unlimited-max = unlimited (2^256-1)
amount-token = { $value } { $symbol } ({ $raw } raw)
amount-raw-units = { $raw } raw units (decimals of this token unknown to the signer)
amount-fee-at-most = at most { $value } { $symbol } ({ $gas } gas × { $fee } wei)
amount-all-now-and-later = all, now and later
amount-unlimited-in-effect = unlimited in effect ({ $amount })
amount-up-to-about = up to about { $amount }
amount-refund-unbounded = unbounded: { $price } per gas with safeTxGas 0 lets the executor burn as much gas as the block allows
amount-at-least = at least { $amount }
note-remembered-unreadable = note: cannot read the remembered derivations { $path } ({ $detail }); every key is derived again
note-remembered-not-authentic = note: the remembered derivations { $path } fail their authentication check (changed, written under another seed, or in another format): ignored, every key is derived again and the file is rewritten
note-remembered-unwritable = note: cannot remember the derivations: { $detail }
