/**
 * The bounded waits of src/core/wait.ts: each resolves on what it waits for,
 * rejects with WaitTimeoutError naming the wait when its time runs out, and
 * with the signal's reason when the signal aborts.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { WaitTimeoutError } from '../../src/core/errors.js';
import { nextMessage, sleep, waitForExit, withTimeout } from '../../src/core/wait.js';
import { ROOT } from '../helpers/run-lab.js';

const ECHO = path.join(ROOT, 'test/fixtures/workers/echo.worker.js');
const live: Worker[] = [];
const echo = (): Worker => {
  const w = new Worker(ECHO);
  live.push(w);
  return w;
};
afterEach(async () => {
  await Promise.all(live.splice(0).map((w) => w.terminate()));
});

describe('withTimeout', () => {
  it('resolves with the value when p settles in time', async () => {
    await expect(withTimeout(Promise.resolve(5), 100, 'five')).resolves.toBe(5);
  });
  it('rejects with WaitTimeoutError naming the wait when time runs out', async () => {
    const p = withTimeout(new Promise(() => {}), 20, 'the never promise');
    await expect(p).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(p).rejects.toThrow(/the never promise/);
  });
  it("passes p's own rejection through", async () => {
    await expect(withTimeout(Promise.reject(new RangeError('no')), 100, 'x')).rejects.toThrow(RangeError);
  });
  it("rejects with the signal's reason on abort, and at once when already aborted", async () => {
    const ac = new AbortController();
    const p = withTimeout(new Promise(() => {}), 10_000, 'x', { signal: ac.signal });
    ac.abort(new Error('stop now'));
    await expect(p).rejects.toThrow('stop now');
    await expect(withTimeout(Promise.resolve(1), 100, 'x', { signal: ac.signal })).rejects.toThrow('stop now');
  });
});

describe('sleep', () => {
  it('waits about ms', async () => {
    const t0 = performance.now();
    await sleep(30);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(29);
  });
  it('is cut short by the signal', async () => {
    const ac = new AbortController();
    const t0 = performance.now();
    const p = sleep(10_000, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('cancelled')), 10);
    await expect(p).rejects.toThrow('cancelled');
    expect(performance.now() - t0).toBeLessThan(5000);
  });
});

describe('nextMessage', () => {
  it('resolves with the first message that satisfies pred, skipping others', async () => {
    const w = echo();
    const p = nextMessage<{ echo: number }>(w, 5000, 'echo of 2', { pred: (m) => (m as { echo: number }).echo === 2 });
    w.postMessage(1);
    w.postMessage(2);
    await expect(p).resolves.toEqual({ echo: 2 });
    expect(w.listenerCount('message')).toBe(0);
  });
  it('rejects when the worker exits before replying', async () => {
    const w = echo();
    const p = nextMessage(w, 5000, 'a reply', { pred: () => false });
    w.postMessage('exit');
    await expect(p).rejects.toThrow(/a reply: exited \(code 7\)/);
  });
  it('rejects with WaitTimeoutError and removes its listeners', async () => {
    const w = echo();
    await expect(nextMessage(w, 30, 'silence')).rejects.toBeInstanceOf(WaitTimeoutError);
    expect(w.listenerCount('message')).toBe(0);
    expect(w.listenerCount('exit')).toBe(0);
  });
  it('rejects on abort', async () => {
    const w = echo();
    const ac = new AbortController();
    const p = nextMessage(w, 10_000, 'x', { signal: ac.signal });
    ac.abort(new Error('gone'));
    await expect(p).rejects.toThrow('gone');
  });
});

describe('waitForExit', () => {
  it('resolves with the exit code', async () => {
    const w = echo();
    const p = waitForExit(w, 5000, 'the echo worker');
    w.postMessage('exit');
    await expect(p).resolves.toBe(7);
  });
  it('rejects with WaitTimeoutError when the worker lives on', async () => {
    await expect(waitForExit(echo(), 30, 'a live worker')).rejects.toBeInstanceOf(WaitTimeoutError);
  });
  it('takes a signal', async () => {
    const ac = new AbortController();
    const p = waitForExit(echo(), 10_000, 'x', { signal: ac.signal });
    ac.abort(new Error('cancelled'));
    await expect(p).rejects.toThrow('cancelled');
  });
});

describe("the context's waits, many at once", () => {
  it('twenty bound sleeps on the run signal at once raise no MaxListenersExceededWarning (a worker per core on a 16-core machine did)', async () => {
    const { labContext } = await import('../helpers/context.js');
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on('warning', onWarning);
    const { ctx, done } = await labContext({ signal: new AbortController().signal });
    try {
      await Promise.all(Array.from({ length: 20 }, () => ctx.sleep(20)));
      await new Promise((r) => setImmediate(r)); // warnings are emitted on a later tick
    } finally {
      process.off('warning', onWarning);
      await done();
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });
});
