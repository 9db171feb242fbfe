/**
 * The hosts, through the compiled dist/ (the lab entry runs as a worker or a
 * child process): errors become data, --timeout and interrupts kill the lab
 * and everything it started.
 */
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, isRunning } from '../helpers/run-lab.js';

process.env.CONC_LABS_DIR = path.join(ROOT, 'test/fixtures/labs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'conc-host-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type HostMod = typeof import('../../src/hosts/run-lab.js');
type RegMod = typeof import('../../src/core/registry.js');
const { runInHost } = (await import(path.join(ROOT, 'dist/src/hosts/run-lab.js'))) as HostMod;
const { loadRegistry, resolveLab } = (await import(path.join(ROOT, 'dist/src/core/registry.js'))) as RegMod;
const reg = await loadRegistry();
const poolReg = await loadRegistry(path.join(ROOT, 'test/fixtures/labs-pool'));

function run(ref: string, host: 'worker' | 'process', extra: { timeoutMs?: number; signal?: AbortSignal; options?: Record<string, unknown> } = {}) {
  const e = resolveLab(reg, ref);
  return runInHost({
    lab: e.lab,
    labUrl: e.url,
    options: extra.options ?? {},
    common: { quick: true, repeat: 3, warmup: 0, seed: 1 },
    host,
    timeoutMs: extra.timeoutMs ?? 20_000,
    ...(extra.signal ? { signal: extra.signal } : {}),
  });
}

async function waitFor(file: string, ms: number): Promise<{ child: number; host: number }> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as { child: number; host: number };
      } catch {
        /* half written */
      }
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no pid file ${file} after ${ms} ms`);
}

async function gone(pid: number, ms = 2000): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (!isRunning(pid)) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

describe.each(['worker', 'process'] as const)('%s host', (host) => {
  it('returns the report of a lab that passes', async () => {
    const r = await run('1', host, { options: { count: 100, mode: 'b', fail: false } });
    expect(r.status).toBe('ok');
    expect(r.host).toBe(host);
    expect(r.metrics[0]?.samples.length).toBe(3);
    expect(r.metrics[0]?.variant).toEqual({ mode: 'b' });
    expect(r.outputs.sum).toBe(4950);
    // The process host runs the lab in another process; the worker host in ours.
    if (host === 'process') expect(r.notes).not.toContain(`pid ${process.pid}`);
    else expect(r.notes).toContain(`pid ${process.pid}`);
  });

  it('turns a failed check into status failed', async () => {
    const r = await run('1', host, { options: { count: 10, mode: 'a', fail: true } });
    expect(r.status).toBe('failed');
    expect(r.checks[0]).toMatchObject({ ok: false, skipped: false });
  });

  it('turns an exception into status error with its message and stack', async () => {
    const r = await run('2', host);
    expect(r.status).toBe('error');
    expect(r.error?.name).toBe('RangeError');
    expect(r.error?.message).toBe('the fixture lab threw on purpose');
    expect(r.error?.stack).toContain('lab.js');
  });

  it('kills a lab past its timeout within a second or two, with its child process and worker', async () => {
    const pidFile = path.join(tmp, `pids-timeout-${host}.json`);
    process.env.CONC_FIXTURE_PIDS = pidFile;
    const t0 = Date.now();
    const r = await run('3', host, { timeoutMs: 1000 });
    const ms = Date.now() - t0;
    expect(r.status).toBe('timeout');
    expect(r.error?.message).toBe('lab 3 (hangs) timed out after 1 s');
    expect(ms).toBeLessThan(3500);
    const pids = await waitFor(pidFile, 100);
    // The fixture's child ignores SIGTERM: only the SIGKILL after the grace period ends it.
    expect(await gone(pids.child)).toBe(true);
    if (host === 'process') expect(await gone(pids.host)).toBe(true);
  });

  it('stops an interrupted lab and leaves nothing behind', async () => {
    const pidFile = path.join(tmp, `pids-int-${host}.json`);
    process.env.CONC_FIXTURE_PIDS = pidFile;
    const ac = new AbortController();
    const p = run('3', host, { signal: ac.signal, timeoutMs: 30_000 });
    const pids = await waitFor(pidFile, 10_000);
    ac.abort();
    const r = await p;
    expect(r.status).toBe('interrupted');
    expect(await gone(pids.child)).toBe(true);
    if (host === 'process') expect(await gone(pids.host)).toBe(true);
  });

  it.each(['timeout', 'interrupt'] as const)(
    'runs a lab\'s deferred teardown on %s: its open piscina pool is destroyed and its untracked child killed',
    async (how) => {
      const pidFile = path.join(tmp, `pids-pool-${how}-${host}.json`);
      process.env.CONC_FIXTURE_PIDS = pidFile;
      const e = resolveLab(poolReg, '7');
      const ac = new AbortController();
      const p = runInHost({
        lab: e.lab,
        labUrl: e.url,
        options: {},
        common: { quick: true, repeat: 3, warmup: 0, seed: 1 },
        host,
        timeoutMs: how === 'timeout' ? 1500 : 30_000,
        signal: ac.signal,
      });
      const pids = await waitFor(pidFile, 10_000);
      expect(pids).toMatchObject({ poolThreads: 2 });
      if (how === 'interrupt') ac.abort();
      const r = await p;
      expect(r.status).toBe(how === 'timeout' ? 'timeout' : 'interrupted');
      // pool.destroy() resolved before the lab's thread or process was killed.
      expect(JSON.parse(readFileSync(`${pidFile}.closed`, 'utf8'))).toEqual({ poolThreads: 0 });
      expect(await gone(pids.child)).toBe(true);
      if (host === 'process') expect(await gone(pids.host)).toBe(true);
    },
  );
});

