/**
 * Lab 3's clock and its "since its start" column: every thread and process
 * stamps events on one clock (a child's and a worker's stamps fall between the
 * lab's own stamps around them), and an event's time since its lane began is
 * measured from the lane's first event, fork() for the child's lane, so it is
 * never negative (it was, when the child's fork() was measured from the worker
 * the child created later).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { orderProblem, sinceStart, type LifeEvent, type Lifecycle } from '../../labs/03-life-of-a-thread/lifecycle.js';
import { clockMs } from '../../labs/03-life-of-a-thread/messages.js';
import { ROOT } from '../helpers/run-lab.js';

const MESSAGES = pathToFileURL(path.join(ROOT, 'dist/labs/03-life-of-a-thread/messages.js')).href;

describe('lab 3: one clock for the lab, its workers and its child processes', () => {
  it('a child process stamps between the two stamps the lab takes around it', () => {
    for (let i = 0; i < 3; i++) {
      const before = clockMs();
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', `import { clockMs } from '${MESSAGES}'; console.log(clockMs());`], {
        encoding: 'utf8',
      });
      const after = clockMs();
      expect(r.status, r.stderr).toBe(0);
      const inChild = Number(r.stdout.trim());
      expect(inChild).toBeGreaterThan(before);
      expect(inChild).toBeLessThan(after);
    }
  });

  it('so does a worker thread', async () => {
    const before = clockMs();
    const w = new Worker(`import { parentPort } from 'node:worker_threads'; import { clockMs } from '${MESSAGES}'; parentPort.postMessage(clockMs());`, {
      eval: true,
    });
    const inWorker = await new Promise<number>((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    const after = clockMs();
    await w.terminate();
    expect(inWorker).toBeGreaterThan(before);
    expect(inWorker).toBeLessThan(after);
  });

  it('has sub-millisecond resolution and never goes back', () => {
    let last = clockMs();
    let finer = false;
    for (let i = 0; i < 1000; i++) {
      const t = clockMs();
      expect(t).toBeGreaterThanOrEqual(last);
      if (t !== Math.round(t)) finer = true;
      last = t;
    }
    expect(finer).toBe(true);
  });
});

const ev = (event: string, at: number): LifeEvent => ({ lane: 'x', event, at, threadId: 1 });

describe("lab 3: an event's time since its lane's start", () => {
  it("counts from fork() in the child's lane, whose worker is created later", () => {
    const child: Lifecycle = {
      lane: "unref'd child",
      legal: ['fork()', 'created', 'online', 'first message', 'unref()', 'process exit'],
      events: [ev('fork()', 1000), ev('created', 1159), ev('online', 1243), ev('first message', 1268), ev('unref()', 1268.5), ev('process exit', 1316)],
      exitCode: 0,
    };
    expect(child.events.map((e) => sinceStart(child, e))).toEqual([0, 159, 243, 268, 268.5, 316]);
    expect(orderProblem(child)).toBeNull();
  });

  it('counts from new Worker() in a worker lane', () => {
    const w: Lifecycle = {
      lane: 'normal',
      legal: ['created', 'online', 'first message', 'last message', 'exit'],
      events: [ev('created', 50), ev('online', 156), ev('first message', 181), ev('last message', 201), ev('exit', 221)],
      exitCode: 0,
    };
    expect(w.events.map((e) => sinceStart(w, e))).toEqual([0, 106, 131, 151, 171]);
  });

  it('a stamp from another clock shows up negative and the order check names it', () => {
    const skewed: Lifecycle = {
      lane: "unref'd child",
      legal: ['fork()', 'created', 'process exit'],
      events: [ev('fork()', 1000), ev('created', 904.1), ev('process exit', 1316)],
      exitCode: 0,
    };
    expect(sinceStart(skewed, skewed.events[1] as LifeEvent)).toBeCloseTo(-95.9, 6);
    expect(orderProblem(skewed)).toBe("unref'd child: created stamped early");
  });

  it('is NaN for a lane that never started', () => {
    const none: Lifecycle = { lane: 'normal', legal: ['created', 'exit'], events: [ev('exit', 5)], exitCode: null };
    expect(sinceStart(none, none.events[0] as LifeEvent)).toBeNaN();
  });
});
