/**
 * Lab 7: the pure readings of task runs, the lab in --quick form through the
 * real host (checks, tables, outputs, schema), bad input, and --timeout and
 * Ctrl-C leaving no process behind. Fault tests: 07-executors-and-pools.faults.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { breakEven, frameNaming, heldBack, meanRunMs, peakConcurrency, utilization } from '../../labs/07-executors-and-pools/analysis.js';
import { DEFAULT_NUMBERS, QUICK_NUMBERS, isPrimeMillerRabin } from '../../src/workloads/primes.js';
import { runCli, runLab } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';
import { runMarked, survivors } from './marked-procs.js';

const iv = (start: number, end: number) => ({ start, end });

describe('executors-and-pools: readings of task runs (pure)', () => {
  it('counts the most tasks running at once; back-to-back tasks do not overlap', () => {
    expect(peakConcurrency([iv(0, 10), iv(10, 20), iv(20, 30)])).toBe(1);
    expect(peakConcurrency([iv(0, 10), iv(5, 15), iv(6, 7), iv(20, 30)])).toBe(3);
    expect(peakConcurrency([iv(0, 10), iv(NaN, NaN)])).toBe(1);
    expect(peakConcurrency([])).toBe(0);
  });

  it('computes utilization and the mean run time from the tasks own times', () => {
    expect(utilization([iv(0, 50), iv(0, 50)], 100, 2)).toBeCloseTo(0.5);
    expect(utilization([iv(0, 100), iv(0, 100)], 100, 2)).toBeCloseTo(1);
    expect(meanRunMs([iv(0, 10), iv(0, 30), iv(NaN, NaN)])).toBe(20);
  });

  it('finds results yielded after ones that came later', () => {
    const r = (index: number, settled: number) => ({ index, settled });
    expect(heldBack([r(1, 10), r(0, 20), r(2, 30)]).count).toBe(0);
    const held = heldBack([r(0, 50), r(1, 10), r(2, 60), r(3, 20)]);
    expect(held.count).toBe(2);
    expect(held.worst).toBe("task 1 came 40 ms before task 0");
  });

  it('finds the task size from which a pool keeps winning', () => {
    expect(breakEven([10, 100, 1000, 10000], [0.1, 0.5, 1.2, 1.8])).toBe(1000);
    expect(breakEven([10, 100, 1000], [0.1, 1.5, 0.9])).toBe(null);
    expect(breakEven([10, 100], [1.1, 1.5])).toBe(10);
  });

  it('picks the stack frame naming a file, without its directory', () => {
    const stack = 'RangeError: x\n    at fail (file:///a/b/semantics.tasks.js:52:11)\n    at runTask (file:///a/run-task.js:1:1)';
    expect(frameNaming(stack, 'semantics.tasks.js')).toBe('fail (semantics.tasks.js:52:11)');
    expect(frameNaming(stack, 'nowhere.js')).toBe(null);
  });

  it('ships number lists with primes and composites: fifteen near 1e14-1e15, eight smaller for --quick', () => {
    expect(DEFAULT_NUMBERS).toHaveLength(15);
    expect(QUICK_NUMBERS).toHaveLength(8);
    for (const list of [DEFAULT_NUMBERS, QUICK_NUMBERS]) {
      const primes = list.filter(isPrimeMillerRabin).length;
      expect(primes).toBeGreaterThan(list.length / 3);
      expect(primes).toBeLessThan(list.length);
    }
    expect(Math.min(...DEFAULT_NUMBERS)).toBeGreaterThanOrEqual(1e14);
    expect(Math.max(...DEFAULT_NUMBERS)).toBeLessThan(1.2e15);
  });
});

describe('executors-and-pools: the lab', () => {
  it('runs in --quick form: every check holds, tables and outputs as documented', { timeout: 240_000 }, async () => {
    const r = await runLab(7, ['--quick']);
    expect(r.error).toBeUndefined();
    expect(schemaErrors(r)).toEqual([]);
    for (const c of r.checks) {
      if (c.skipped) expect(c.reason, c.name).toBeTruthy();
      else expect(c.ok, `${c.name}: ${c.detail ?? ''}`).toBe(true);
    }
    expect(r.status).toBe('ok');
    expect(r.checks.map((c) => c.name)).toEqual([
      'every executor finds the same primes',
      'trial division agrees with Miller-Rabin',
      'a pool of n runs n tasks at once',
      'a pooled thread costs 10x+ less than a new one',
      'idleTimeout 0 restarts threads between bursts',
      'asCompleted yields results as they come',
      "a task's exception reaches the caller",
      'cancelled queued tasks never ran',
      'aborting a running task loses no other',
      'process.exit() in a task is contained',
      'shutdown() finishes running work, refuses new',
    ]);
    expect(r.outputs.primes).toEqual(QUICK_NUMBERS.filter(isPrimeMillerRabin).sort((a, b) => a - b));
    expect(r.outputs['cancelled tasks that ran']).toEqual({ sequential: 0, threads: 0, processes: 0, 'worker-per-task': 0 });
    const titles = r.tables.map((t) => t.title);
    expect(titles[0]).toMatch(/^Is it prime\? 8 numbers/);
    expect(r.tables[0]?.rows.map((row) => row.executor)).toEqual(['sequential', 'thread pool (piscina)', 'process pool', 'worker per task']);
    expect(r.tables.find((t) => /^Pool sizes/.test(t.title))?.rows.map((row) => [row.pool, row.workers])).toEqual([
      ['threads', r.machine.effectiveCores],
      ['processes', r.machine.effectiveCores],
    ]);
    expect(titles.some((t) => /^Cost of a task/.test(t))).toBe(true);
    const cost = r.tables.find((t) => /^Cost of a task/.test(t.title));
    expect(cost?.rows.find((row) => /sync/.test(String(row.executor)))?.pWait).toEqual(expect.any(Number));
    expect(r.charts.map((c) => c.type)).toEqual(['timeline']);
    const batches = r.metrics.filter((m) => m.name === 'primes batch');
    expect(batches.map((m) => m.variant.executor)).toEqual(expect.arrayContaining(['sequential', 'threads', 'processes', 'worker-per-task']));
    expect(r.headline?.label).toBe('thread pool speedup');
  });

  it.each([
    [['--numbers', 'abc'], /--numbers must be a comma-separated list of integers from 2 to 9007199254740991/],
    [['--numbers', '7,9007199254740992'], /--numbers must be/],
    [['--numbers', '1'], /--numbers must be/],
    [['--pool-sizes', '0'], /--pool-sizes must be/],
    [['--task-sizes', '5,x'], /--task-sizes must be/],
  ])('refuses %j with exit 2 and one line', async (args, msg) => {
    const r = await runCli(['lab', '7', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 3 on --timeout 1 and leaves no process behind', { timeout: 60_000 }, async () => {
    const { r, seen } = await runMarked(['lab', '7', '--quick', '--timeout', '1']);
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/timed out after 1 s/);
    expect(r.ms).toBeLessThan(8000);
    expect(await survivors(seen.keys())).toEqual([]);
  });

  it('exits 130 on Ctrl-C while a process pool runs, and leaves no process or worker', { timeout: 120_000 }, async () => {
    const { r, seen } = await runMarked(['lab', '7', '--quick'], { interruptWhen: 'process-pool.child.js' });
    expect(r.code).toBe(130);
    expect(seen.size).toBeGreaterThan(1);
    expect(await survivors(seen.keys())).toEqual([]);
  });
});
