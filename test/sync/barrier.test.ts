import { afterEach, describe, expect, it } from 'vitest';
import { Barrier } from '../../dist/src/sync/index.js';
import { result, spawn, terminateAll } from './workers.js';

afterEach(terminateAll);

describe('Barrier', () => {
  it('releases all parties together, generation after generation (4 workers x 200 generations)', async () => {
    const PARTIES = 4;
    const GENERATIONS = 200;
    const barrier = Barrier.create(PARTIES);
    const gens = new SharedArrayBuffer(4 * PARTIES);
    const workers = Array.from({ length: PARTIES }, (_, me) =>
      spawn('barrier.mjs', { barrier: barrier.handle(), gens, me, generations: GENERATIONS }),
    );
    const results = await Promise.all(
      workers.map((w) => result<{ errors: number; indices: number[]; returned: number[] }>(w, 50_000)),
    );
    for (const r of results) {
      expect(r.errors).toBe(0);
      expect(r.returned).toEqual(Array.from({ length: GENERATIONS }, (_, i) => i));
    }
    // In every generation the arrival indices are a permutation of 0..parties-1.
    for (let g = 0; g < GENERATIONS; g++) {
      const idx = results.map((r) => r.indices[g]!).sort((a, b) => a - b);
      expect(idx).toEqual([0, 1, 2, 3]);
    }
    expect(barrier.generation()).toBe(GENERATIONS);
    expect(barrier.arrived()).toBe(0);
  });

  it('a single party passes at once; parties travel in the handle', () => {
    const b = Barrier.create(1);
    expect(b.wait(0)).toEqual({ ok: true, generation: 0, index: 0 });
    expect(b.wait(0)).toEqual({ ok: true, generation: 1, index: 0 });
    const c = Barrier.from(structuredClone(Barrier.create(3).handle()));
    expect(c.parties).toBe(3);
    expect(() => Barrier.create(0)).toThrow(RangeError);
  });
});
