/**
 * Lab 12's recommendation, pure: hand-made sample sets with a clear winner,
 * a tie, and too few samples; and the check's verifier (followsFrom) against
 * recommendations that do not follow from the samples they cite: a wrong
 * model, a winner claimed on a tie or on too few runs, a tie claimed on a
 * clear win, swapped data, a fudged p or margin, the wrong runner-up.
 */
import { describe, expect, it } from 'vitest';
import { because, followsFrom, fmtMargin, recommend, type Measured, type Recommendation } from '../../labs/12-choosing-a-solution/recommend.js';
import { smallestRepeat } from '../../labs/12-choosing-a-solution/recommendations.js';
import type { ModelId } from '../../labs/12-choosing-a-solution/models.js';

const around = (x: number, spread = 0.05): number[] => [0, 3, 1, 6, 2, 5, 4].map((k) => x * (1 + spread * (k / 6 - 0.5)));
const M = (model: ModelId, samples: number[]): Measured => ({ model, samples });

/** The thread pool clearly fastest; processes next; one thread last. */
const clear: Measured[] = [M('one-thread', around(30)), M('thread-pool', around(10)), M('process-pool', around(14))];
/** The process pool and one thread interleaved at the top; the thread pool far behind. */
const tie: Measured[] = [
  M('one-thread', [10.05, 10.45, 10.15, 10.95, 10.25, 10.65, 10.35]),
  M('thread-pool', around(25)),
  M('process-pool', [10, 10.4, 10.1, 10.9, 10.2, 10.6, 10.3]),
];
/** Processes and the GPU job tied at the top; threads significantly slower; one thread slower still, but so spread out that it is not significantly slower than the winner. */
const below: Measured[] = [
  M('one-thread', [5, 100, 6, 90, 7, 80, 50]),
  M('thread-pool', around(20)),
  M('process-pool', around(10)),
  M('gpu', [10.05, 10.45, 10.15, 10.95, 10.25, 10.65, 10.35].map((x) => x * 0.975)),
];
/** Far apart, but three runs each: p can never be below 0.1. */
const few: Measured[] = [M('one-thread', [30, 31, 32]), M('thread-pool', [10, 11, 12]), M('process-pool', [20, 21, 22])];

const alpha = 0.05;
const follows = (r: Recommendation, m: readonly Measured[]) => followsFrom(r, m, alpha);

describe('recommend (pure)', () => {
  it('a clear winner is recommended, with its margin over the runner-up and p', () => {
    const r = recommend('cpu-large', clear, alpha);
    expect(r).toMatchObject({ verdict: 'winner', model: 'thread-pool', winner: 'thread-pool', runnerUp: 'process-pool', tooFew: false, tied: ['thread-pool'] });
    expect(r.margin?.ratio).toBeCloseTo(1.4, 10);
    expect(r.p).toBeLessThan(0.001);
    expect(because(r, alpha)).toBe(`${fmtMargin(r.margin)} faster than process pool, p<0.001`);
    const v = follows(r, clear);
    expect(v).toEqual({ ok: true, detail: `threads ${fmtMargin(r.margin)} over processes, p<0.001` });
  });

  it('a tie at the top: indistinguishable, and the simplest of the tied models', () => {
    const r = recommend('io', tie, alpha);
    expect(r).toMatchObject({ verdict: 'indistinguishable', winner: 'process-pool', runnerUp: 'one-thread', model: 'one-thread', tooFew: false });
    expect(r.tied).toEqual(['one-thread', 'process-pool']);
    expect(r.p).toBeGreaterThan(0.5);
    expect(because(r, alpha)).toMatch(/^indistinguishable from process pool \(p=0\.\d+\); simplest$/);
    const v = follows(r, tie);
    expect(v.ok).toBe(true);
    expect(v.detail).toMatch(/^indistinguishable \(1\.00x, p=0\.\d+\): 1 thread$/);
  });

  it('a tie: the simplest of the top models, not a simpler one ranked below a significantly slower model', () => {
    const r = recommend('data-parallel', below, alpha);
    expect(r).toMatchObject({ verdict: 'indistinguishable', tied: ['process-pool', 'gpu'], model: 'process-pool' });
    expect(follows(r, below).ok).toBe(true);
    expect(follows({ ...r, model: 'one-thread' }, below)).toEqual({ ok: false, detail: 'says 1 thread, but threads is faster and processes beats it' });
  });

  it('too few samples: no winner is claimed, however far apart the medians', () => {
    const r = recommend('cpu-small', few, alpha);
    expect(r).toMatchObject({ verdict: 'indistinguishable', winner: 'thread-pool', model: 'one-thread', tooFew: true });
    expect(r.p).toBeCloseTo(0.1, 12);
    expect(because(r, alpha)).toBe('indistinguishable from thread pool and process pool (too few runs to tell); simplest');
    expect(follows(r, few)).toEqual({ ok: true, detail: 'indistinguishable (n=3 vs 3): 1 thread' });
    expect(smallestRepeat(0.05)).toBe(4);
    expect(smallestRepeat(0.01)).toBe(5);
  });

  it('one model alone is the recommendation', () => {
    const one = [M('gpu', [1, 2, 3])];
    const r = recommend('data-parallel', one, alpha);
    expect(r).toMatchObject({ verdict: 'winner', model: 'gpu', runnerUp: null, p: null });
    expect(follows(r, one).ok).toBe(true);
  });
});

describe('followsFrom fails a recommendation that does not follow from its measurements', () => {
  const right = recommend('cpu-large', clear, alpha);
  const rightTie = recommend('io', tie, alpha);

  it('another model than the winner, with the winner\'s figures', () => {
    expect(follows({ ...right, model: 'process-pool' }, clear)).toEqual({ ok: false, detail: 'says processes, but threads won' });
  });

  it('a winner claimed on a tie', () => {
    const v = follows({ ...rightTie, verdict: 'winner', model: 'process-pool' }, tie);
    expect(v.ok).toBe(false);
    expect(v.detail).toMatch(/^says processes, but p=0\.\d+ > 0\.05$/);
  });

  it('a winner claimed on too few runs', () => {
    const r = recommend('cpu-small', few, alpha);
    expect(follows({ ...r, verdict: 'winner', model: 'thread-pool' }, few)).toEqual({ ok: false, detail: 'says threads, but n=3 vs 3 cannot reach 0.05' });
  });

  it('a tie claimed on a clear win', () => {
    const v = follows({ ...right, verdict: 'indistinguishable', model: 'one-thread' }, clear);
    expect(v).toEqual({ ok: false, detail: 'says 1 thread, but threads won, p<0.001' });
  });

  it('on a tie, a model that is not the simplest', () => {
    expect(follows({ ...rightTie, model: 'process-pool' }, tie)).toEqual({ ok: false, detail: 'says processes, but 1 thread is as fast, simpler' });
  });

  it('on a tie, a model significantly slower than the winner', () => {
    expect(follows({ ...rightTie, model: 'thread-pool' }, tie)).toEqual({ ok: false, detail: 'says threads, but processes is faster' });
  });

  it('swapped data: the recommendation of other samples', () => {
    const swapped = clear.map((m) => (m.model === 'thread-pool' ? { ...m, model: 'one-thread' as const } : m.model === 'one-thread' ? { ...m, model: 'thread-pool' as const } : m));
    const r = recommend('cpu-large', swapped, alpha);
    expect(r.model).toBe('one-thread');
    expect(follows(r, clear)).toEqual({ ok: false, detail: 'says 1 thread, but threads beats 1 thread (median)' });
  });

  it('a p or a margin that is not the pair\'s, or the wrong runner-up', () => {
    expect(follows({ ...right, p: 0.01 }, clear)).toMatchObject({ ok: false, detail: expect.stringMatching(/^says threads, but p is <0\.001, not 0\.010$/) });
    expect(follows({ ...right, margin: { ratio: 3, low: 2, high: 4 } }, clear)).toEqual({ ok: false, detail: 'says threads, but the margin is 1.40x' });
    expect(follows({ ...right, runnerUp: 'one-thread' }, clear)).toEqual({ ok: false, detail: 'says threads, but processes is the runner-up' });
    expect(follows({ ...right, model: 'gpu', winner: 'gpu' }, clear)).toEqual({ ok: false, detail: 'says GPU, but GPU (the winner) was not measured' });
  });
});
