import { describe, expect, it } from 'vitest';
import { createLimiter, mapLimit } from '../../src/workloads/limiter.js';

const tick = (ms = 1): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('createLimiter', () => {
  it('never runs more than the limit at once, and reaches it', async () => {
    for (const limit of [1, 3, 8]) {
      const l = createLimiter(limit);
      let active = 0;
      let most = 0;
      const out = await mapLimit(Array.from({ length: 20 }, (_, i) => i), l, async (i) => {
        active++;
        most = Math.max(most, active);
        await tick(1 + (i % 3));
        active--;
        return i * 2;
      });
      expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * 2));
      expect(most).toBe(limit);
      expect(l.maxActive).toBe(limit);
      expect(l.active).toBe(0);
      expect(l.queued).toBe(0);
    }
  });

  it('starts queued tasks in FIFO order', async () => {
    const l = createLimiter(1);
    const started: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => l.run(async () => void started.push(i))));
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('frees the slot when a task rejects or throws', async () => {
    const l = createLimiter(1);
    await expect(l.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(l.run(() => { throw new Error('sync'); })).rejects.toThrow('sync');
    await expect(l.run(async () => 7)).resolves.toBe(7);
    expect(l.active).toBe(0);
  });

  it('rejects queued tasks with the reason when the signal aborts; running ones finish', async () => {
    const ac = new AbortController();
    const l = createLimiter(1, ac.signal);
    const running = l.run(() => tick(20).then(() => 'done'));
    const queued = l.run(async () => 'never');
    ac.abort(new Error('stop'));
    await expect(queued).rejects.toThrow('stop');
    await expect(running).resolves.toBe('done');
    await expect(l.run(async () => 1)).rejects.toThrow('stop');
  });

  it('rejects a limit below 1', () => {
    expect(() => createLimiter(0)).toThrow(RangeError);
    expect(() => createLimiter(1.5)).toThrow(RangeError);
  });
});
