/**
 * Experiment: thread against process start-up (the book's forkVsCreate): the
 * time from asking for a worker or a child process until its first message
 * arrives (the moment it can do work), and until it has exited again.
 * Checks that the thread starts faster.
 */
import type { LabContext } from '../../src/core/lab.js';
import { median } from '../../src/measure/stats.js';
import { shortMs, WAIT_MS, WORKER_URL } from './lifecycle.js';
import type { LifecycleData } from './messages.js';
import { startupTable } from './tables.js';

const HELLO_CHILD_URL = new URL('./hello.child.js', import.meta.url);

export interface StartupSamples {
  /** Ask -> first message, ms. */
  start: number[];
  /** Ask -> exit seen, ms. */
  total: number[];
}

export interface StartupOptions {
  warmup: number;
  repeat: number;
  /** The worker started (mode 'normal', no work): the seam for the fault test. */
  worker?: URL;
}

export interface StartupResult {
  /** Median process start-up over median thread start-up. */
  ratio: number;
}

async function once(ctx: LabContext<unknown>, kind: 'thread' | 'process', worker: URL): Promise<[number, number]> {
  const t0 = performance.now();
  const data: LifecycleData = { mode: 'normal', workMs: 0 };
  const src = kind === 'thread' ? ctx.worker(worker, { workerData: data }) : ctx.fork(HELLO_CHILD_URL);
  const exit = ctx.waitForExit(src, WAIT_MS, `${kind} start-up probe's exit`);
  exit.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  await ctx.nextMessage(src, WAIT_MS, `${kind} start-up probe's hello`);
  const start = performance.now() - t0;
  await exit;
  return [start, performance.now() - t0];
}

export async function startup(ctx: LabContext<unknown>, o: StartupOptions): Promise<StartupResult> {
  const st = { thread: { start: [] as number[], total: [] as number[] }, process: { start: [] as number[], total: [] as number[] } };
  // Alternate thread and process so that a burst of load on the machine hits both alike.
  for (let i = 0; i < o.warmup + o.repeat; i++) {
    ctx.progress(`start-up: round ${i + 1} of ${o.warmup + o.repeat}`, (i + 1) / (o.warmup + o.repeat));
    for (const kind of ['thread', 'process'] as const) {
      const [start, total] = await once(ctx, kind, o.worker ?? WORKER_URL);
      if (i < o.warmup) continue;
      st[kind].start.push(start);
      st[kind].total.push(total);
    }
  }
  for (const kind of ['thread', 'process'] as const) {
    ctx.metric({ name: 'start-up', unit: 'ms', better: 'lower', variant: { kind }, samples: st[kind].start });
    ctx.metric({ name: 'start to exit', unit: 'ms', better: 'lower', variant: { kind }, samples: st[kind].total });
  }
  ctx.table(startupTable(st, o.repeat));
  const [thread, proc] = [median(st.thread.start), median(st.process.start)];
  const ratio = proc / thread;
  ctx.check('a thread starts faster than a process', ratio > 1, `medians ${shortMs(thread)} against ${shortMs(proc)}`);
  return { ratio };
}
