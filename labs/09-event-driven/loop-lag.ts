/**
 * Loop lag: block the loop for set times and see how late a timer, an I/O
 * callback and the delay monitor's own timer run. Just before each block a
 * setTimeout(0) and an fs.stat are started; the stat finishes on the
 * threadpool within a fraction of a millisecond, but its callback, like the
 * timer's, can only run when the loop turns again, after the block. The
 * blocking and the monitor are src/measure/loop-delay.ts, shared with lab 6.
 */
import { stat } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LabContext } from '../../src/core/lab.js';
import { blockedLoopDelay, blockLoop, LOOP_DELAY_RESOLUTION_MS } from '../../src/measure/loop-delay.js';
import { median } from '../../src/measure/stats.js';

export interface LoopLagOptions {
  /** Block lengths, ms. */
  blocks: readonly number[];
  repeats: number;
  /** What blocks the loop (default blockLoop): the seam a fault test replaces with one that yields. */
  block?: (ms: number) => unknown;
}

export interface LoopLagResult {
  /** Median delay of the timer for the longest block, ms. */
  timerMs: number;
  longestBlock: number;
}

const THIS_FILE = fileURLToPath(import.meta.url);
const CALLBACKS_MS = 5000;

interface Rep {
  timer: number;
  io: number;
  monitorMax: number;
}

export async function loopLag(ctx: LabContext<unknown>, o: LoopLagOptions): Promise<LoopLagResult> {
  const block = o.block ?? blockLoop;
  const per: { block: number; reps: Rep[] }[] = [];
  for (const [bi, b] of o.blocks.entries()) {
    ctx.progress(`loop lag, ${b} ms blocks`, bi / o.blocks.length);
    const reps: Rep[] = [];
    for (let r = 0; r < o.repeats; r++) {
      let t0 = 0;
      let callbacks: Promise<[number, number]> = Promise.resolve([0, 0]);
      const stats = await blockedLoopDelay(b, {
        sleep: ctx.sleep,
        // Arm a timer and an I/O request, then block: both are due at once, both must wait.
        block: (ms) => {
          t0 = performance.now();
          callbacks = Promise.all([
            new Promise<number>((resolve) => setTimeout(() => resolve(performance.now()), 0)),
            new Promise<number>((resolve) => stat(THIS_FILE, () => resolve(performance.now()))),
          ]);
          return block(ms);
        },
      });
      const [timerAt, ioAt] = await ctx.withTimeout(callbacks, CALLBACKS_MS, 'the timer and I/O callbacks after a block');
      reps.push({ timer: timerAt - t0, io: ioAt - t0, monitorMax: stats.max });
    }
    per.push({ block: b, reps });
    ctx.metric({ name: 'timer delay', unit: 'ms', better: 'lower', variant: { blockMs: b }, samples: reps.map((x) => x.timer) });
    ctx.metric({ name: 'I/O callback delay', unit: 'ms', better: 'lower', variant: { blockMs: b }, samples: reps.map((x) => x.io) });
  }

  ctx.table({
    title: 'Loop lag: how late callbacks run while the loop is blocked',
    columns: [
      { key: 'block', label: 'block', unit: 'ms' },
      { key: 'reps', label: 'repeats' },
      { key: 'timer', label: 'timer', unit: 'ms' },
      { key: 'io', label: 'I/O', unit: 'ms' },
      { key: 'max', label: 'monitor max', unit: 'ms' },
    ],
    rows: per.map((p) => ({
      block: p.block,
      reps: p.reps.length,
      timer: median(p.reps.map((x) => x.timer)),
      io: median(p.reps.map((x) => x.io)),
      max: median(p.reps.map((x) => x.monitorMax)),
    })),
    note:
      `medians. timer: a setTimeout(0), I/O: an fs.stat callback, each timed from when it was scheduled, just before the block. ` +
      `monitor max: the largest delay monitorEventLoopDelay (resolution ${LOOP_DELAY_RESOLUTION_MS} ms) saw around the block.`,
  });

  // Exact, not statistical: neither callback can run before the loop turns, so each waits the whole block.
  const short: string[] = [];
  for (const p of per) {
    for (const x of p.reps) {
      if (x.timer < p.block) short.push(`timer ${x.timer.toFixed(1)} ms for ${p.block}`);
      if (x.io < p.block) short.push(`I/O ${x.io.toFixed(1)} ms for ${p.block}`);
      if (x.monitorMax < 0.95 * p.block) short.push(`monitor ${x.monitorMax.toFixed(1)} ms for ${p.block}`);
    }
  }
  const longest = per.reduce((a, p) => (p.block > a.block ? p : a), per[0] ?? { block: 0, reps: [] });
  const name = 'timer and I/O wait out each block';
  if (longest.block <= 0) {
    ctx.skip(name, '--blocks has no block longer than 0 ms');
    return { timerMs: median(longest.reps.map((x) => x.timer)), longestBlock: 0 };
  }
  ctx.check(
    name,
    short.length === 0,
    short.length
      ? `${short.length} early: ${short.slice(0, 3).join(', ')}`
      : `${per.reduce((s, p) => s + p.reps.length, 0)} repeats, the least +${Math.min(...per.flatMap((p) => p.reps.map((x) => Math.min(x.timer, x.io) - p.block))).toFixed(1)} ms over`,
  );
  return { timerMs: median(longest.reps.map((x) => x.timer)), longestBlock: longest.block };
}
