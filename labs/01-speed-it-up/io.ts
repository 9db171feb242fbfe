/**
 * The I/O-bound workload: requests to a slow local HTTP server, sent one
 * after another, all at once on one thread, from k threads and from k
 * processes. It checks the answers, that the server really waits, and that
 * async alone brings a speedup.
 */
import type { LabContext } from '../../src/core/lab.js';
import { createRng } from '../../src/core/rng.js';
import { checkOnTries, untilQuiet } from '../../src/measure/contention.js';
import { min, ratioOfMedians } from '../../src/measure/stats.js';
import { addHash, hex, itemHash } from './checksum.js';
import { crewVariant, shares } from './crew.js';
import { getAllAtOnce, getSequentially } from './http-client.js';
import type { Job } from './messages.js';
import { startDelayServer, type DelayServer } from './server.js';
import { checksums, measureAll, remeasure, report, type Approach, type Speedups, type Variant } from './variants.js';

/** Async alone must beat sequential by this much (the ideal is the request count). */
export const ASYNC_IO_MIN = 2;
/** Pause before measuring again on a busy machine. */
const RETRY_PAUSE_MS = 300;

export interface IoOptions {
  requests: number;
  /** How long the server takes to answer, ms. */
  delay: number;
  workers: number;
  fresh: boolean;
  // Seams for the checks' fault tests, never set by the lab:
  /** The task file for threads and processes. */
  task?: URL;
  /** Starts the server (tests pass one that does not wait). */
  startServer?: (tokens: Uint32Array, delayMs: number) => Promise<DelayServer>;
  /** Run the variant named by a key with another's strategy. */
  runAs?: Partial<Record<Approach, Approach>>;
  /** Tries on a busy machine, and the load (cores) that counts as busy. */
  tries?: number;
  busyLimit?: number;
}

export interface IoResult {
  speedups: Speedups;
}

export async function ioWorkload(ctx: LabContext<unknown>, o: IoOptions): Promise<IoResult> {
  const { requests: R, delay, workers: k, fresh } = o;
  const rng = createRng(ctx.rng.derive('io'));
  const tokens = Uint32Array.from({ length: R }, () => rng.int(0, 0xffffffff));
  const expected = tokens.reduce((s, t, i) => addHash(s, itemHash(i, [t])), 0);
  const server = await (o.startServer ?? startDelayServer)(tokens, delay);
  ctx.defer(() => server.close());

  const url = server.baseUrl;
  const perRequest = delay + 10_000;
  const jobs = (): Job[] =>
    shares(R, k).map(([lo, hi]) => ({ kind: 'io', baseUrl: url, first: lo, count: hi - lo, timeoutMs: perRequest }));
  const strategies: Record<Approach, () => Variant> = {
    sequential: () => ({
      approach: 'sequential',
      k: 1,
      run: async () => ({ checksum: await getSequentially(url, 0, R, perRequest, ctx.signal), childCpuMs: 0 }),
    }),
    async: () => ({
      approach: 'async',
      k: 1,
      run: async () => ({ checksum: await getAllAtOnce(url, R, perRequest, ctx.signal), childCpuMs: 0 }),
    }),
    threads: () => crewVariant(ctx, { approach: 'threads', k, fresh, jobs, timeoutMs: R * perRequest, task: o.task }),
    processes: () =>
      crewVariant(ctx, { approach: 'processes', k, fresh, jobs, timeoutMs: R * perRequest, task: o.task }),
  };
  const variant = (a: Approach): Variant => ({ ...strategies[o.runAs?.[a] ?? a](), approach: a });
  const variants = { sequential: variant('sequential'), async: variant('async'), threads: variant('threads'), processes: variant('processes') };
  const ms = await measureAll(ctx, 'io', variants);

  // The timing checks, judged on a try during which other processes left the machine alone (a
  // loaded machine slows every request, which can fake a server that waits, or hide async's
  // gain): sequential and async measured again, a bounded number of times, while it did not.
  const pre = {
    waits: delay < 2 ? `--delay ${delay}ms leaves no wait to measure` : null,
    async: R < 8 || delay < 10 ? `needs --requests >= 8 and --delay >= 10ms to show (got ${R}, ${delay} ms)` : null,
  };
  const judge = (): { fastest: number; waitsOk: boolean; asyncRatio: number; asyncOk: boolean } => {
    const fastest = min(ms.sequential.wall);
    const asyncRatio = ratioOfMedians(ms.sequential.wall, ms.async.wall).ratio;
    return { fastest, waitsOk: fastest >= R * (delay - 1), asyncRatio, asyncOk: asyncRatio >= ASYNC_IO_MIN };
  };
  const tried =
    pre.waits && pre.async
      ? null
      : await untilQuiet(
          async (n) => {
            if (n > 1) {
              ctx.progress(`io: sequential and async again (try ${n})`);
              for (const a of ['sequential', 'async'] as const) ms[a] = await remeasure(ctx, variants[a], ms[a]);
            }
            const j = judge();
            const loads = [ms.sequential.othersCores, ms.async.othersCores];
            const othersCores = loads.some((x) => x === null) ? null : Math.max(...(loads as number[]));
            return { value: j, ok: (pre.waits !== null || j.waitsOk) && (pre.async !== null || j.asyncOk), othersCores };
          },
          { tries: o.tries, limit: o.busyLimit, between: () => ctx.sleep(RETRY_PAUSE_MS) },
        );
  checksums(ctx, 'io', 'every variant gets the same answers', hex(expected), ms);
  const speedups = report(ctx, 'io', ms, `${R.toLocaleString('en-US')} requests, ${delay.toLocaleString('en-US')} ms each`, fresh);

  const names = { waits: 'io: the server really waits', async: 'io: async alone brings a speedup' };
  const j = tried?.value;
  if (pre.waits || !tried || !j) ctx.skip(names.waits, pre.waits ?? '');
  else
    checkOnTries(
      ctx,
      names.waits,
      j.waitsOk,
      `fastest sequential run ${j.fastest.toLocaleString('en-US', { maximumFractionDigits: 1 })} ms for ${R.toLocaleString('en-US')} requests of ${delay} ms ` +
        `(needs >= ${R} x ${delay - 1} ms: a timer may fire up to 1 ms early)`,
      tried,
    );
  if (pre.async || !tried || !j) ctx.skip(names.async, pre.async ?? '');
  else
    checkOnTries(
      ctx,
      names.async,
      j.asyncOk,
      `async ${j.asyncRatio.toFixed(2)}x sequential on one thread (needs >= ${ASYNC_IO_MIN}x; the ideal is ${R.toLocaleString('en-US')}x: all the waits overlap)`,
      tried,
    );
  return { speedups };
}
