/**
 * labs/_template, the lab to copy: it runs, its report has the shape of any
 * lab's, and its check fails when the worker skips the work (the fault test
 * every check comes with).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkNamed, labContext } from '../helpers/context.js';
import { ROOT } from '../helpers/run-lab.js';

type RoundTrip = typeof import('../../labs/_template/round-trip.js');
const { roundTrip } = (await import(path.join(ROOT, 'dist/labs/_template/round-trip.js'))) as RoundTrip;
const LAZY = pathToFileURL(path.join(ROOT, 'test/fixtures/faults/template/lazy-ping.worker.js'));
const CHECK = /checksum of the work/;

describe('the template lab', () => {
  it('measures the round trip and its check passes', async () => {
    const { ctx, report, done } = await labContext();
    try {
      const r = await roundTrip(ctx, { works: [0, 1000] });
      expect(r.emptyMs).toBeGreaterThan(0);
    } finally {
      await done();
    }
    expect(report.metrics.map((m) => m.variant)).toEqual([{ work: 0 }, { work: 1000 }]);
    expect(report.tables).toHaveLength(1);
    expect(checkNamed(report, CHECK)).toMatchObject({ ok: true, skipped: false });
  });

  it('fails its check when the worker skips the work', async () => {
    const { ctx, report, done } = await labContext();
    try {
      await roundTrip(ctx, { works: [0, 1000], worker: LAZY });
    } finally {
      await done();
    }
    expect(checkNamed(report, CHECK)).toMatchObject({ ok: false, skipped: false });
  });
});
