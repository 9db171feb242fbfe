import { afterEach, describe, expect, it } from 'vitest';
import { Event } from '../../dist/src/sync/index.js';
import { result, sleep, spawn, terminateAll, until } from './workers.js';

afterEach(terminateAll);

describe('Event', () => {
  it('set() wakes every waiter', async () => {
    const event = Event.create();
    const stats = new SharedArrayBuffer(8); // [entered, woken]
    const counters = new Int32Array(stats);
    const workers = Array.from({ length: 3 }, () =>
      spawn('event-waiter.mjs', { event: event.handle(), stats, timeoutMs: 20_000 }),
    );
    await until(() => Atomics.load(counters, 0) === 3, 20_000, 'waiters');
    await sleep(100);
    expect(Atomics.load(counters, 1)).toBe(0); // nobody passes an unset event
    event.set();
    const results = await Promise.all(workers.map((w) => result<{ ok: boolean }>(w)));
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it('set / isSet / clear; wait on a set event returns at once', () => {
    const buffer = new SharedArrayBuffer(Event.BYTES);
    const e = new Event(buffer); // zeroed = clear
    expect(e.isSet()).toBe(false);
    e.set();
    e.set();
    expect(Event.from(e.handle()).isSet()).toBe(true);
    expect(e.wait(0)).toBe(true);
    expect(e.wait()).toBe(true);
    e.clear();
    expect(e.isSet()).toBe(false);
    expect(e.wait(0)).toBe(false);
  });
});
