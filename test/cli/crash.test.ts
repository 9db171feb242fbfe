/**
 * A lab that crashes is that lab's error, never conc's: a worker that crashes
 * natively (process host), a worker that runs out of memory, a lab that calls
 * process.exit, and one whose timer throws each end as status error with the
 * cause in one line, exit 1; `conc lab all` carries on to the next lab.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from '../helpers/run-lab.js';

const env = { CONC_LABS_DIR: path.join(ROOT, 'test/fixtures/labs-crash') };
// A native crash may leave a core file in the working directory: keep it out of the project.
const cwd = mkdtempSync(path.join(os.tmpdir(), 'conc-crash-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const cases = [
  { id: 1, host: 'process', cause: /crashed \(SIGSEGV: a native crash\)/ },
  { id: 2, host: 'worker', cause: /memory limit/ },
  { id: 2, host: 'process', cause: /memory limit/ },
  { id: 3, host: 'worker', cause: /exited with code 7/ },
  { id: 3, host: 'process', cause: /exited \(code 7\)/ },
  { id: 4, host: 'worker', cause: /uncaught exception: thrown from a timer/ },
  { id: 4, host: 'process', cause: /uncaught exception: thrown from a timer/ },
];

describe('a crashing lab', () => {
  it.each(cases)('lab $id on the $host host is an error with its cause, exit 1', async ({ id, host, cause }) => {
    const r = await runCli(['lab', String(id), '--host', host, '--json'], { env, cwd, timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.status).toBe('error');
    expect(report.error.message).toMatch(cause);
    expect(r.stderr).toMatch(cause);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('does not stop conc lab all: every lab runs, the crashes are error rows, the last lab passes', async () => {
    const r = await runCli(['lab', 'all', '--json'], { env, cwd, timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    const suite = JSON.parse(r.stdout);
    expect(suite.labs.map((l: { id: number; status: string }) => [l.id, l.status])).toEqual([
      [1, 'error'],
      [2, 'error'],
      [3, 'error'],
      [4, 'error'],
      [5, 'ok'],
    ]);
    expect(readdirSync(cwd).filter((f) => !f.startsWith('core'))).toEqual([]);
  });
});
