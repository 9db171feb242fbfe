/**
 * The Tracker: everything it starts is gone after cleanup(), cleanup is
 * bounded and idempotent, deferred functions run newest first (each bounded),
 * and one registered after cleanup began runs at once.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Tracker } from '../../src/hosts/tracker.js';
import { ROOT, isRunning } from '../helpers/run-lab.js';

const ECHO = pathToFileURL(path.join(ROOT, 'test/fixtures/workers/echo.worker.js'));

describe('Tracker', () => {
  it('terminates workers and kills child process groups, reporting pids as they come and go', async () => {
    const seen: [number, boolean][] = [];
    const t = new Tracker((pid, alive) => seen.push([pid, alive]), 200);
    const w = t.worker(ECHO);
    // Ignores SIGTERM: only the SIGKILL after the grace ends it.
    const c = t.spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"]);
    const pid = c.pid as number;
    await new Promise((r) => setTimeout(r, 200));
    expect(t.active).toEqual({ workers: 1, children: 1 });
    let workerExit: number | null = null;
    w.once('exit', (code) => (workerExit = code));
    const t0 = performance.now();
    await t.cleanup();
    expect(performance.now() - t0).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 50));
    expect(workerExit).not.toBeNull();
    expect(isRunning(pid)).toBe(false);
    expect(seen).toEqual([
      [pid, true],
      [pid, false],
    ]);
  });

  it('runs deferred functions newest first, each bounded, after starting the kills', async () => {
    const t = new Tracker(() => {}, 100);
    const order: string[] = [];
    t.defer(() => order.push('first'));
    t.defer(() => new Promise(() => order.push('hangs'))); // never settles: bounded
    t.defer(() => {
      order.push('throws');
      throw new Error('ignored');
    });
    const t0 = performance.now();
    await t.cleanup();
    expect(order).toEqual(['throws', 'hangs', 'first']);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('is idempotent: a second cleanup waits for the first and runs nothing twice', async () => {
    const t = new Tracker(() => {}, 100);
    let n = 0;
    t.defer(() => n++);
    await Promise.all([t.cleanup(), t.cleanup()]);
    await t.cleanup();
    expect(n).toBe(1);
  });

  it('refuses new workers after cleanup, and runs a late deferred function at once', async () => {
    const t = new Tracker(() => {}, 100);
    await t.cleanup();
    expect(() => t.worker(ECHO)).toThrow(/the lab has ended/);
    let ran = false;
    t.defer(() => (ran = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(ran).toBe(true);
  });
});
