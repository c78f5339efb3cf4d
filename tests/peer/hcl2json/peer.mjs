// Converts .tf files to JSON with HashiCorp's HCL parser, through the npm package
// @cdktf/hcl2json (Go compiled to WebAssembly; installed at test time, used only as a program).
//
//   node peer.mjs NODE_MODULES_DIR FILE.tf...
//
// Prints one JSON line per file: {"file": PATH, "ok": true, "json": {...}} or
// {"file": PATH, "ok": false, "error": "..."}.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [modulesDir, ...files] = process.argv.slice(2);
const require = createRequire(join(modulesDir, 'noop.js'));
const { parse } = require('@cdktf/hcl2json');

for (const file of files) {
  let line;
  try {
    const json = await parse(file, readFileSync(file, 'utf8'));
    line = { file, ok: true, json };
  } catch (e) {
    line = { file, ok: false, error: String(e && e.message ? e.message : e).slice(0, 500) };
  }
  process.stdout.write(JSON.stringify(line) + '\n');
}
// The WebAssembly runtime keeps the event loop alive.
process.exit(0);
