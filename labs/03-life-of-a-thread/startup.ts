/**
 * Thread against process start-up (the book's forkVsCreate): the time from
 * asking for a worker or a child process until its first message arrives
 * (the moment it can do work), and until it has exited again.
 */
import type { LabContext } from '../../src/core/lab.js';
import { WORKER_URL } from './lifecycle.js';
import type { LifecycleData } from './messages.js';

const HELLO_CHILD_URL = new URL('./hello.child.js', import.meta.url);

export interface StartupSamples {
  /** Ask -> first message, ms. */
  start: number[];
  /** Ask -> exit seen, ms. */
  total: number[];
}

async function once(ctx: LabContext<unknown>, kind: 'thread' | 'process', timeoutMs: number): Promise<[number, number]> {
  const t0 = performance.now();
  const data: LifecycleData = { mode: 'normal', workMs: 0 };
  const src = kind === 'thread' ? ctx.worker(WORKER_URL, { workerData: data }) : ctx.fork(HELLO_CHILD_URL);
  const exit = ctx.waitForExit(src, timeoutMs, `${kind} start-up probe's exit`);
  exit.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  await ctx.nextMessage(src, timeoutMs, `${kind} start-up probe's hello`);
  const start = performance.now() - t0;
  await exit;
  return [start, performance.now() - t0];
}

/** Alternate thread and process so that a burst of load on the machine hits both alike. */
export async function startupSamples(
  ctx: LabContext<unknown>,
  warmup: number,
  repeat: number,
  timeoutMs: number,
): Promise<Record<'thread' | 'process', StartupSamples>> {
  const out = { thread: { start: [] as number[], total: [] as number[] }, process: { start: [] as number[], total: [] as number[] } };
  for (let i = 0; i < warmup + repeat; i++) {
    ctx.progress(`start-up: round ${i + 1} of ${warmup + repeat}`, (i + 1) / (warmup + repeat));
    for (const kind of ['thread', 'process'] as const) {
      const [start, total] = await once(ctx, kind, timeoutMs);
      if (i < warmup) continue;
      out[kind].start.push(start);
      out[kind].total.push(total);
    }
  }
  return out;
}
