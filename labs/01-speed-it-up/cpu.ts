/**
 * The CPU-bound workload: factorise seeded integers sequentially, with async
 * tasks on one thread, on k threads and on k processes. It checks the
 * factors, the checksums, that async brings no speedup, and that k threads
 * bring one and run at the same time.
 */
import type { LabContext } from '../../src/core/lab.js';
import { checkOnTries, untilQuiet } from '../../src/measure/contention.js';
import { msSince } from '../../src/measure/sample.js';
import { median, ratioOfMedians } from '../../src/measure/stats.js';
import { createRng } from '../../src/core/rng.js';
import { addHash, factorise as realFactorise, factorSlice, hex, isPrime, itemHash } from './checksum.js';
import { crewVariant, shares } from './crew.js';
import type { Job } from './messages.js';
import { judgeThreads, threadsPrecondition, type ThreadsJudgement } from './threads.js';
import {
  checksums,
  measureAll,
  remeasure,
  report,
  type Approach,
  type Speedups,
  type Variant,
} from './variants.js';

export const LOW = 20_000;
export const HIGH = 100_000_000;
/**
 * Async on one thread must stay below this: no faster than sequential (it
 * computes one number at a time, and its promises cost extra). Measured here
 * in --quick form: 0.34-0.61x; async done by threads, 1.2-1.8x (1.25 let a
 * 1.22x through in 1 of 10 runs).
 */
export const ASYNC_CPU_MAX = 1;
/** Pause before measuring the threads again on a busy machine. */
const RETRY_PAUSE_MS = 300;

export interface CpuOptions {
  numbers: number;
  workers: number;
  fresh: boolean;
  /** Median start-up of one thread (from the start-up experiment), ms. */
  threadStartMs: number;
  // Seams for the checks' fault tests, never set by the lab:
  /** The task file for threads and processes. */
  task?: URL;
  /** The reference factoriser (checked by product and primality). */
  factorise?: (n: number) => number[];
  /** Run the variant named by a key with another's strategy (async done by threads, say). */
  runAs?: Partial<Record<Approach, Approach>>;
  /** Tries on a busy machine, and the load (cores) that counts as busy. */
  tries?: number;
  busyLimit?: number;
}

export interface CpuResult {
  speedups: Speedups;
}

/** What one try of the timing checks found. */
interface Judgement extends ThreadsJudgement {
  asyncRatio: number;
  asyncOk: boolean;
}

export async function cpuWorkload(ctx: LabContext<unknown>, o: CpuOptions): Promise<CpuResult> {
  const { numbers: N, workers: k, fresh } = o;
  const factorise = o.factorise ?? realFactorise;
  const rng = createRng(ctx.rng.derive('cpu'));
  const numbers = Int32Array.from({ length: N }, () => rng.int(LOW, HIGH));

  // The reference, untimed: factorise each number once and verify it by other
  // means (the factors multiply back to n, and a sieve or Miller-Rabin says each is prime).
  ctx.progress('cpu: reference factorisation');
  const t0 = process.hrtime.bigint();
  let reference = 0;
  let factorCount = 0;
  const wrong: number[] = [];
  numbers.forEach((n, i) => {
    const f = factorise(n);
    factorCount += f.length;
    reference = addHash(reference, itemHash(i, f));
    if (f.reduce((p, x) => p * x, 1) !== n || !f.every(isPrime)) wrong.push(n);
  });
  ctx.check(
    'cpu: factorisations are correct',
    wrong.length === 0,
    `${N.toLocaleString('en-US')} numbers, ${factorCount.toLocaleString('en-US')} prime factors, product and primality verified for each; ` +
      `wrong: ${wrong.slice(0, 5).join(', ') || 'none'}`,
  );
  // A bound no share can reach unless something is stuck: the whole reference pass, times 20.
  const bound = 20 * msSince(t0) + 10_000;

  const jobs = (): Job[] =>
    shares(N, k).map(([lo, hi]) => ({ kind: 'cpu', offset: lo, numbers: numbers.slice(lo, hi) }));
  const strategies: Record<Approach, () => Variant> = {
    sequential: () => ({
      approach: 'sequential',
      k: 1,
      run: async () => ({ checksum: factorSlice(numbers, 0).checksum, childCpuMs: 0 }),
    }),
    async: () => ({
      approach: 'async',
      k: 1,
      run: async () => {
        // One task per number; `await null` makes each yield once, so all N are in flight
        // before any computes. They still compute one after another on this one thread.
        const hashes = await Promise.all(Array.from(numbers, async (n, i) => (await null, itemHash(i, factorise(n)))));
        return { checksum: hashes.reduce(addHash, 0), childCpuMs: 0 };
      },
    }),
    threads: () => crewVariant(ctx, { approach: 'threads', k, fresh, jobs, timeoutMs: bound, task: o.task }),
    processes: () => crewVariant(ctx, { approach: 'processes', k, fresh, jobs, timeoutMs: bound, task: o.task }),
  };
  const variant = (a: Approach): Variant => ({ ...strategies[o.runAs?.[a] ?? a](), approach: a });
  const variants = { sequential: variant('sequential'), async: variant('async'), threads: variant('threads'), processes: variant('processes') };
  const ms = await measureAll(ctx, 'cpu', variants);

  // The timing checks, judged on a try during which other processes left the cores free: measured
  // again, a bounded number of times, while they did not. Load can fake a pass (on the sequential
  // baseline, a speedup; on async, "no speedup"), so a busy try counts only for cores busy, which
  // load can only lower.
  const setting = { k, cores: ctx.machine.effectiveCores, fresh, threadStartMs: o.threadStartMs };
  const seqMs = median(ms.sequential.wall);
  const pre = {
    async: seqMs < 5 ? `${seqMs.toFixed(2)} ms of work is too little to time` : null,
    ...threadsPrecondition(setting, seqMs),
  };
  const judge = (): Judgement => {
    const asyncRatio = ratioOfMedians(ms.sequential.wall, ms.async.wall).ratio;
    return { ...judgeThreads(setting, ms.sequential, ms.threads), asyncRatio, asyncOk: asyncRatio < ASYNC_CPU_MAX };
  };
  const tried =
    pre.async && pre.speedup && pre.overlap
      ? null
      : await untilQuiet<Judgement>(
          async (n) => {
            if (n > 1) {
              ctx.progress(`cpu: sequential, async and threads again (try ${n})`);
              for (const a of ['sequential', 'async', 'threads'] as const) ms[a] = await remeasure(ctx, variants[a], ms[a]);
            }
            const j = judge();
            const ok = (pre.async !== null || j.asyncOk) && (pre.speedup !== null || j.speedupOk) && (pre.overlap !== null || j.overlapOk);
            const loads = [ms.sequential, ms.async, ms.threads].map((m) => m.othersCores);
            const othersCores = loads.some((x) => x === null) ? null : Math.max(...(loads as number[]));
            return { value: j, ok, othersCores, trustBusyPass: pre.async !== null && pre.speedup !== null };
          },
          { tries: o.tries, limit: o.busyLimit, between: () => ctx.sleep(RETRY_PAUSE_MS) },
        );

  ctx.output('cpu.factors', factorCount);
  checksums(ctx, 'cpu', 'every variant finds the same factors', hex(reference), ms);
  const speedups = report(ctx, 'cpu', ms, `${N.toLocaleString('en-US')} numbers`, fresh);

  const names = { async: 'cpu: async brings no speedup', speedup: 'cpu: k threads bring a speedup', overlap: 'cpu: k threads run at the same time' };
  const j = tried?.value;
  if (pre.async || !tried || !j) ctx.skip(names.async, pre.async ?? '');
  else
    checkOnTries(
      ctx,
      names.async,
      j.asyncOk,
      `async ${j.asyncRatio.toFixed(2)}x sequential (needs < ${ASYNC_CPU_MAX}x): one thread computes one number at a time`,
      tried,
    );
  if (pre.speedup || !tried || !j) ctx.skip(names.speedup, pre.speedup ?? '');
  else checkOnTries(ctx, names.speedup, j.speedupOk, j.speedupDetail, tried);
  if (pre.overlap || !tried || !j) ctx.skip(names.overlap, pre.overlap ?? '');
  else checkOnTries(ctx, names.overlap, j.overlapOk, j.overlapDetail, tried, true);
  return { speedups };
}
