import { describe, expect, it } from 'vitest';
import { EXIT, UsageError, BrokenLabError, exitCodesLine } from '../../src/core/errors.js';
import { STATUS_EXIT, emptyReport, exitCodeOf, statusOf, type Check, type Status } from '../../src/core/report.js';
import { machine } from '../../src/measure/machine.js';
import { schemaErrors } from '../helpers/schema.js';

const head = {
  lab: { id: 3, slug: 'life', title: 'Life' },
  options: { n: 1 },
  seed: 7,
  host: 'process' as const,
  machine: machine(),
  startedAt: '2025-01-01T00:00:00.000Z',
  durationMs: 12,
};

describe('emptyReport', () => {
  it('is valid conc.report/1, its startedAt checked as a date and time', () => {
    expect(schemaErrors(emptyReport(head))).toEqual([]);
    expect(schemaErrors(emptyReport({ ...head, startedAt: 'yesterday' }))).toEqual(['/startedAt must match format "date-time"']);
  });

  it('has every field of conc.report/1 in the order the three copies of it had, nothing recorded', () => {
    const r = emptyReport(head);
    expect(Object.keys(r)).toEqual([
      'schema', 'lab', 'options', 'seed', 'host', 'machine', 'startedAt', 'durationMs',
      'metrics', 'tables', 'charts', 'checks', 'outputs', 'notes', 'status',
    ]);
    expect(r).toMatchObject({ schema: 'conc.report/1', lab: head.lab, seed: 7, host: 'process', status: 'ok', metrics: [], outputs: {} });
    expect(r.error).toBeUndefined();
  });

  it('takes only id, slug and title of a lab definition, and carries a status and an error last', () => {
    const lab = { ...head.lab, summary: 'not in a report', run: () => {} };
    const r = emptyReport({ ...head, lab }, 'timeout', { name: 'TimeoutError', message: 'too slow' });
    expect(r.lab).toEqual({ id: 3, slug: 'life', title: 'Life' });
    expect(r.status).toBe('timeout');
    expect(Object.keys(r).at(-1)).toBe('error');
    expect(r.error).toEqual({ name: 'TimeoutError', message: 'too slow' });
  });

  it('gives each report its own arrays', () => {
    const a = emptyReport(head);
    a.checks.push({ name: 'x', ok: true, skipped: false });
    expect(emptyReport(head).checks).toEqual([]);
  });
});

describe('statuses and exit codes', () => {
  const check = (ok: boolean, skipped = false): Check => ({ name: 'c', ok, skipped });

  it('statusOf: failed only when a check that was not skipped failed', () => {
    expect(statusOf([])).toBe('ok');
    expect(statusOf([check(true), check(false, true)])).toBe('ok');
    expect(statusOf([check(true), check(false)])).toBe('failed');
  });

  it('maps every status onto the exit-code table (DESIGN.md: 0, 1, 1, 3, 130)', () => {
    const statuses: Status[] = ['ok', 'failed', 'error', 'timeout', 'interrupted'];
    expect(statuses.map(exitCodeOf)).toEqual([0, 1, 1, 3, 130]);
    expect(Object.keys(STATUS_EXIT).sort()).toEqual([...statuses].sort());
    for (const s of statuses) expect(Object.values(EXIT)).toContain(STATUS_EXIT[s]);
  });

  it('errors carry their exit code from the table', () => {
    expect(new UsageError('x').exitCode).toBe(EXIT.usage);
    expect(new BrokenLabError('x').exitCode).toBe(EXIT.failed);
    expect(EXIT).toEqual({ ok: 0, failed: 1, usage: 2, timeout: 3, interrupted: 130 });
  });

  it('writes the exit codes of a help text from the table, in its order', () => {
    expect(exitCodesLine({ usage: 'bad input', ok: 'compared' })).toBe('Exit codes: 0 compared; 2 bad input.');
    expect(exitCodesLine({ interrupted: 'interrupted', timeout: 'a lab timed out' })).toBe('Exit codes: 3 a lab timed out; 130 interrupted.');
  });
});
