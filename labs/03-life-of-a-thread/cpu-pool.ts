/**
 * Experiment, shown and not checked: the same pool with CPU-bound work. k
 * crypto.pbkdf2 calls queued at once, one child per pool size. A pool thread
 * that computes needs a core, so past the core count a bigger pool does not
 * finish sooner: its calls share the cores. This is why the waves are checked
 * on calls that hold a thread without using a core (pool.ts), and not here,
 * where on a small machine they blur into each other.
 */
import { pbkdf2Sync } from 'node:crypto';
import type { LabContext } from '../../src/core/lab.js';
import { WAIT_MS } from './lifecycle.js';
import type { CpuReport } from './messages.js';
import { cpuTable } from './tables.js';

const CPU_CHILD_URL = new URL('./cpu.child.js', import.meta.url);

export interface CpuPoolOptions {
  poolSizes: readonly number[];
  tasks: number;
  /** Target time of one call, ms (pbkdf2's iterations are calibrated to it). */
  callMs: number;
}

/** pbkdf2 iterations for one call to take about targetMs on this machine (timed on this thread). */
export function calibrateIterations(targetMs: number): number {
  const probe = 10_000; // ~5 ms a call: long enough for the clock, short enough to repeat
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    pbkdf2Sync('conc', 'lab-3', probe, 32, 'sha512');
    best = Math.min(best, performance.now() - t0);
  }
  return Math.max(1, Math.round((probe * targetMs) / Math.max(best, 1e-3)));
}

export async function cpuPool(ctx: LabContext<unknown>, o: CpuPoolOptions): Promise<void> {
  const iterations = calibrateIterations(o.callMs);
  const reports: CpuReport[] = [];
  for (const [i, n] of o.poolSizes.entries()) {
    ctx.progress(`libuv pool with pbkdf2: size ${n}`, i / o.poolSizes.length);
    const child = ctx.fork(CPU_CHILD_URL, [String(o.tasks), String(iterations)], {
      env: { ...process.env, UV_THREADPOOL_SIZE: String(n) },
    });
    const bound = WAIT_MS + 10 * o.tasks * o.callMs;
    const exit = ctx.waitForExit(child, bound, `pbkdf2 child (size ${n})`);
    exit.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
    const rep = await ctx.nextMessage<CpuReport>(child, bound, `pbkdf2 child (size ${n})`);
    await exit;
    reports.push(rep);
    const variant = { pool: n, tasks: o.tasks, callMs: o.callMs };
    ctx.metric({ name: 'pbkdf2 batch', unit: 'ms', better: 'lower', variant, samples: [Math.max(...rep.completions)] });
  }
  const cores = ctx.machine.effectiveCores;
  ctx.table(cpuTable(reports, o.tasks, iterations, o.callMs, cores));
}
