/**
 * A child process with its own libuv thread pool (UV_THREADPOOL_SIZE is read
 * once, when the pool starts, so each pool size needs its own process). It
 * queues k pbkdf2 calls at once and reports when each one completed
 * (argv: tasks, iterations), and how much CPU other processes used meanwhile.
 */
import { pbkdf2 } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { PoolReport } from './messages.js';

const [tasksArg, iterationsArg] = process.argv.slice(2);
const tasks = Number(tasksArg);
const iterations = Number(iterationsArg);

const call = (n: number): Promise<void> =>
  new Promise((resolve, reject) => pbkdf2('conc', 'lab-3', n, 32, 'sha512', (e) => (e ? reject(e) : resolve())));

/**
 * CPU time all CPUs spent busy (user, nice, system, irq, softirq, steal), ms,
 * from the first line of /proc/stat; null where there is none. Its unit is
 * USER_HZ, which Linux fixes at 100 per second for user space.
 */
function machineBusyMs(): number | null {
  try {
    const f = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
    return ((user + nice + system + irq + softirq + steal) * 1000) / 100;
  } catch {
    return null;
  }
}

const ownCpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

// libuv creates all its pool threads at the first request: start them now, so
// that thread creation is not in the timings.
await call(1);
// One call alone, twice; the faster is the cost of a call with a core to itself
// (a slower one was slowed by something else on the machine).
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
const busy1 = machineBusyMs();
const ownBatchMs = ownCpuMs() - own0;
// Busy time of the whole machine, less this process's own: what everything else took meanwhile.
const othersCpuMs = busy0 === null || busy1 === null ? null : Math.max(0, busy1 - busy0 - ownBatchMs);

const r: PoolReport = {
  type: 'pool-report',
  poolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
  singleMs,
  completions,
  othersCpuMs,
  ownCpuMs: ownBatchMs,
  cpus: os.cpus().length,
};
process.send?.(r, () => process.disconnect());
