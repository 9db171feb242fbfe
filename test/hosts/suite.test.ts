/**
 * The suite runner with its run seam: no host starts; each "lab" is a
 * function that returns a report, throws, or waits for the abort.
 */
import { describe, expect, it } from 'vitest';
import type { LabInvocation, RunSettings } from '../../src/core/invocation.js';
import type { Report } from '../../src/core/report.js';
import type { SuiteItem } from '../../src/core/suite.js';
import { runSuite, type SuiteHooks } from '../../src/hosts/suite.js';
import { broken, entry, fakeLab, fakeReport } from '../helpers/fake-labs.js';
import { schemaErrors } from '../helpers/schema.js';

const common: RunSettings = { quick: true, repeat: undefined, warmup: 2, seed: 7, timeoutMs: 1500, host: undefined };

const ok = entry(fakeLab(1, 'ok', { options: { n: { type: 'integer', default: 100, min: 1, max: 1000, help: 'n' } }, quick: { n: 10 } }));
const fails = entry(fakeLab(2, 'fails'));
const throwsDefault = entry(
  fakeLab(3, 'bad-default', {
    options: {
      n: {
        type: 'integer',
        default: () => {
          throw new Error('no cores to count');
        },
        min: 1,
        max: 8,
        help: 'n',
      },
    },
  }),
);
const items: SuiteItem[] = [
  { kind: 'lab', entry: ok },
  { kind: 'broken', broken: broken(4, 'broken', 'failed to load: nope') },
  { kind: 'lab', entry: fails },
  { kind: 'lab', entry: throwsDefault },
];

function fakeRun(log: string[]): NonNullable<SuiteHooks['run']> {
  return async (inv: LabInvocation, hooks) => {
    log.push(`run ${inv.entry.id} ${JSON.stringify(inv.options)} quick=${inv.common.quick} seed=${inv.common.seed}`);
    hooks.onProgress?.('half way', 0.5);
    if (inv.entry.id === 2)
      return fakeReport(inv.entry, { status: 'failed', checks: [{ name: 'c', ok: false, skipped: false }], headline: { label: 'h', value: 2 } });
    return fakeReport(inv.entry, { checks: [{ name: 'c', ok: true, skipped: false }] });
  };
}

describe('runSuite', () => {
  it('runs each lab in order with its resolved options and the common settings, and reports every row', async () => {
    const log: string[] = [];
    const suite = await runSuite(
      { items, common, only: [1, 2, 3, 4], skip: null },
      {
        run: fakeRun(log),
        onLabStart: (e) => {
          log.push(`start ${e.id}`);
          return { update: (t, f) => log.push(`progress ${e.id} ${t} ${f}`), stop: () => log.push(`stop ${e.id}`) };
        },
        onLabEnd: (row, report) => log.push(`end ${row.id} ${row.status} ${report ? 'report' : 'no report'}`),
      },
    );
    expect(log).toEqual([
      'start 1',
      'run 1 {"n":10} quick=true seed=7',
      'progress 1 half way 0.5',
      'stop 1',
      'end 1 ok report',
      'end 4 error no report',
      'start 2',
      'run 2 {} quick=true seed=7',
      'progress 2 half way 0.5',
      'stop 2',
      'end 2 failed report',
      'start 3',
      'stop 3',
      'end 3 error report',
    ]);
    expect(suite.labs.map((r) => `${r.id} ${r.status}${r.broken ? ' broken' : ''}`)).toEqual(['1 ok', '4 error broken', '2 failed', '3 error']);
    expect(suite.reports.map((r) => r.lab.id)).toEqual([1, 2, 3]);
    // The lab whose default threw never started: an error report of its own, the suite went on.
    expect(suite.reports[2]).toMatchObject({ status: 'error', error: { message: 'no cores to count' }, options: { quick: true }, seed: 7 });
    expect(suite.status).toBe('error');
    expect(suite.counts).toEqual({ ok: 1, failed: 1, error: 2, timeout: 0, interrupted: 0, 'not-run': 0 });
    expect(suite.settings).toEqual({ quick: true, repeat: null, warmup: 2, seed: 7, timeoutS: 1.5, host: null, only: [1, 2, 3, 4], skip: null });
    expect(suite.labs[2]?.headline).toEqual({ label: 'h', value: 2 });
    for (const r of suite.labs) if (!r.broken) expect(r.wallMs).toBeGreaterThanOrEqual(0);
    expect(suite.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('is a valid conc.suite/1 document', async () => {
    const suite = await runSuite({ items: items.slice(0, 3), common, only: null, skip: [3] }, { run: fakeRun([]) });
    // The fake reports carry no machine: take the suite's for the schema check.
    for (const r of suite.reports) r.machine = suite.machine;
    expect(schemaErrors(JSON.parse(JSON.stringify(suite)), 'conc.suite.schema.json')).toEqual([]);
  });

  it('stops at an abort: the running lab is interrupted, the labs after it are listed as not run', async () => {
    const ac = new AbortController();
    const ran: number[] = [];
    const run: NonNullable<SuiteHooks['run']> = async (inv, hooks) => {
      ran.push(inv.entry.id);
      if (inv.entry.id === 1) {
        ac.abort(); // Ctrl-C while lab 1 runs
        expect(hooks.signal?.aborted).toBe(true);
        return fakeReport(inv.entry, { status: 'interrupted', error: { name: 'Interrupted', message: 'lab 1 (ok) interrupted' } });
      }
      return fakeReport(inv.entry);
    };
    const suite = await runSuite({ items, common, only: null, skip: null }, { run, signal: ac.signal });
    expect(ran).toEqual([1]);
    expect(suite.labs.map((r) => `${r.id} ${r.status}`)).toEqual(['1 interrupted', '4 not-run', '2 not-run', '3 not-run']);
    expect(suite.status).toBe('interrupted');
    expect(suite.counts['not-run']).toBe(3);
    expect(suite.reports).toHaveLength(1);
  });

  it('a report that comes back from a run that threw is an error row; the rest still run', async () => {
    const run: NonNullable<SuiteHooks['run']> = async (inv) => {
      if (inv.entry.id === 1) throw new Error('host would not start');
      return fakeReport(inv.entry) as Report;
    };
    const suite = await runSuite({ items: [items[0] as SuiteItem, items[2] as SuiteItem], common, only: null, skip: null }, { run });
    expect(suite.labs.map((r) => `${r.id} ${r.status}`)).toEqual(['1 error', '2 ok']);
    expect(suite.labs[0]?.error).toEqual({ name: 'Error', message: 'host would not start' });
  });
});
