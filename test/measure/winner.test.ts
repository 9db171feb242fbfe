/** standings(): the winner, runner-up, margin, p and the sets tied with the winner, on hand-made samples. */
import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../../src/measure/mann-whitney.js';
import { ratioOfMedians } from '../../src/measure/stats.js';
import { standings } from '../../src/measure/winner.js';

const fast = [10, 10.4, 10.1, 10.9, 10.2, 10.6, 10.3];
const slow = [20, 20.5, 21, 20.2, 20.8, 20.1, 20.4];
const slowest = [40, 41, 40.5, 40.2, 41.3, 40.7, 40.1];
// Interleaved with `fast`: no test could tell them apart.
const likeFast = [10.05, 10.45, 10.15, 10.95, 10.25, 10.65, 10.35];

describe('standings', () => {
  it('ranks by median and gives the margin and p of the top pair', () => {
    const s = standings([
      { name: 'b', samples: slow },
      { name: 'c', samples: slowest },
      { name: 'a', samples: fast },
    ]);
    expect(s.ranked.map((r) => r.name)).toEqual(['a', 'b', 'c']);
    expect(s.winner).toBe('a');
    expect(s.runnerUp).toBe('b');
    expect(s.margin).toEqual(ratioOfMedians(slow, fast));
    expect(s.margin?.ratio).toBeCloseTo(20.4 / 10.3, 12);
    expect(s.p).toBe(mannWhitneyU(fast, slow).p);
    expect(s.significant).toBe(true);
    expect(s.tooFew).toBe(false);
    expect(s.tied).toEqual(['a']);
  });

  it('a pair that cannot be told apart is not significant, and both are tied', () => {
    const s = standings([
      { name: 'simple', samples: likeFast },
      { name: 'complex', samples: fast },
      { name: 'slow', samples: slow },
    ]);
    expect(s.winner).toBe('complex');
    expect(s.runnerUp).toBe('simple');
    expect(s.p).toBeGreaterThan(0.5);
    expect(s.significant).toBe(false);
    expect(s.tied).toEqual(['simple', 'complex']);
  });

  it('a set ranked below one that is significantly worse is not a top set, however wide its spread', () => {
    const wide = [5, 100, 6, 90, 7, 80, 50];
    const s = standings([
      { name: 'wide', samples: wide },
      { name: 'slow', samples: slow },
      { name: 'a', samples: fast },
      { name: 'b', samples: likeFast },
    ]);
    expect(s.ranked.map((r) => r.name)).toEqual(['a', 'b', 'slow', 'wide']);
    expect(mannWhitneyU(fast, wide).p).toBeGreaterThan(0.05);
    expect(s.tied).toEqual(['a', 'b']);
  });

  it('equal medians rank in the order given', () => {
    const s = standings([
      { name: 'first', samples: [1, 2, 3, 4, 5] },
      { name: 'second', samples: [5, 4, 3, 2, 1] },
    ]);
    expect(s.winner).toBe('first');
    expect(s.margin?.ratio).toBe(1);
    expect(s.p).toBe(1);
  });

  it('with too few samples nothing is significant, however far apart', () => {
    const s = standings([
      { name: 'a', samples: [1, 1.1, 1.2] },
      { name: 'b', samples: [100, 101, 102] },
    ]);
    expect(s.p).toBeCloseTo(0.1, 12);
    expect(s.tooFew).toBe(true);
    expect(s.significant).toBe(false);
    expect(s.tied).toEqual(['a', 'b']);
  });

  it('one set wins alone; none, or an empty one, is refused', () => {
    const s = standings([{ name: 'only', samples: [3, 4] }]);
    expect(s).toMatchObject({ winner: 'only', runnerUp: null, margin: null, p: null, significant: false, tied: ['only'] });
    expect(() => standings([])).toThrow(/no sample sets/);
    expect(() => standings([{ name: 'x', samples: [] }])).toThrow(/x has no samples/);
  });
});
