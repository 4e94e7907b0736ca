## What signing-side commands report after they ran (stdout). Paths, digests, txids,
## addresses, keys, counts and the reasons passed in are arguments and are never translated.

## sign
report-input-signed = input { $index }: signed ({ $count } { $plural ->
        [one] signature
       *[other] signatures
    })
report-input-not-signed = input { $index }: not signed: { $reason }
report-psbt-written = signed PSBT written to { $path }
report-signed-by = signed by { $address }
report-signed-by-device = signed by { $address } on the { $device } (its signature recovers to it)
report-transaction-hash = transaction hash { $hash }
report-written = written to { $path }

## approve
report-approved = approved { $digest } as { $approver }; expires at { $expires } (Unix time); written to { $path }
report-approver-key-listing = (list it in the policy: [[approvals.approvers]] name = "…" key = "{ $key }")

## message
report-message-share-written = our share written to { $path } as a BIP-322 PSBT: collect the cosigners' shares with `coldsign combine`, then `coldsign message finalize`
report-message-signature-written = { $format } signature written to { $path }
report-message-valid = valid: { $format } for { $address }

## digest, finalize
report-digest-intent = intent digest  { $digest }
report-digest-txid = txid           { $txid }
report-digest-network = network        { $network }
report-input-not-final = input { $index }: not final: { $reason }
report-finalized = complete; every input verified by Bitcoin Core's script interpreter; txid { $txid }

## qr
report-qr-read = { $kind }: { $bytes } bytes from { $parts } parts
report-qr-read-written = { $kind }: { $bytes } bytes from { $parts } parts, written to { $path }

## key
report-keystore-written = keystore written: { $path } (label { $label }, { $id })
report-id-fingerprint = fingerprint { $fingerprint }
report-id-address = address { $address }
report-password-changed = password changed for { $path }
report-v3-written = keystore v3 written: { $path } (address { $address })
report-v3-written-path = keystore v3 written: { $path } (address { $address }, path { $derivation })

## key show: the keystore and what its keys derive (labels padded by display width)
report-show-keystore = keystore
report-show-keystore-value = { $path } ({ $label }, created { $created })
report-show-fingerprint = fingerprint
report-show-network = network
report-show-slip132 = slip-132
report-show-descriptor = descriptor
report-show-cosigner-key = cosigner key
report-show-first-receive = first receive
report-show-first-change = first change
report-show-ethereum = ethereum
report-show-imported-key = (imported key)

## wallet show / import / list: a registered wallet, compared with its cosigners
report-wallet = wallet { $name }
report-wallet-policy = policy
report-wallet-first-receive = first receive
report-wallet-first-receive-value = { $address } (every cosigner's device must show this address)
report-wallet-cosigners = cosigners (compare each with its owner, out of band):
report-wallet-this-signer = <- this signer
report-wallet-none = no wallets
report-wallet-kind-signer = signer
report-wallet-kind-watch-only = watch-only
wallet-policy-threshold = { $needed }-of-{ $total } { $script }
wallet-policy-miniscript = miniscript policy over { $keys } keys, { $script }

## registry import / list / show / remove: the ERC-7730 descriptors the signer trusts
report-registry-descriptor = descriptor { $hash }
report-registry-owner = owner
report-registry-owner-none = (none stated)
report-registry-source = source
report-registry-kind = kind
report-registry-deployed = deployed
report-registry-deployed-chain = chain { $chain } { $address }
report-registry-deployed-every-token = every token of the signer's token table
report-registry-domain = domain
report-registry-describes = describes
report-registry-imported = imported { $count } descriptor(s) into { $path }
report-registry-none = no descriptors installed
report-registry-removed = removed { $summary }

## address: the address book, imported tokens, and where an address of ours lives
report-book-empty = the address book is empty
report-tokens-imported = imported { $count } tokens of { $list } into { $path }
report-token = chain { $chain } { $address } { $symbol } { $decimals } decimals  { $name }
report-token-replaces = REPLACES built-in { $symbol } ({ $decimals } decimals)
report-token-known = (already known)
report-token-looks-like = LOOKS LIKE { $name } { $real }
report-token-same-symbol = SAME SYMBOL as the built-in { $symbol } at { $address }
report-ours = ours: { $address } is { $wallet } { $branch } #{ $index } ({ $paths })
report-branch-receive = receive
report-branch-change = change

## log verify / attest: the audit log and what an attestation recorded
report-log-valid = audit log valid: { $entries } entries, head { $head }
report-log-recorded = recorded the { $part } ({ $path }): sha256 { $sha256 }
report-log-accepted-policy = accepted policy { $path } (sha256 { $sha256 })
report-log-unchanged = nothing changed since the last record

## device list / address / register
report-device-none = no Ledger or Trezor found on USB
report-device-app = app: { $app }
report-device-address-identical = (derived independently by coldsign: identical)
report-device-address-compare = (derived independently by coldsign: identical; compare it with the device screen)
report-device-registered = wallet { $wallet } registered on Ledger { $fingerprint }; HMAC stored with the wallet

## multisig create: the wallet in each format
report-multisig-descriptor = descriptor
report-multisig-bip388 = BIP388 wallet policy
report-multisig-coldcard = Coldcard multisig file
report-multisig-caravan = Caravan wallet

## online and Ethereum node commands: a watch-only wallet, a PSBT built, a transaction sent
report-online-wallet = watch-only wallet { $name } ({ $network })
report-online-first-receive = first receive address { $address }
report-online-replaces = replaces transaction { $txid } (only one of the two can confirm)
report-online-psbt-written = unsigned PSBT written to { $path }
report-online-compare-digest = compare the intent digest { $digest } on every signer
report-eth-intent-digest = intent digest { $digest }
report-eth-request-written = request written to { $path }
report-eth-transaction = transaction { $txid }
report-eth-mined = mined in block { $block }: { $outcome }, gas used { $gas }
report-eth-success = success
report-eth-reverted = REVERTED

## Notes on stderr while a command runs (suppressed by -q)
report-note-no-audit-log = no keystore here: this change is not recorded in an audit log
report-note-watch-only-written = watch-only export written to { $path }
report-note-v3-private-key = the file holds a private key, encrypted only by the password you chose for it
report-note-safe-tx-hash = safeTxHash { $hash } (the Safe contract agrees)
report-note-files-written = wrote { $count } files to { $path }
report-note-device-without-keystore = no keystore at { $path }: the device's own public keys prove ownership; no audit entry is written
report-note-qr-frames = wrote { $frames } frames: { $fragments } fragments and { $spare } spare fountain parts, so a lost frame is not fatal (--parts N for another count)
report-note-registered-in = registered in { $path }
report-note-confirm-on-ledger = confirm the wallet policy and every cosigner key on the Ledger screen
