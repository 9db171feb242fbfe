import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { machineBusyMs, othersCores } from '../../src/measure/contention.js';

describe('contention', () => {
  it("computes others' load in cores from the machine's busy time less our own", () => {
    // 300 ms of machine CPU over 100 ms of wall, 150 ms of it ours: 1.5 cores of others.
    expect(othersCores(300, 150, 100)).toBeCloseTo(1.5, 12);
    // Tick rounding can put our own CPU above the machine's: never below 0.
    expect(othersCores(100, 130, 100)).toBe(0);
    expect(othersCores(null, 10, 100)).toBeNull();
    expect(othersCores(10, 10, 0)).toBeNull();
  });

  it('reads a growing busy counter from /proc/stat where there is one', () => {
    const a = machineBusyMs();
    if (!existsSync('/proc/stat')) return expect(a).toBeNull();
    const t0 = Date.now();
    while (Date.now() - t0 < 60) {
      /* burn 60 ms: at least 5 ticks of 10 ms */
    }
    const b = machineBusyMs();
    expect(a).not.toBeNull();
    expect((b as number) - (a as number)).toBeGreaterThanOrEqual(40);
  });
});
