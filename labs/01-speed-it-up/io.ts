/**
 * The I/O-bound workload: requests to a slow local HTTP server, sent one
 * after another, all at once on one thread, from k threads and from k
 * processes. It checks the answers, that the server really waits, and that
 * async alone brings a speedup.
 */
import type { LabContext } from '../../src/core/lab.js';
import { createRng } from '../../src/core/rng.js';
import { min } from '../../src/measure/stats.js';
import { addHash, hex, itemHash } from './checksum.js';
import { crewVariant, shares } from './crew.js';
import { getAllAtOnce, getSequentially } from './http-client.js';
import type { Job } from './messages.js';
import { startDelayServer, type DelayServer } from './server.js';
import { checksums, measureAll, report, type Approach, type Speedups, type Variant } from './variants.js';

/** Async alone must beat sequential by this much (the ideal is the request count). */
export const ASYNC_IO_MIN = 2;

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
  const ms = await measureAll(ctx, 'io', {
    sequential: variant('sequential'),
    async: variant('async'),
    threads: variant('threads'),
    processes: variant('processes'),
  });
  checksums(ctx, 'io', 'every variant gets the same answers', hex(expected), ms);

  const speedups = report(ctx, 'io', ms, `${R} requests, ${delay} ms each`, fresh);
  const fastest = min(ms.sequential.wall);
  if (delay < 2) ctx.skip('io: the server really waits', `--delay ${delay}ms leaves no wait to measure`);
  else
    ctx.check(
      'io: the server really waits',
      fastest >= R * (delay - 1),
      `fastest sequential run ${fastest.toFixed(1)} ms for ${R} requests of ${delay} ms ` +
        `(needs >= ${R} x ${delay - 1} ms: a timer may fire up to 1 ms early)`,
    );
  const name = 'io: async alone brings a speedup';
  if (R < 8 || delay < 10) ctx.skip(name, `needs --requests >= 8 and --delay >= 10ms to show (got ${R}, ${delay} ms)`);
  else
    ctx.check(
      name,
      speedups.async.ratio >= ASYNC_IO_MIN,
      `async ${speedups.async.ratio.toFixed(2)}x sequential on one thread ` +
        `(needs >= ${ASYNC_IO_MIN}x; the ideal is ${R}x: all the waits overlap)`,
    );
  return { speedups };
}
