/**
 * The same pool with CPU-bound work: k crypto.pbkdf2 calls queued at once in a
 * child with its own UV_THREADPOOL_SIZE (argv: k, iterations). Shown beside the
 * waves, not checked: a pool thread computing needs a core, so with more pool
 * threads than cores the calls share the cores and the batch takes no less
 * time than on a pool as big as the cores.
 */
import { pbkdf2 } from 'node:crypto';
import { machineBusyMs, othersCores } from '../../src/measure/contention.js';
import type { CpuReport } from './messages.js';

const [tasksArg, iterationsArg] = process.argv.slice(2);
const tasks = Number(tasksArg);
const iterations = Number(iterationsArg);

const call = (n: number): Promise<void> =>
  new Promise((resolve, reject) => pbkdf2('conc', 'lab-3', n, 32, 'sha512', (e) => (e ? reject(e) : resolve())));
const ownCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// libuv starts its pool's threads at the first request: have them up before timing.
await call(1);
// One call alone, twice: the faster is a call with a core to itself.
let singleMs = Infinity;
for (let i = 0; i < 2; i++) {
  const s0 = performance.now();
  await call(iterations);
  singleMs = Math.min(singleMs, performance.now() - s0);
}

const busy0 = machineBusyMs();
const own0 = ownCpuMs();
const t0 = performance.now();
const completions = await Promise.all(Array.from({ length: tasks }, () => call(iterations).then(() => performance.now() - t0)));
const wallMs = performance.now() - t0;
const busy1 = machineBusyMs();

const r: CpuReport = {
  type: 'cpu-report',
  poolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
  singleMs,
  completions,
  othersCores: othersCores(busy0 === null || busy1 === null ? null : busy1 - busy0, ownCpuMs() - own0, wallMs),
};
process.send?.(r, () => process.disconnect());
