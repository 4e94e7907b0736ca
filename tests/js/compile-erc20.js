// Compiles tests/solidity/TestToken.sol (OpenZeppelin ERC20) with solc-js and writes its
// creation bytecode as hex to OUT/TestToken.bin. Usage: node compile-erc20.js NPM_DIR OUT_DIR
const fs = require("fs");
const path = require("path");
const [npmDir, outDir] = process.argv.slice(2);
const solc = require(path.join(npmDir, "node_modules", "solc"));
const source = fs.readFileSync(path.join(__dirname, "..", "solidity", "TestToken.sol"), "utf8");
const input = {
  language: "Solidity",
  sources: { "TestToken.sol": { content: source } },
  settings: { optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["evm.bytecode.object"] } } },
};
function findImports(p) {
  try {
    return { contents: fs.readFileSync(path.join(npmDir, "node_modules", p), "utf8") };
  } catch (e) {
    return { error: "not found: " + p };
  }
}
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === "error");
if (errors.length) {
  console.error(errors.map((e) => e.formattedMessage).join("\n"));
  process.exit(1);
}
fs.mkdirSync(outDir, { recursive: true });
const bin = output.contracts["TestToken.sol"].TestToken.evm.bytecode.object;
fs.writeFileSync(path.join(outDir, "TestToken.bin.tmp"), bin);
fs.renameSync(path.join(outDir, "TestToken.bin.tmp"), path.join(outDir, "TestToken.bin"));
console.log("compiled TestToken (" + bin.length / 2 + " bytes)");
