// Drives @ngraveio/bc-ur (the independent JavaScript UR implementation) for tests/ur_registry.rs.
// The package is found through NODE_PATH, which the Rust test sets to its node_modules.
//
//   node bc-ur.js encode TYPE CBOR_HEX MAX_FRAGMENT_LEN COUNT   prints COUNT parts, one a line
//   node bc-ur.js single TYPE CBOR_HEX                           prints the single-part UR
//   node bc-ur.js decode < parts                                 prints "TYPE CBOR_HEX" once the
//                                                                parts (one a line) complete it
'use strict';

const { UR, UREncoder, URDecoder } = require('@ngraveio/bc-ur');

function fail(message) {
  process.stderr.write(`bc-ur.js: ${message}\n`);
  process.exit(1);
}

const [command, ...args] = process.argv.slice(2);

if (command === 'encode') {
  const [type, hex, maxFragmentLength, count] = args;
  const encoder = new UREncoder(new UR(Buffer.from(hex, 'hex'), type), Number(maxFragmentLength));
  const parts = [];
  for (let i = 0; i < Number(count); i++) parts.push(encoder.nextPart());
  process.stdout.write(parts.join('\n') + '\n');
} else if (command === 'single') {
  const [type, hex] = args;
  process.stdout.write(UREncoder.encodeSinglePart(new UR(Buffer.from(hex, 'hex'), type)) + '\n');
} else if (command === 'decode') {
  const lines = require('fs').readFileSync(0, 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
  const decoder = new URDecoder();
  let used = 0;
  for (const line of lines) {
    if (decoder.isComplete()) break;
    decoder.receivePart(line);
    used++;
  }
  if (!decoder.isComplete()) fail(`incomplete after ${used} parts`);
  if (!decoder.isSuccess()) fail(`decoding failed: ${decoder.resultError()}`);
  const ur = decoder.resultUR();
  process.stdout.write(`${ur.type} ${ur.cbor.toString('hex')}\n`);
} else {
  fail(`unknown command ${command}`);
}
