#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.js in turn (each prints its own
// ratios against a baseline measured in the same run). Benchmarks are not
// tests: they report, they do not fail on a slow machine.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.js'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const f of files) {
  process.stdout.write(`\n# ${f}\n`);
  const r = spawnSync(process.execPath, [path.join(dir, f)], { stdio: 'inherit', timeout: 300_000 });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`(${f} did not finish: ${r.error?.message ?? `exit ${r.status ?? r.signal}`})\n`);
  }
}
process.exitCode = failed ? 1 : 0;
