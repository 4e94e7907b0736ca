// Drives bip322-js and bitcoinjs-message (independent JavaScript implementations of BIP-322
// and of legacy signed messages) for tests/btc_message_peers.rs. The packages are found
// through NODE_PATH, which the Rust test sets to their node_modules.
//
//   node bip322.js sign WIF ADDRESS MESSAGE            bip322-js: BIP-322 (legacy for p2pkh)
//   node bip322.js verify ADDRESS MESSAGE SIGNATURE    bip322-js: prints true or false
//   node bip322.js legacy-sign WIF MESSAGE [p2wpkh|p2sh(p2wpkh)]
//                                                      bitcoinjs-message: header 31-34, or the
//                                                      BIP-137 segwit headers
//   node bip322.js legacy-verify ADDRESS MESSAGE SIGNATURE
//                                                      bitcoinjs-message, any script type of the key
'use strict';

const { Signer, Verifier } = require('bip322-js');
const bitcoinMessage = require('bitcoinjs-message');
const { ECPairFactory } = require('ecpair');
const ecc = require('@bitcoinerlab/secp256k1');
const bitcoin = require('bitcoinjs-lib');

const [command, ...args] = process.argv.slice(2);
const networks = [bitcoin.networks.bitcoin, bitcoin.networks.testnet, bitcoin.networks.regtest];

if (command === 'sign') {
  const [wif, address, message] = args;
  process.stdout.write(Signer.sign(wif, address, message) + '\n');
} else if (command === 'verify') {
  const [address, message, signature] = args;
  process.stdout.write(String(Verifier.verifySignature(address, message, signature)) + '\n');
} else if (command === 'legacy-sign') {
  const [wif, message, segwitType] = args;
  const pair = ECPairFactory(ecc).fromWIF(wif, networks);
  const options = segwitType ? { segwitType } : undefined;
  const signature = bitcoinMessage.sign(message, Buffer.from(pair.privateKey), pair.compressed, options);
  process.stdout.write(signature.toString('base64') + '\n');
} else if (command === 'legacy-verify') {
  const [address, message, signature] = args;
  process.stdout.write(String(bitcoinMessage.verify(message, address, signature, null, true)) + '\n');
} else {
  process.stderr.write(`bip322.js: unknown command ${command}\n`);
  process.exit(1);
}
