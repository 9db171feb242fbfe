import { describe, expect, it } from 'vitest';
import { sample } from '../../src/measure/sample.js';

/** Keeps the thread busy for ms, synchronously. */
function busy(ms: number): void {
  const t0 = performance.now();
  while (performance.now() - t0 < ms);
}

describe('sample', () => {
  it('takes warm-up runs, then at least repeat timed runs, wall and CPU', async () => {
    let calls = 0;
    const r = await sample(() => {
      calls++;
      busy(1);
    }, { warmup: 2, repeat: 5 });
    expect(calls).toBe(7);
    expect(r.wall).toHaveLength(5);
    expect(r.cpu).toHaveLength(5);
    for (const w of r.wall) expect(w).toBeGreaterThanOrEqual(1);
  });

  it('stops soon after an abort that arrives from a timer, even while sampling a synchronous function', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('stop')), 30);
    const t0 = performance.now();
    // 1000 runs of 2 ms: 2 s if the abort could not get in between them.
    await expect(sample(() => busy(2), { warmup: 0, repeat: 1000, signal: ac.signal })).rejects.toThrow('stop');
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});
