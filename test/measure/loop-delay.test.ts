import { describe, expect, it } from 'vitest';
import { blockedLoopDelay, blockLoop, nsToMs, startLoopDelayMonitor } from '../../src/measure/loop-delay.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('loop delay (shared by labs 6 and 9)', () => {
  it('blockLoop keeps the loop from turning for the whole block', async () => {
    const t0 = performance.now();
    let ranAt = 0;
    const timer = new Promise<void>((r) =>
      setTimeout(() => {
        ranAt = performance.now();
        r();
      }, 0),
    );
    blockLoop(30);
    await timer;
    expect(ranAt - t0).toBeGreaterThanOrEqual(30);
  });

  it('the monitor sees a block in its max, and reads about its resolution when idle', async () => {
    const blocked = await blockedLoopDelay(40, { sleep, gapMs: 10 });
    expect(blocked.max).toBeGreaterThanOrEqual(0.95 * 40);
    expect(blocked.count).toBeGreaterThan(0);
    expect(blocked.p50).toBeLessThanOrEqual(blocked.max);
  });

  it('a "block" that yields the loop does not show as delay (the fault lab 9 tests against)', async () => {
    const yielded = await blockedLoopDelay(40, { sleep, gapMs: 5, block: (ms) => sleep(ms) });
    expect(yielded.max).toBeLessThan(0.95 * 40);
  });

  it('stop() is idempotent and converts ns to ms', () => {
    const m = startLoopDelayMonitor();
    const a = m.stop();
    expect(m.stop()).toBe(a);
    expect(nsToMs(2_500_000)).toBe(2.5);
  });
});
