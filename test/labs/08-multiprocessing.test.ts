/**
 * Lab 8: /proc parsing, the lab in --quick form through the real host
 * (checks, tables, outputs, schema), bad input, and --timeout and Ctrl-C
 * leaving no process behind, the detached daemon included. Fault tests:
 * 08-multiprocessing.faults.test.ts.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStat } from '../../labs/08-multiprocessing/procfs.js';
import { labContext } from '../helpers/context.js';
import { ROOT, runCli, runLab } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';
import { runMarked, survivors } from './marked-procs.js';

describe('multiprocessing: /proc (pure)', () => {
  it('reads state, parent, group and session after a command name with spaces and parentheses', () => {
    expect(parseStat('1234 (node) S 1 1234 1234 0 -1 4194560')).toEqual({ state: 'S', ppid: 1, pgrp: 1234, session: 1234 });
    expect(parseStat('99 (a (b) c) Z 7 8 9 0')).toEqual({ state: 'Z', ppid: 7, pgrp: 8, session: 9 });
    expect(parseStat('garbage')).toBe(null);
  });
});

describe('multiprocessing: the pool', () => {
  it('explains a speedup above the ratio of pool sizes by the forks the base pool waited for, and says nothing otherwise', async () => {
    const { superlinear } = (await import(path.join(ROOT, 'dist/labs/08-multiprocessing/pi-pool.js'))) as typeof import('../../labs/08-multiprocessing/pi-pool.js');
    const rows = (sp2: number) => [
      { workers: 1, speedup: { value: 1 } },
      { workers: 2, speedup: { value: sp2 } },
    ];
    const costs = [
      { size: 1, forks: 2, runs: 1, readyMs: 180, wall: 681 },
      { size: 2, forks: 1, runs: 1, readyMs: 150, wall: 235 },
    ];
    const note = superlinear(rows(2.9), costs);
    expect(note).toMatch(/^Speedup above the ratio of pool sizes \(2 workers 2\.90x\)/);
    expect(note).toContain('forked 2 replacement child(ren) inside its timed run of 681 ms, each 180 ms from fork to ready');
    expect(superlinear(rows(2.9), costs.map((c) => ({ ...c, runs: 3, forks: 6 })))).toContain('forked 6 replacement child(ren) inside its 3 timed runs (median 681 ms), each 180 ms');
    expect(superlinear(rows(1.9), costs)).toBe(null);
    expect(superlinear(rows(2.05), costs)).toBe(null); // within 5%: timing noise, not a story
  });

  it('gives the same pi for the same seed, whatever the pool sizes, and another for another seed', async () => {
    const { piPool } = (await import(path.join(ROOT, 'dist/labs/08-multiprocessing/pi-pool.js'))) as typeof import('../../labs/08-multiprocessing/pi-pool.js');
    const estimate = async (seed: number, sizes: number[]): Promise<number[]> => {
      const { ctx, done } = await labContext({ repeat: 1, seed });
      try {
        return Object.values((await piPool(ctx, { samples: 300_000, chunk: 50_000, sizes, maxTasksPerChild: 3, seed })).estimates);
      } finally {
        await done();
      }
    };
    const a = await estimate(7, [1, 3]);
    const b = await estimate(7, [2]);
    const c = await estimate(8, [2]);
    expect(new Set([...a, ...b]).size).toBe(1);
    expect(c[0]).not.toBe(b[0]);
  });
});

describe('multiprocessing: the lab', () => {
  it('runs in --quick form: every check holds, every pid gone, pi the same for every pool size', { timeout: 180_000 }, async () => {
    const r = await runLab(8, ['--quick']);
    expect(r.error).toBeUndefined();
    expect(schemaErrors(r)).toEqual([]);
    for (const c of r.checks) {
      if (c.skipped) expect(c.reason, c.name).toBeTruthy();
      else expect(c.ok, `${c.name}: ${c.detail ?? ''}`).toBe(true);
    }
    expect(r.status).toBe('ok');
    expect(r.host).toBe('process');
    expect(r.checks.map((c) => c.name)).toEqual([
      "a child's own exit code reaches the parent",
      'SIGTERM: it finishes its item, exits 0',
      'SIGKILL: dies at once, last words lost',
      'daemon: own session, outlives its launcher',
      'every message and byte arrives',
      'pi is the same for every pool size',
      'pi estimate within 5 standard errors',
      'children retire after 4 tasks',
      'daemon found by pid file, stops on SIGTERM',
      'every pid the lab started is gone',
    ]);
    expect(r.outputs.exits).toEqual({ 'exits 0': 0, 'exits 3': 3, SIGTERM: 0, SIGKILL: 'SIGKILL' });
    expect(r.outputs['pi.samples']).toBe(16_000_000);
    const est = r.outputs['pi.estimates'] as Record<string, number>;
    expect(Object.keys(est).map(Number)).toEqual(r.options.poolSizes as number[]);
    expect(new Set(Object.values(est)).size).toBe(1);
    expect(Math.abs((Object.values(est)[0] as number) - Math.PI)).toBeLessThan(0.01);
    expect(r.outputs['pids gone']).toBe(true);
    expect(r.tables.map((t) => t.title)).toEqual([
      'Lives of four children (ms after the first fork)',
      'IPC, one way: the child counts what arrives',
      expect.stringMatching(/^Monte Carlo pi: 16,000,000 points in 8 chunks, a process pool \(pi ≈ 3\.14\d+ at every size\)$/),
    ]);
    expect(r.charts.map((c) => c.type)).toEqual(['timeline']);
  });

  it.each([
    [['--samples', '0'], /--samples must be an integer from 1000/],
    [['--pool-sizes', '0'], /--pool-sizes must be/],
    [['--pool-sizes', '2,x'], /--pool-sizes must be/],
    [['--sizes', '0'], /--sizes must be/],
    [['--chunk', '1.5'], /--chunk must be/],
  ])('refuses %j with exit 2 and one line', async (args, msg) => {
    const r = await runCli(['lab', '8', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 3 on --timeout 1 and leaves no process behind, the daemon included', { timeout: 60_000 }, async () => {
    const { r, seen } = await runMarked(['lab', '8', '--quick', '--timeout', '1']);
    expect(r.code).toBe(3);
    expect(r.stdout + r.stderr).toMatch(/timed out after 1 s/);
    expect(r.ms).toBeLessThan(8000);
    expect(await survivors(seen.keys())).toEqual([]);
  });

  it('exits 130 on Ctrl-C once the daemon runs, and stops it with everything else', { timeout: 120_000 }, async () => {
    const { r, seen } = await runMarked(['lab', '8', '--quick'], { interruptWhen: 'daemon.js' });
    expect(r.code).toBe(130);
    expect(await survivors(seen.keys())).toEqual([]);
  });
});
