/**
 * Counting waves in completion times, and the verdict on them: pure, so the
 * counting and the check can be tested on known times without a pool.
 */
import type { GateReport } from './messages.js';

/** Counts waves: sizes of each, in completion order. A seam: the fault test passes one that lies. */
export type WaveCounter = (times: readonly number[], gapMs: number) => number[];

/**
 * Group completion times into waves: sorted, a gap longer than gapMs between
 * two consecutive completions starts a new wave. Returns the size of each wave.
 */
export const countWaves: WaveCounter = (times, gapMs) => {
  const sorted = [...times].sort((a, b) => a - b);
  const waves: number[] = [];
  let prev = -Infinity;
  for (const t of sorted) {
    if (waves.length === 0 || t - prev > gapMs) waves.push(1);
    else waves[waves.length - 1] = (waves[waves.length - 1] as number) + 1;
    prev = t;
  }
  return waves;
};

/** The waves a pool of n threads makes of k calls that each hold a thread: ceil(k/n) of them, n calls each but the last. */
export function expectedWaves(k: number, n: number): number[] {
  const w = Math.ceil(k / n);
  return Array.from({ length: w }, (_, i) => (i < w - 1 ? n : k - n * (w - 1)));
}

/** Wave sizes as text that stays short (it goes on a check's line): 2+2+2+2, 42×3+2, or "43 waves". */
export function sizesText(sizes: readonly number[]): string {
  const plain = sizes.join('+');
  if (plain.length <= 15) return plain;
  const runs: [number, number][] = [];
  for (const s of sizes) {
    const last = runs[runs.length - 1];
    if (last && last[1] === s) last[0]++;
    else runs.push([1, s]);
  }
  const short = runs.map(([n, s]) => (n > 1 ? `${n}×${s}` : `${s}`)).join('+');
  return short.length <= 15 ? short : `${sizes.length} waves`;
}

/** One child's batch, with its waves counted. */
export interface GateRound extends GateReport {
  /** Wave sizes counted from the completion times. */
  waves: number[];
  /** Most calls the gate found holding a pool thread at one opening. */
  atOnce: number;
  /** When the last call completed, ms after all were queued. */
  doneMs: number;
}

/**
 * The gap that starts a wave, as a share of the hold. The gate waits for every
 * call of a wave to complete and then holds the next one back for a whole hold,
 * so consecutive waves are at least a hold apart; calls of one wave complete
 * as fast as their threads are scheduled after the opening. Seen here on a
 * loaded 2-core machine: a thread 21 ms late within a wave, which split it at
 * half a 30 ms hold.
 */
export const WAVE_GAP = 0.8;

/** Count one report's waves: a gap longer than WAVE_GAP x the hold starts a wave. */
export function gateRound(rep: GateReport, holdMs: number, count: WaveCounter = countWaves): GateRound {
  return {
    ...rep,
    waves: count(rep.completions, WAVE_GAP * holdMs),
    atOnce: Math.max(0, ...rep.released),
    doneMs: Math.max(...rep.completions),
  };
}

/**
 * The wave check of one pool size, exact: in every round the completion
 * times fall in the waves expectedWaves(k, n) gives, and the gate found
 * min(n, k) calls holding pool threads at once (seen by the gate itself, not
 * counted from the times: a counting bug cannot hide a wrong pool). The
 * detail is short: it is printed on the check's line.
 */
export function waveVerdict(n: number, k: number, rounds: readonly GateRound[]): { name: string; ok: boolean; detail: string } {
  const expected = expectedWaves(k, n);
  const name = `pool of ${n}: ceil(${k}/${n}) = ${expected.length} wave${expected.length === 1 ? '' : 's'}`;
  const want = expected.join('+');
  const peak = Math.min(n, k);
  const bad = rounds.findIndex((r) => r.poolSize !== n || r.waves.join('+') !== want || r.atOnce !== peak);
  if (rounds.length === 0) return { name, ok: false, detail: 'no round ran' };
  if (bad < 0) {
    const all = rounds.length === 1 ? '' : `, ${rounds.length} rounds`;
    return { name, ok: true, detail: `${sizesText(expected)}, ${peak} held at once${all}` };
  }
  const r = rounds[bad] as GateRound;
  const which = rounds.length === 1 ? '' : `round ${bad + 1}: `;
  if (r.poolSize !== n) return { name, ok: false, detail: `${which}the child's pool had ${r.poolSize} threads` };
  return { name, ok: false, detail: `${which}${sizesText(r.waves)}, ${r.atOnce} held at once` };
}
