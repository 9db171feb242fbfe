/**
 * Event-loop delay, the mechanics shared by the labs that show it (lab 6:
 * the delay histogram; lab 9: how late timers and I/O callbacks run).
 *
 * perf_hooks.monitorEventLoopDelay arms a timer every `resolution` ms and
 * records how late each one fired, so an idle loop reads about the
 * resolution and a loop blocked for b ms reads about b plus the resolution
 * in its max. `blockLoop` is the blocking: a synchronous busy loop with no
 * await, so the loop cannot turn until it returns.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The monitor's timer interval used by default, ms. */
export const LOOP_DELAY_RESOLUTION_MS = 1;

/** The histogram reports nanoseconds; everything here is in ms. */
export const nsToMs = (v: number): number => v / 1e6;

/** Keep this thread busy for ms: no await, so the event loop cannot turn. */
export function blockLoop(ms: number): void {
  const t0 = performance.now();
  while (performance.now() - t0 < ms);
}

/** What a monitor saw between start and stop, in ms. */
export interface LoopDelayStats {
  /** How many times the monitor's timer fired. */
  count: number;
  min: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoopDelayMonitor {
  /** Disable the monitor and return what it recorded (safe to call twice). */
  stop(): LoopDelayStats;
}

/** Start a monitorEventLoopDelay on this thread's loop. */
export function startLoopDelayMonitor(resolution = LOOP_DELAY_RESOLUTION_MS): LoopDelayMonitor {
  const h = monitorEventLoopDelay({ resolution });
  h.enable();
  let stats: LoopDelayStats | undefined;
  return {
    stop() {
      if (stats) return stats;
      h.disable();
      const none = h.count === 0;
      stats = {
        count: h.count,
        min: none ? 0 : nsToMs(h.min),
        p50: none ? 0 : nsToMs(h.percentile(50)),
        p99: none ? 0 : nsToMs(h.percentile(99)),
        max: none ? 0 : nsToMs(h.max),
        mean: none ? 0 : nsToMs(h.mean),
      };
      return stats;
    },
  };
}

export interface BlockedDelayOptions {
  /** An abortable pause (ctx.sleep): the idle time around the block. */
  sleep: (ms: number) => Promise<void>;
  /** Idle time before and after the block, so the monitor ticks on an idle loop around it (default 20). */
  gapMs?: number;
  resolution?: number;
  /** What blocks the loop (default blockLoop): the seam a fault test replaces. */
  block?: (ms: number) => unknown;
}

/**
 * One repeat: a fresh monitor, an idle gap, a block of blockMs, another idle
 * gap; returns what the monitor saw (its max is the block plus about one tick).
 */
export async function blockedLoopDelay(blockMs: number, o: BlockedDelayOptions): Promise<LoopDelayStats> {
  const gap = o.gapMs ?? 20;
  const block = o.block ?? blockLoop;
  const m = startLoopDelayMonitor(o.resolution ?? LOOP_DELAY_RESOLUTION_MS);
  try {
    await o.sleep(gap);
    await block(blockMs);
    await o.sleep(gap);
  } finally {
    m.stop();
  }
  return m.stop();
}
