/**
 * Event-loop delay: perf_hooks.monitorEventLoopDelay watches this thread's
 * loop while it is blocked by synchronous busy loops of set lengths. The
 * monitor's timer is due every RESOLUTION ms and records the interval it
 * actually got, so an idle loop reads about 1 ms and a blocked one about the
 * block plus 1 ms.
 */
import type { LabContext } from '../../src/core/lab.js';
import { blockedLoopDelay, LOOP_DELAY_RESOLUTION_MS as RESOLUTION, startLoopDelayMonitor } from '../../src/measure/loop-delay.js';
import { linearFit, median } from '../../src/measure/stats.js';
import { fmtNum } from '../../src/render/format.js';

/** Idle time before and after each block, so the monitor ticks on an idle loop around it. */
const GAP_MS = 20;

export interface EventLoopOptions {
  /** Block lengths, ms. */
  blocks: readonly number[];
  repeats: number;
  /** What blocks the loop (blockLoop unless given); a fault test gives one that does not block as long as asked. */
  block?: (ms: number) => void;
}

export async function eventLoopDelay(ctx: LabContext<unknown>, o: EventLoopOptions): Promise<void> {
  const { blocks, repeats } = o;
  const rows = [];
  const perBlock: { block: number; maxes: number[] }[] = [];
  for (const [bi, b] of blocks.entries()) {
    ctx.progress(`event-loop delay, ${b} ms blocks`, bi / blocks.length);
    // Two monitors: one over all repeats (for p50/p99 over enough ticks),
    // one per repeat (its max is one sample of the metric).
    const monitor = startLoopDelayMonitor(RESOLUTION);
    const maxes: number[] = [];
    try {
      for (let r = 0; r < repeats; r++) {
        const one = await blockedLoopDelay(b, { sleep: ctx.sleep, gapMs: GAP_MS, resolution: RESOLUTION, ...(o.block ? { block: o.block } : {}) });
        maxes.push(one.max);
      }
    } finally {
      monitor.stop();
    }
    const all = monitor.stop();
    perBlock.push({ block: b, maxes });
    ctx.metric({ name: 'event-loop max delay', unit: 'ms', better: 'lower', variant: { blockMs: b }, samples: maxes });
    rows.push({
      block: b,
      reps: repeats,
      ticks: all.count,
      p50: all.p50,
      p99: all.p99,
      max: all.max,
      over: median(maxes) - b,
    });
  }
  ctx.table({
    title: `Event-loop delay while the loop is blocked (monitorEventLoopDelay, resolution ${RESOLUTION} ms)`,
    columns: [
      { key: 'block', label: 'block', unit: 'ms' },
      { key: 'reps', label: 'repeats' },
      { key: 'ticks', label: 'ticks' },
      { key: 'p50', label: 'p50', unit: 'ms' },
      { key: 'p99', label: 'p99', unit: 'ms' },
      { key: 'max', label: 'max', unit: 'ms' },
      { key: 'over', label: 'median max - block', unit: 'ms' },
    ],
    rows,
    note: `each repeat: ${GAP_MS} ms idle, one block, ${GAP_MS} ms idle. The p50 stays at the timer's interval: most ticks see an idle loop; one block shows up only in the tail.`,
  });

  const short = perBlock.flatMap((p) => p.maxes.filter((m) => m < 0.8 * p.block).map((m) => `${p.block} ms block: max ${fmtNum(m)} ms`));
  ctx.check(
    'max delay ≥ 0.8 × block, every repeat',
    short.length === 0,
    short[0] ?? `least: ${perBlock.map((p) => fmtNum(Math.min(...p.maxes))).join(', ')} ms`,
  );
  const xs = perBlock.map((p) => p.block);
  const GROWS = 'max delay grows with block length';
  if (Math.max(...xs) - Math.min(...xs) < 10) {
    ctx.skip(GROWS, 'blocks span < 10 ms: no slope');
  } else {
    // The least max of each block length: a busy machine only adds delay (a
    // thread descheduled during an idle gap reads as a late tick), so the
    // least of the repeats is the block's own. Only a lower bound on the
    // slope: on an idle machine it is about 1, but a thread that has just
    // burnt its time slice is often made to wait for the next one, so longer
    // blocks also collect longer waits.
    const fit = linearFit(xs, perBlock.map((p) => Math.min(...p.maxes)));
    ctx.check(GROWS, fit.slope >= 0.8, `slope ${fit.slope.toFixed(3)} ms/ms (≥ 0.8), r² ${fit.r2.toFixed(3)}`);
  }
}
