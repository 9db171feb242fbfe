/**
 * Lab 3's pure pieces, on known data: counting waves in completion times (a
 * counter forced to ceil(k/n) fails here), the wave verdict fed wrong rounds,
 * the lifecycle order, and the width of the check lines the lab prints.
 */
import { describe, expect, it } from 'vitest';
import { frameLocation, orderProblem, type Lifecycle } from '../../labs/03-life-of-a-thread/lifecycle.js';
import type { GateReport } from '../../labs/03-life-of-a-thread/messages.js';
import {
  countWaves,
  expectedWaves,
  gateRound,
  sizesText,
  waveVerdict,
  WAVE_GAP,
  type GateRound,
  type WaveCounter,
} from '../../labs/03-life-of-a-thread/waves.js';

const HOLD = 30;

/**
 * Completion times of k calls on a pool of n threads behind a gate that opens
 * every `hold` ms: wave j completes at (j + 1) x hold, each call a little late
 * (jitter below a quarter of the hold, as a loaded machine gives).
 */
function poolTimes(k: number, n: number, hold = HOLD, jitter = (i: number) => ((i * 7) % 5) * 1.3): number[] {
  return Array.from({ length: k }, (_, i) => (Math.floor(i / n) + 1) * hold + jitter(i));
}

const report = (completions: number[], released: number[], poolSize: number): GateReport => ({
  type: 'gate-report',
  poolSize,
  completions,
  released,
  unsettled: 0,
  othersCores: 0.1,
});

/** A round of k calls on a real pool of `threads`, as the child would report it for a pool asked to be n. */
function round(k: number, n: number, threads = n, count: WaveCounter = countWaves): GateRound {
  return gateRound(report(poolTimes(k, threads), expectedWaves(k, threads), n), HOLD, count);
}

describe('counting waves in completion times', () => {
  it('starts a wave at each gap longer than the threshold, in any input order', () => {
    expect(countWaves([50, 101, 149, 202], 25)).toEqual([1, 1, 1, 1]);
    expect(countWaves([100, 104, 205, 203], 25)).toEqual([2, 2]);
    expect(countWaves([400, 401, 399, 402, 398], 25)).toEqual([5]);
    expect(countWaves([10, 35, 60], 25)).toEqual([3]); // a gap of exactly the threshold does not split
    expect(countWaves([], 25)).toEqual([]);
  });

  it('finds ceil(k/n) waves of n in the times of a pool of n, for every n and k', () => {
    for (const k of [1, 5, 8, 13, 64])
      for (let n = 1; n <= 16; n++) expect(countWaves(poolTimes(k, n), WAVE_GAP * HOLD), `k ${k}, n ${n}`).toEqual(expectedWaves(k, n));
  });

  it('finds k waves in a pool that runs one call at a time, not ceil(k/n): a counter forced to ceil(k/n) fails here', () => {
    const serial = poolTimes(8, 1);
    expect(countWaves(serial, WAVE_GAP * HOLD)).toHaveLength(8);
    const forced: WaveCounter = () => expectedWaves(8, 2);
    expect(forced(serial, WAVE_GAP * HOLD)).not.toEqual(countWaves(serial, WAVE_GAP * HOLD));
  });
});

describe('the waves a pool should give', () => {
  it('is ceil(k/n) waves of n calls, the last one what is left', () => {
    expect(expectedWaves(8, 2)).toEqual([2, 2, 2, 2]);
    expect(expectedWaves(8, 3)).toEqual([3, 3, 2]);
    expect(expectedWaves(8, 16)).toEqual([8]);
    expect(expectedWaves(1, 1)).toEqual([1]);
    expect(expectedWaves(128, 3)).toHaveLength(43);
  });

  it('is written short: in full, run-length, or as a count', () => {
    expect(sizesText([2, 2, 2, 2])).toBe('2+2+2+2');
    expect(sizesText(expectedWaves(128, 3))).toBe('42×3+2');
    expect(sizesText(Array.from({ length: 40 }, (_, i) => 1 + (i % 2)))).toBe('40 waves');
  });
});

describe('the wave verdict (exact, every pool size)', () => {
  it('passes the rounds of a right pool, for every size', () => {
    for (const n of [1, 2, 3, 4, 5, 8, 16]) expect(waveVerdict(n, 8, [round(8, n), round(8, n), round(8, n)]).ok, `n ${n}`).toBe(true);
    expect(waveVerdict(2, 8, [round(8, 2)])).toMatchObject({ name: 'pool of 2: ceil(8/2) = 4 waves', detail: '2+2+2+2, 2 held at once' });
    expect(waveVerdict(16, 8, [round(8, 16)]).detail).toBe('8, 8 held at once');
  });

  it('fails a pool that runs one call at a time, even with the count forced to ceil(k/n)', () => {
    expect(waveVerdict(2, 8, [round(8, 2, 1)])).toMatchObject({ ok: false, detail: '1+1+1+1+1+1+1+1, 1 held at once' });
    const forced: WaveCounter = () => expectedWaves(8, 2);
    const v = waveVerdict(2, 8, [round(8, 2, 1, forced)]);
    expect(v.ok).toBe(false);
    expect(v.detail).toBe('2+2+2+2, 1 held at once');
  });

  it('fails a pool of another size, one wrong round among three, and no rounds at all', () => {
    expect(waveVerdict(4, 8, [round(8, 4, 2)]).ok).toBe(false); // 4 asked, 2 ran
    expect(waveVerdict(2, 8, [round(8, 2, 4)]).ok).toBe(false); // 2 asked, the default 4 ran
    expect(waveVerdict(2, 8, [round(8, 2), round(8, 2, 1), round(8, 2)]).detail).toBe('round 2: 1+1+1+1+1+1+1+1, 1 held at once');
    expect(waveVerdict(2, 8, [{ ...round(8, 3), poolSize: 3 }]).detail).toBe("the child's pool had 3 threads");
    expect(waveVerdict(2, 8, []).ok).toBe(false);
  });

  it('keeps a wave whole when one of its threads runs late, short of a hold (times seen on this machine)', () => {
    // Pool of 2, 30 ms hold, load 13 on 2 cores: the 4th call completed 21 ms after the 3rd.
    const seen = [48.1, 48.2, 79.3, 100.2, 131.4, 131.4, 162.5, 162.5];
    const r = gateRound(report(seen, [2, 2, 2, 2], 2), 30);
    expect(r.waves).toEqual([2, 2, 2, 2]);
    expect(waveVerdict(2, 8, [r]).ok).toBe(true);
  });

  it('fails completion times fed wrong: one call of a wave late by a whole hold', () => {
    const times = poolTimes(8, 2);
    times[3] = (times[3] as number) + HOLD; // the 4th call, due in wave 2, completes with wave 3
    const r = gateRound(report(times, [2, 2, 2, 2], 2), HOLD);
    expect(r.waves).toEqual([2, 1, 3, 2]);
    expect(waveVerdict(2, 8, [r]).ok).toBe(false);
  });

  it('keeps every check line within 80 columns, passing or failing, for pool sizes and calls up to 128', () => {
    let widest = '';
    for (const k of [1, 7, 8, 13, 100, 128])
      for (const n of [1, 2, 3, 7, 8, 64, 100, 128])
        for (const rounds of [1, 20]) {
          const good = Array.from({ length: rounds }, () => round(k, n));
          const bad = [...good.slice(1), round(k, n, Math.max(1, n - 1))];
          for (const v of [waveVerdict(n, k, good), waveVerdict(n, k, bad), waveVerdict(n, k, [{ ...good[0]!, poolSize: n + 1 }])]) {
            const line = `  ✓ ${v.name} — ${v.detail}`;
            if (line.length > widest.length) widest = line;
          }
        }
    expect(widest.length, widest).toBeLessThanOrEqual(80);
  });
});

describe('the lifecycle order', () => {
  const life = (events: string[], legal: string[], at = events.map((_, i) => i)): Lifecycle => ({
    lane: 'out of memory',
    legal,
    exitCode: 0,
    events: events.map((event, i) => ({ lane: 'w', event, at: at[i] as number, threadId: 1 })),
  });
  const legal = ['created', 'online', 'first message', 'error', 'exit'];

  it('accepts the legal order and names the first event out of place', () => {
    expect(orderProblem(life(legal, legal))).toBeNull();
    expect(orderProblem(life(['created', 'first message', 'online', 'error', 'exit'], legal))).toBe('out of memory: first message, not online');
    expect(orderProblem(life(['created', 'online', 'first message', 'exit'], legal))).toBe('out of memory: exit, not error');
    expect(orderProblem(life(['created', 'online', 'first message', 'error'], legal))).toBe('out of memory: no exit');
    expect(orderProblem(life([...legal, 'exit'], legal))).toBe('out of memory: exit after the end');
    expect(orderProblem(life(legal, legal, [0, 2, 1, 3, 4]))).toBe('out of memory: first message stamped early');
  });

  it('says where a stack frame points', () => {
    expect(frameLocation('at failOnPurpose (lifecycle.worker.js:23:11)')).toBe('lifecycle.worker.js:23:11');
    expect(frameLocation('at lifecycle.worker.js:23:11')).toBe('lifecycle.worker.js:23:11');
  });
});
