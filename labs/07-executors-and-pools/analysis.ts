/**
 * Pure readings of what the executors report about each task (who ran it,
 * when it started and ended): unit-tested without workers.
 */
import type { TaskRun } from '../../src/executors/executor.js';

type Interval = Pick<TaskRun, 'start' | 'end'>;

/** The most tasks that were running at the same instant. */
export function peakConcurrency(runs: readonly Interval[]): number {
  const edges: [number, number][] = [];
  for (const r of runs) {
    if (!Number.isFinite(r.start) || !Number.isFinite(r.end)) continue;
    edges.push([r.start, 1], [r.end, -1]);
  }
  // Ends before starts at the same instant: back-to-back tasks on one worker do not overlap.
  edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let peak = 0;
  for (const [, d] of edges) peak = Math.max(peak, (now += d));
  return peak;
}

/** Time the workers spent running tasks over the time they were there for: sum of run times / (wall x workers), 0..1. */
export function utilization(runs: readonly Interval[], wallMs: number, workers: number): number {
  let busy = 0;
  for (const r of runs) if (Number.isFinite(r.start) && Number.isFinite(r.end)) busy += r.end - r.start;
  return wallMs > 0 && workers > 0 ? busy / (wallMs * workers) : NaN;
}

/** Mean time inside the task's function, ms. */
export function meanRunMs(runs: readonly Interval[]): number {
  const xs = runs.filter((r) => Number.isFinite(r.start) && Number.isFinite(r.end)).map((r) => r.end - r.start);
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/**
 * Results yielded out of the order they arrived: one yielded after another
 * that arrived (settled: when the executor learnt of it) later. Zero for an
 * iterator that hands over each result as it comes; an iterator that waits
 * for earlier inputs holds back results that arrived first.
 */
export function heldBack(yielded: readonly Pick<TaskRun, 'settled' | 'index'>[]): { count: number; worst: string } {
  let count = 0;
  let worstGap = 0;
  let worst = '';
  let latest = -Infinity;
  let latestIdx = -1;
  for (const r of yielded) {
    if (r.settled < latest) {
      count++;
      if (latest - r.settled > worstGap) {
        worstGap = latest - r.settled;
        worst = `task ${r.index} came ${worstGap.toFixed(0)} ms before task ${latestIdx}`;
      }
    }
    if (r.settled > latest) {
      latest = r.settled;
      latestIdx = r.index;
    }
  }
  return { count, worst };
}

/**
 * The smallest task size from which an executor beats doing the work in place
 * and keeps beating it at every larger size: sizes ascending, speedups alike.
 * null when it never does.
 */
export function breakEven(sizes: readonly number[], speedups: readonly number[]): number | null {
  let from: number | null = null;
  for (let i = sizes.length - 1; i >= 0; i--) {
    if ((speedups[i] ?? 0) > 1) from = sizes[i] as number;
    else break;
  }
  return from;
}

/** The frame of a stack that names the given file, with the directory cut off. */
export function frameNaming(stack: string | undefined, file: string): string | null {
  const line = (stack ?? '').split('\n').find((l) => l.includes(file));
  return line ? line.trim().replace(/\(?file:\/\/\S*\//, '(').replace(/^at /, '') : null;
}
