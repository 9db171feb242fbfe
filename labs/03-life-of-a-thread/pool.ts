/**
 * Experiment: the libuv thread pool. fs, dns.lookup, crypto.pbkdf2 and zlib
 * run on a fixed pool of UV_THREADPOOL_SIZE threads, so k calls that each hold
 * a thread complete in waves of pool-size calls: ceil(k / n) waves. libuv reads
 * the variable once, when its pool starts, so each pool size runs in its own
 * child process (gate.child.ts). The calls are FIFO opens that hold a thread
 * asleep until the child's gate lets them through, hold ms apart: the waves
 * show the pool's size exactly, whatever the number of cores, and the check
 * is exact for every pool size.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabContext } from '../../src/core/lab.js';
import { WAIT_MS } from './lifecycle.js';
import type { GateReport } from './messages.js';
import { gateTable } from './tables.js';
import { countWaves, expectedWaves, gateRound, waveVerdict, type GateRound, type WaveCounter } from './waves.js';

export const GATE_CHILD_URL = new URL('./gate.child.js', import.meta.url);

export interface PoolWavesOptions {
  poolSizes: readonly number[];
  /** Calls k queued at once in each child. */
  tasks: number;
  /** How long the gate holds each wave, ms. */
  hold: number;
  /** Children per pool size. */
  rounds: number;
  /** The gate child: the seam for the fault tests (a pool that runs one call at a time, or has the wrong size). */
  child?: URL;
  /** The wave counter: the seam for the fault test that forces the count. */
  count?: WaveCounter;
}

export interface PoolRow {
  poolSize: number;
  rounds: GateRound[];
}

export async function poolWaves(ctx: LabContext<unknown>, o: PoolWavesOptions): Promise<void> {
  // One set of k FIFOs per pool size: the sizes run at once, each in its own child. Their
  // waves do not depend on the cores, so running side by side does not change them.
  const prefixes = o.poolSizes.map((_, i) => `pool${i}-call-`);
  const fifos = await makeFifos(ctx, prefixes, o.tasks);
  if ('reason' in fifos) {
    for (const n of o.poolSizes) ctx.skip(waveVerdict(n, o.tasks, []).name, fifos.reason);
    return;
  }
  let ran = 0;
  const total = o.poolSizes.length * o.rounds;
  const sizeRounds = async (n: number, i: number): Promise<GateRound[]> => {
    const rounds: GateRound[] = [];
    for (let r = 0; r < o.rounds; r++) {
      const rep = await runGate(ctx, join(fifos.dir, prefixes[i] as string), n, o);
      rounds.push(gateRound(rep, o.hold, o.count ?? countWaves));
      ctx.progress(`libuv pool: ${++ran} of ${total} batches done`, ran / total);
    }
    return rounds;
  };
  ctx.progress(`libuv pool: sizes ${o.poolSizes.join(', ')}, ${o.rounds} round(s) each`, 0);
  const all = await Promise.all(o.poolSizes.map(sizeRounds));
  const rows: PoolRow[] = o.poolSizes.map((n, i) => ({ poolSize: n, rounds: all[i] as GateRound[] }));
  for (const { poolSize: n, rounds } of rows) {
    ctx.metric({
      name: 'pool batch',
      unit: 'ms',
      better: 'lower',
      variant: { pool: n, tasks: o.tasks, hold: o.hold },
      samples: rounds.map((x) => x.doneMs),
    });
    const v = waveVerdict(n, o.tasks, rounds);
    ctx.check(v.name, v.ok, v.detail);
  }
  ctx.output('expected waves', Object.fromEntries(o.poolSizes.map((n) => [n, expectedWaves(o.tasks, n).length])));
  ctx.chart({
    type: 'line',
    title: `${o.tasks} calls queued at once: completion times (the steps are the waves)`,
    xLabel: 'call, by completion',
    yLabel: 'ms after queueing',
    x: Array.from({ length: o.tasks }, (_, i) => i + 1),
    series: rows.map((r) => ({ name: `pool ${r.poolSize}`, values: [...(r.rounds[0]?.completions ?? [])].sort((a, b) => a - b) })),
  });
  ctx.table(gateTable(rows, o.tasks, o.hold, ctx.machine.effectiveCores));
  const unsettled = rows.flatMap((r) => r.rounds).reduce((s, x) => s + x.unsettled, 0);
  if (unsettled > 0)
    ctx.note(
      `At ${unsettled} gate opening(s) some thread of the pool's process was still runnable after 200 ms; ` +
        'the gate opened anyway (waves may split there).',
    );
}

/** A temp dir with k FIFOs per prefix, removed when the lab ends (whatever the way); or why there is none. */
async function makeFifos(ctx: LabContext<unknown>, prefixes: readonly string[], k: number): Promise<{ dir: string } | { reason: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'conc-lab3-'));
  ctx.defer(() => rmSync(dir, { recursive: true, force: true }));
  const paths = prefixes.flatMap((p) => Array.from({ length: k }, (_, i) => join(dir, `${p}${i}`)));
  const p = ctx.spawn('mkfifo', ['-m', '600', ...paths]);
  const ended = new Promise<number | string | Error>((resolve) => {
    p.once('error', resolve);
    p.once('exit', (code, sig) => resolve(code ?? sig ?? 'unknown'));
  });
  const r = await ctx.withTimeout(ended, 10_000, 'mkfifo');
  if (r instanceof Error) return { reason: `no mkfifo here (${(r as NodeJS.ErrnoException).code ?? r.message})` };
  return r === 0 ? { dir } : { reason: `mkfifo exited with ${r}` };
}

async function runGate(ctx: LabContext<unknown>, prefix: string, n: number, o: PoolWavesOptions): Promise<GateReport> {
  const child = ctx.fork(o.child ?? GATE_CHILD_URL, [prefix, String(o.tasks), String(o.hold)], {
    env: { ...process.env, UV_THREADPOOL_SIZE: String(n) },
  });
  // Each opening takes the hold and at most the child's settle bound; a stuck pool ends the child sooner.
  const bound = WAIT_MS + (o.tasks + 60) * (o.hold + 250);
  const what = `pool child (size ${n})`;
  const exit = ctx.waitForExit(child, bound, what);
  exit.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const rep = await ctx.nextMessage<GateReport>(child, bound, what, (m) => (m as GateReport).type === 'gate-report');
  await exit;
  return rep;
}
