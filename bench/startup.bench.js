// Start-up cost of the CLI: wall time of `conc list` and `conc --version`
// against `node -e 0` (the floor: starting Node itself), medians of several
// runs interleaved in the same run so that machine noise hits both alike.
// Target: conc list <= 1.5x node -e 0.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin/conc.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const env = { ...process.env, NO_COLOR: '1' };

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const cases = { 'node -e 0': ['-e', '0'], 'conc --version': [bin, '--version'], 'conc list': [bin, 'list'] };
const samples = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (const args of Object.values(cases)) time(args); // warm the file cache
for (let i = 0; i < RUNS; i++) for (const [k, args] of Object.entries(cases)) samples[k].push(time(args));

const base = median(samples['node -e 0']);
console.log(`startup, median of ${RUNS} interleaved runs`);
for (const [k, xs] of Object.entries(samples)) {
  const m = median(xs);
  const ratio = m / base;
  const target = k === 'conc list' ? `  (target <= 1.5x: ${ratio <= 1.5 ? 'met' : 'NOT met'})` : '';
  console.log(`  ${k.padEnd(16)} ${m.toFixed(1).padStart(7)} ms  ${ratio.toFixed(2)}x node -e 0${target}`);
}
