## Errors and hints (src/error.rs and the errors it carries), shown on stderr. The English text
## is byte for byte the error's own text: `--json` errors carry it, in every language.

error-line = error: {$message}
hint-line = hint: {$hint}

## Files

error-file-read = cannot read {$path}: {$reason}
error-file-write = cannot write {$path}: {$reason}
error-file-create = cannot create {$path}: {$reason}
error-file-append = cannot append to {$path}: {$reason}
error-file-create-directory = cannot create directory {$path}: {$reason}
error-file-remove = cannot remove {$path}: {$reason}
error-exists = refusing to overwrite existing file {$path}
hint-exists = choose another path, or pass --force to replace it

## Declines, policy, refusals

error-declined-device = declined on the device; nothing was signed
error-declined-sign = declined; nothing was signed
error-declined-action = declined; nothing to { $action }
error-declined-imported = declined; nothing was imported
error-declined-registered = declined; nothing was registered
error-declined-backup-word = word #{ $number } does not match the backup; nothing was written
error-declined-airgap = refusing to sign: network interface { $interfaces } is up (--require-airgap)
error-declined-not-ours = { $address } is NOT ours: not in standard accounts 0..{ $accounts } nor in { $wallets } registered wallet(s), indexes 0..{ $gap } on receive and change
error-policy-denied = policy denies this request: {$rule}: {$detail}
hint-policy-denied = the policy file decides; change it through your approval process, not here
error-refused = refusing to sign: {$codes} not allowed
hint-refused-network = the request is for another network than this signer's: pass --network (or set network in config.toml), not --allow
hint-refused = read each warning above; accept one only by naming it with --allow CODE
error-internal = internal error: {$detail}

## Keystores

error-keystore-missing = no keystore at {$path}
hint-keystore-missing = create one with 'coldsign key new' or 'coldsign key restore', or pass --keystore PATH
error-keystore-malformed = {$path} is not a valid coldsign keystore: {$reason}
hint-keystore-malformed = restore the file from your backup, or restore the keys from the words
error-keystore-wrong-password = wrong password for keystore {$path} (or the file was altered)
hint-keystore-wrong-password = check --password-file or COLDSIGN_PASSWORD; nothing was changed
error-v3-malformed = not a valid keystore v3 file: {$reason}
error-v3-unsupported = unsupported keystore v3 file: {$reason}
error-v3-wrong-password = wrong password for the keystore v3 file
hint-v3-wrong-password = give the password the file was created with
error-v3-address-mismatch = keystore v3 address {$stated} does not match its key (which is {$actual})

## Mnemonics and extended keys

error-mnemonic-word-count = a mnemonic has 12, 15, 18, 21 or 24 words, not {$count}
error-mnemonic-unknown-word = word {$position} ({$word}) is not in the {$list} BIP39 word list
hint-mnemonic-did-you-mean = did you mean: {$words}?
error-mnemonic-checksum = the mnemonic checksum is wrong: a word is mistyped or out of order
hint-mnemonic-checksum = check each word against your backup, in order
error-mnemonic-entropy-length = entropy must be 16 to 32 bytes in steps of 4, not {$bits} bits
error-mnemonic-language = the words do not all come from one supported word list (english, japanese)
error-xkey-base58 = extended key is not valid base58check
error-xkey-length = extended key has {$bytes} bytes instead of 78
error-xkey-version = unknown or mismatched extended key version {$version}
error-xkey-master-fields = extended key has depth 0 but a non-zero parent fingerprint or child index
error-xkey-key-data = extended key contains an invalid {$kind} key

## Requests

error-request-empty = the input is empty
error-request-unrecognised = the input is not a PSBT (expected binary, base64 or hex)
error-request-bad-text = the input is not valid {$encoding}
error-request-psbt = invalid PSBT: {$reason}
error-request-not-a-request-input = the input is no request (expected a PSBT, UR or QR transfer, unsigned Ethereum transaction hex or typed-data JSON)
error-request-not-a-request-ur-bytes = the content of the ur:bytes transfer is no request (expected a PSBT, UR or QR transfer, unsigned Ethereum transaction hex or typed-data JSON)

## Hardware devices

error-device-locked = the {$device} is locked
hint-device-locked = unlock the device with its PIN and try again
error-device-wrong-app = the Ledger does not run the {$app} app (status {$status})
hint-device-wrong-app = open the {$app} app on the Ledger (app version 2.1 or later for Bitcoin)
error-device-not-found = no {$device} found
hint-device-not-found = plug the device in, unlock it, and check the udev rules (docs/devices.md)
error-device-unavailable = USB is not available here: {$reason}
hint-device-unavailable = a VM or container needs the USB device passed through (/dev/bus/usb, /dev/hidraw*); without a device, sign from a file or QR code
error-device-transport = device transport failed: {$reason}
hint-device-transport = reconnect the device; on Linux check the udev rules (docs/devices.md)
error-device-protocol = device error: {$reason}
hint-device-protocol = update the device firmware and app, then retry
error-device-refused = the {$app} app refused the request (status {$status})
hint-device-refused = the {$app} app shows a non-standard derivation path before it serves it: use a standard path (purpose 44', 49', 84' or 86' with the app's coin type), or one shown on the device (device address --show)
hint-device-refused-other = the {$app} app does not serve this request: check the derivation path and the app's settings, or update the app
hint-device-refused-blind-signing = the {$app} app signs what it cannot clear-sign itself (contract data without token metadata, typed data without Ledger's filters) only with blind signing enabled in its settings; compare its screen with the review above, or sign with the keystore
error-device-timeout = the {$device} did not answer within {$after}
hint-device-timeout = check that the device is connected and unlocked with the app open, answer its prompt in time, and try again
error-device-during = {$device}: {$step}: {$reason}
device-step-connect = connecting
device-step-check-app = checking the open app
device-step-fingerprint = reading the master fingerprint
device-step-xpub = reading the xpub at {$path}
device-step-address = getting the address at {$path}
device-step-wallet-address = getting address {$index} of wallet {$wallet}
device-step-register = registering wallet {$wallet}
device-step-sign-psbt = signing the PSBT
device-step-eth-address = reading the Ethereum address at {$path}
device-step-eth-sign = signing the Ethereum request

## Usage errors of files, passwords, policies, keys and devices

error-not-text = {$path} is not text
error-not-utf8 = {$path} is not UTF-8 text
error-is-directory = {$path} is a directory, not a file
error-password-empty = the password from {$origin} is empty
hint-password-empty = a keystore password must not be empty
error-new-password-no-terminal = cannot ask for the new password: stdin is not a terminal
hint-new-password-no-terminal = pass --new-password-file FILE
error-no-password = no password given and stdin is not a terminal
hint-no-password = pass --password-file FILE or set {$variable}
error-policy-not-text = policy {$path} is not text
error-policy-invalid = policy {$path}: {$reason}
error-single-key-path = this keystore holds a single key; --path does not apply
error-derivation-path = invalid derivation path {$path}: {$reason}
hint-derivation-path-eth = write it like m/44'/60'/0'/0/0
error-device-no-key = the PSBT names no key of this device (fingerprint {$fingerprint})
hint-device-no-key = check that the device holds the wallet's seed (and passphrase)
error-device-too-many-accounts = the PSBT names {$count} account paths of this device; at most {$max} are read
error-ledger-fixed-key = the Ledger Bitcoin app cannot register a policy with the fixed key {$key}
hint-ledger-fixed-key = BIP388 wallet policies take extended keys only
error-trezor-eip1559-only = the Trezor signs EIP-1559 transactions only here, not {$kind}
hint-trezor-eip1559-only = sign it with the keystore or a Ledger
error-audit-no-key-field = {$path} has no audit_key
error-audit-key-malformed = the export's audit_key is malformed
error-audit-key-not-x-only = {$key} is not an x-only public key
error-audit-no-key-line = {$path} has no audit key line
error-audit-two-keys = the watch-only export names two audit keys
error-no-usable-descriptor = {$path} holds no usable descriptor ({$skipped} file(s) skipped)
error-dice-word-count = dice entropy makes 12 or 24 words, not {$count}
error-dice-roll = roll {$position} is {$roll}: a six-sided die shows 1 to 6
hint-dice-roll = type each roll as the digit on the die, nothing else
error-dice-too-few = {$rolls} dice rolls give about {$bits} bits of entropy; {$words} words need at least {$needed} rolls
hint-dice-too-few = keep rolling: every roll adds about 2.585 bits

## Changes to what the signer trusts that need a person (src/configure.rs), and secrets
## asked at the terminal (src/keys/password.rs)
error-tokens-need-confirmation = importing tokens needs a confirmation and stdin is not a terminal
hint-tokens-need-confirmation = pass --yes (every token is still shown before it is stored)
error-wallet-needs-confirmation = registering a wallet needs a confirmation
hint-wallet-needs-confirmation = pass --yes for scripted setups
error-descriptors-need-confirmation = importing descriptors needs a confirmation and stdin is not a terminal
hint-descriptors-need-confirmation = pass --yes (every descriptor is still shown before it is stored)
error-no-matching-entry = { $question }: no matching entry after { $attempts } tries

## Failed verifications (exit 4): a signature, a hash, a device's answer or the audit log's
## record does not match what coldsign computed
error-safe-hash-differs = the Safe computes safeTxHash { $theirs }, coldsign { $ours }: not a Safe 1.3.0 or later
error-signature-file-invalid = { $path }: the signature does not verify
error-signature-not-owner = { $path }: signed by { $owner }, who is not an owner of the Safe
error-signature-invalid = the signature does not verify
error-signed-by-other = the transaction was signed by { $signer }, not the requested account
error-tx-reverted = transaction { $txid } reverted in block { $block }
error-part-changed = the { $part } ({ $path }) changed outside coldsign: sha256 { $sha256 }, last recorded { $recorded }; check it, then record it with 'coldsign log attest'
error-part-never-recorded = nothing
part-address-book = address book
part-tokens = imported tokens
part-wallets = registered wallets
part-descriptors = ERC-7730 descriptors
error-policy-never-accepted = policy { $path } (sha256 { $sha256 }) was never accepted on this signer; review it, then accept it with 'coldsign log attest --policy { $path }'
error-input-fails-verification = an input fails verification
error-nothing-written = { $failure }; nothing was written
error-message-signature-incomplete = the message signature is not complete or not valid: { $error }
error-input-not-finalized = input { $index } is not finalized
error-descriptor-changed = installed descriptor { $path } was changed after import
error-nothing-signed = { $failure }; nothing was signed
error-audit-head-missing = head { $head } is not in the log: it was rolled back or replaced
error-no-reason-given = no reason given
error-core-rejects = bitcoin core rejects the transaction: { $reason }
error-binary-not-in-sums = this binary ({ $path }, sha256 { $sha256 }) is not in the sums file: do not use it
error-signature-recovers-other = the signature recovers to { $signer }, not to the reviewed { $from }; nothing was written
error-signature-recovers-none = the signature recovers to no key; nothing was written
error-device-address = device address: { $error }
error-device-address-differs = the device shows { $device } but coldsign derives { $ours }: do not use this address
error-device-other-seed = the device's seed (fingerprint { $fingerprint }) is not this keystore's ({ $ours })

## Backends (exit 6): Bitcoin Core, an Electrum server, an Ethereum node
error-backend-block-disconnected = block { $height } does not connect: { $error }
error-backend-chain-disconnected = the server's chain does not connect: { $error }
error-backend-core-credentials = bitcoin core at { $url } rejected the rpc credentials
hint-backend-core-credentials = check --rpc-cookie, or --rpc-user and --rpc-password-file
error-backend-core = bitcoin core at { $url }: { $error }
error-backend-core-unreachable = cannot reach bitcoin core at { $url }: { $error }
error-backend-electrum = electrum server at { $url }: { $error }
hint-backend = check --backend, the credentials, and that the server is running
error-eth-node = { $error }
hint-eth-node = check --rpc, that the node is running, and the network
hint-arguments = run with --help to see the accepted arguments

## The signing ceremony's refusals (src/ceremony.rs, src/signing.rs, src/btc/psbt_tools.rs)
error-daily-limit-needs-audit-log = the policy's max_per_24h needs the audit log, which only a keystore can sign
hint-daily-limit-needs-audit-log = sign with a keystore holding the device's seed, or use a policy without max_per_24h
hint-signer-refuses = sign it with the keystore or another device
error-nothing-signed-by-signer = nothing was signed ({ $detail })
hint-nothing-signed-by-signer = check that this keystore or device (and its registered wallets) owns the inputs
error-approvals-without-policy = approvals were given but no policy names the approvers
hint-approvals-without-policy = pass --policy FILE with an [approvals] section
error-signing-needs-confirmation = signing needs a confirmation and stdin is not a terminal
hint-signing-needs-confirmation = pass --yes (and --allow CODE for each high or deny warning you accept)
error-ethereum-key-cannot-sign-bitcoin = this keystore holds a single Ethereum key and cannot sign Bitcoin
hint-ethereum-key-cannot-sign-bitcoin = use a keystore created from a mnemonic
error-cannot-extract-not-final = cannot extract: input { $index } is not final ({ $why })
error-cannot-broadcast-not-final = cannot broadcast: input { $index } is not final ({ $why })
hint-collect-signatures = collect the missing signatures first

## Bitcoin message signing and verification (src/btc/message/, src/cli/message.rs)
error-msg-no-bitcoin-keys = this keystore holds no Bitcoin keys (an imported Ethereum key)
error-msg-psbt-no-message = the PSBT has no BIP-322 message (global field 0x09)
error-msg-psbt-no-witness-utxo = the PSBT's first input has no witness UTXO (the address's script)
error-msg-path-derives-other = the request's path derives { $derived }, not its address { $address }
error-msg-address-not-ours = { $address } is not ours: not in the standard accounts 0..{ $accounts } nor the registered wallets, indexes 0..{ $gap }
hint-msg-address-not-ours = check the address; widen the search with --accounts / --gap, or register its wallet
error-msg-path-not-standard = path { $path } is not a standard single-sig address path
hint-msg-path-not-standard = use m/84'/0'/0'/0/5 style paths (purpose 44, 49, 84 or 86), or name the address
error-msg-legacy-single-key = legacy signatures exist only for single-key addresses
error-msg-legacy-script = legacy signatures are for p2pkh and p2wpkh addresses, not { $script }
hint-msg-legacy-script = use the default BIP-322 format
error-msg-no-key-of-ours = none of this wallet's keys at this address is ours
error-msg-no-policy-rules = the policy file has no rules for message signing yet
hint-msg-no-policy-rules = sign messages without --policy or --approval
error-msg-no-message = give the message with one of --message, --message-file, --message-hex
hint-msg-no-message = the signature proves nothing without the exact message
error-msg-signature-not-text = the signature file is not text
error-msg-no-signature = no signature given

## Signing with a hardware wallet (src/signer/device/)
error-device-request-other-account = the request is for { $stated }, the { $device }'s address at { $path } is { $address }
hint-device-request-other-account = pass --path with that account's derivation path
error-ledger-needs-one-wallet = multisig signing on a Ledger needs exactly one wallet registered on it
hint-ledger-needs-one-wallet = run 'coldsign device register --wallet NAME'
error-device-no-input-key = no input carries a key of this device
hint-device-no-input-key = check the PSBT's BIP32 derivations
error-device-path-not-standard = { $path } is not a standard single-sig path
hint-device-path-not-standard = register the wallet and sign with it
error-wallet-not-on-ledger = wallet { $wallet } is not registered on Ledger { $fingerprint }
hint-wallet-not-on-ledger = run 'coldsign device register --wallet { $wallet }' first
error-ledger-hmac-damaged = wallet { $wallet }: damaged ledger HMAC

## What a signer cannot sign (src/signer/capabilities.rs)
refusal-signer-cannot = the { $signer } cannot sign { $what } here
refusal-bitcoin-transactions = Bitcoin transactions
refusal-taproot-inputs = taproot inputs
refusal-multisig-inputs = multisig inputs
refusal-ethereum-requests = Ethereum requests
refusal-eip1559-transactions = EIP-1559 transactions
refusal-access-list-transactions = transactions with an access list
refusal-kind-transactions = { $kind } transactions
refusal-personal-messages = personal messages
refusal-typed-data = typed data

## The address book (src/addressbook.rs)
error-book-not-bitcoin-address = { $address } is not a Bitcoin address: { $why }
error-book-other-network = { $address } is not a { $network } address
hint-book-other-network = pass --network to match the address
error-book-label-used = the label { $label } is already used
hint-book-label-used = remove it first
error-book-address-listed = { $address } is already in the book as { $label }
error-book-no-label = no entry labelled { $label }
hint-book-no-label = see 'coldsign address list'

## Multisig cosigner keys and wallets (src/btc/multisig.rs)
error-cosigner-invalid-key-file = invalid key file: { $why }
error-cosigner-no-origin = a cosigner key needs its origin: [fingerprint/path]xpub
hint-cosigner-no-origin = a bare xpub does not say whose master key it comes from
error-cosigner-key-no-origin = key { $key } has no origin
error-cosigner-bad-fingerprint = bad fingerprint { $fingerprint }
error-cosigner-bad-origin-path = bad key origin path { $path }: { $why }
error-cosigner-export-no-bip48 = the watch-only export has no BIP48 multisig key
error-cosigner-coldcard-no-key = the Coldcard export has no { $name } key
error-cosigner-unrecognised-file = unrecognised key file (expected a coldsign, Coldcard or Keystone export)
error-multisig-impossible = a { $threshold }-of-{ $keys } wallet is not possible
hint-multisig-impossible = use 2 to 20 keys and a threshold between 1 and the number of keys
error-multisig-key-twice = key { $key } appears twice
error-multisig-key-network = key { $key } is not for { $network }

## Registered wallets (src/btc/wallets.rs)
error-wallet-other-xpub = wallet { $wallet } lists fingerprint { $fingerprint } with an xpub this keystore does not derive
hint-wallet-other-xpub = the wallet file may be tampered with, or the keystore has another BIP39 passphrase
error-wallet-not-ours = wallet { $wallet } does not contain this signer's key (fingerprint { $fingerprint })
hint-wallet-not-ours = import the wallet on a signer whose key it contains
error-wallet-unknown = no wallet named { $wallet } is registered
hint-wallet-list = see 'coldsign wallet list'
hint-wallet-import-first = import it first with 'coldsign wallet import'
error-wallet-invalid-name = invalid wallet name { $name }
hint-wallet-invalid-name = use letters, digits, '-', '_' and '.' (at most 64)
error-wallet-key-form = key { $key } is not of the form [fingerprint/path]xpub/<0;1>/*
hint-wallet-key-form = every key needs its origin and receive/change paths, e.g. [73c5da0a/48'/0'/0'/2']xpub…/<0;1>/*

## the Trezor's view of a PSBT (src/hw/trezor_tx.rs)
error-trezor-input-not-ours = input { $index } holds no key of this Trezor (by its master fingerprint)
hint-trezor-input-not-ours = sign the other keys' inputs elsewhere, or check that the PSBT's key origins name this device
error-trezor-input-kind = input { $index } is of a kind the Trezor does not sign here
hint-trezor-input-kind = the Trezor signs p2pkh, p2sh-p2wpkh, p2wpkh, taproot key-path and multisig (p2sh, p2sh-p2wsh, p2wsh) inputs
error-trezor-input-no-utxo = input { $index } does not say what it spends
error-trezor-input-no-previous-tx = input { $index } lacks its previous transaction, which the Trezor checks
hint-trezor-input-no-previous-tx = add the previous transactions to the PSBT (non_witness_utxo), e.g. with bitcoind's utxoupdatepsbt
error-trezor-cosigners-unknown = input { $index } is a multisig whose cosigners' account xpubs coldsign does not know
hint-trezor-cosigners-unknown = import the wallet first with 'coldsign wallet import', or add the global xpubs to the PSBT
error-trezor-output-no-address = output { $index } pays a script the Trezor cannot show as an address
hint-trezor-output-no-address = the Trezor pays addresses and OP_RETURN only; sign it with the keystore or a Ledger
error-trezor-wallet-not-multisig = the Trezor shows the addresses of multisig wallets (p2sh, p2sh-p2wsh, p2wsh) only, and { $wallet } is none
hint-trezor-wallet-not-multisig = use --path for single-signature addresses; other wallets are shown on a Ledger
