import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import type { Registry } from '../../src/core/registry.js';
import {
  brokenRow,
  checkSuiteHost,
  countChecks,
  notRunRow,
  ranRow,
  selectIds,
  selectItems,
  statusCounts,
  suiteItems,
  suiteStatus,
  type SuiteLab,
} from '../../src/core/suite.js';
import { broken, entry, fakeLab, fakeReport } from '../helpers/fake-labs.js';

const one = entry(fakeLab(1, 'one', { hosts: ['worker', 'process'] }));
const three = entry(fakeLab(3, 'three', { host: 'process' }));
const reg: Registry = { labs: [three, one], broken: [broken(2, 'two'), broken(null, 'nameless')] };

describe('the labs of a suite', () => {
  it('are every lab, broken ones included, by id and with the nameless last', () => {
    expect(suiteItems(reg).map((it) => (it.kind === 'lab' ? `${it.entry.id}` : `${it.broken.id} broken`))).toEqual(['1', '2 broken', '3', 'null broken']);
  });

  it('are none: a usage error that says where it looked', () => {
    expect(() => suiteItems({ labs: [], broken: [] })).toThrow(/^no labs found in .* \(not built\? run npm run build\)$/);
  });

  it('are selected by id or slug, broken ones too; an unknown or empty item is a usage error', () => {
    const items = suiteItems(reg);
    expect(selectIds('--only', '3, one,two', items)).toEqual([3, 1, 2]);
    expect(() => selectIds('--only', '1,,3', items)).toThrow('--only must be a comma-separated list of lab ids or slugs, got "1,,3"');
    expect(() => selectIds('--skip', '9', items)).toThrow('--skip: unknown lab "9"; labs: 1 one, 2 two, 3 three, ? nameless (see conc list)');
    expect(selectItems(items, [1, 3], null).map((it) => it.kind === 'lab' && it.entry.id)).toEqual([1, 3]);
    expect(selectItems(items, null, [1, 2, 3]).map((it) => it.kind)).toEqual(['broken']);
    expect(() => selectItems(items, [1], [1])).toThrow('no labs selected: --only and --skip leave nothing to run');
  });

  it('must all support a --host given for the suite', () => {
    const items = suiteItems(reg);
    expect(() => checkSuiteHost(items, undefined)).not.toThrow();
    expect(() => checkSuiteHost(items, 'process')).not.toThrow(); // lab 1 supports both, lab 3 is process-only
    expect(() => checkSuiteHost(items, 'worker')).toThrow(
      '--host worker is not supported by lab 3 (three), which runs in process; leave --host out or --skip 3',
    );
    expect(() => checkSuiteHost(selectItems(items, null, [3]), 'worker')).not.toThrow();
  });
});

describe('rows, status and counts', () => {
  const report = fakeReport(one, {
    checks: [
      { name: 'a', ok: true, skipped: false },
      { name: 'b', ok: false, skipped: false },
      { name: 'c', ok: false, skipped: true, reason: 'busy' },
    ],
    status: 'failed',
    headline: { label: 'speedup', value: 1.9, unit: 'x' },
  });

  it('count checks: passed, failed, skipped', () => {
    expect(countChecks(report)).toEqual({ passed: 1, failed: 1, skipped: 1 });
  });

  it('a lab that ran: its status, checks, headline and wall time, from its report', () => {
    expect(ranRow(one, report, 1234)).toEqual({
      id: 1,
      slug: 'one',
      title: 'Lab one',
      status: 'failed',
      broken: false,
      checks: { passed: 1, failed: 1, skipped: 1 },
      wallMs: 1234,
      headline: { label: 'speedup', value: 1.9, unit: 'x' },
      error: null,
    });
    const err = ranRow(one, fakeReport(one, { status: 'error', error: { name: 'Error', message: 'boom', stack: 'at x' } }), 5);
    expect(err.error).toEqual({ name: 'Error', message: 'boom' });
  });

  it('a broken lab is an error without a report; a lab after Ctrl-C is not run', () => {
    expect(brokenRow(broken(2, 'two', 'no lab.js'))).toMatchObject({ id: 2, status: 'error', broken: true, wallMs: null, error: { name: 'BrokenLabError', message: 'no lab.js' } });
    expect(notRunRow({ kind: 'lab', entry: three })).toMatchObject({ id: 3, title: 'Lab three', status: 'not-run', broken: false, error: null });
    expect(notRunRow({ kind: 'broken', broken: broken(2, 'two') })).toMatchObject({ status: 'not-run', broken: true, title: null });
  });

  it('the suite takes the worst status of the labs that ran, and counts each', () => {
    const row = (status: SuiteLab['status']): SuiteLab => ({ ...notRunRow({ kind: 'lab', entry: one }), status });
    expect(suiteStatus([])).toBe('ok');
    expect(suiteStatus([row('ok'), row('not-run')])).toBe('ok');
    expect(suiteStatus([row('ok'), row('failed'), row('error')])).toBe('error');
    expect(suiteStatus([row('timeout'), row('error')])).toBe('timeout');
    expect(suiteStatus([row('interrupted'), row('not-run'), row('timeout')])).toBe('interrupted');
    expect(statusCounts([row('ok'), row('ok'), row('not-run'), row('error')])).toEqual({ ok: 2, failed: 0, error: 1, timeout: 0, interrupted: 0, 'not-run': 1 });
  });
});
