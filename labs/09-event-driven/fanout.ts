/**
 * Concurrency on one thread: fan out N requests to the local delay server
 * under a concurrency limit, for each limit of a sweep. Throughput against
 * the limit, and the most requests in flight at once, counted at the server
 * (not by the limiter, which would be judging itself).
 */
import http from 'node:http';
import type { LabContext } from '../../src/core/lab.js';
import { median } from '../../src/measure/stats.js';
import { itemPath, type DelayServer } from '../../src/workloads/delay-server.js';
import { get as realGet, type Get } from '../../src/workloads/http-get.js';
import { createLimiter, mapLimit, type LimiterFactory } from '../../src/workloads/limiter.js';

export interface FanoutOptions {
  server: DelayServer;
  requests: number;
  limits: readonly number[];
  /** Runs per limit. */
  repeat: number;
  /** The limiter: the seam a fault test replaces with one that lets limit + 1 through. */
  limiter?: LimiterFactory;
  get?: Get;
}

export interface FanoutResult {
  /** Throughput (requests/s, median) for each limit. */
  throughput: Map<number, number>;
}

/** Tries per run when the server saw fewer than min(limit, requests) at once (a stall longer than the delay while the first requests went out). */
const TRIES = 3;

interface Run {
  wallMs: number;
  maxInFlight: number;
  served: number;
  tries: number;
}

async function oneRun(ctx: LabContext<unknown>, o: FanoutOptions, limit: number): Promise<Run> {
  const get = o.get ?? realGet;
  const want = Math.min(limit, o.requests);
  let run: Run | undefined;
  for (let tries = 1; tries <= TRIES; tries++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    try {
      o.server.resetStats();
      const items = Array.from({ length: o.requests }, (_, i) => i);
      // Each request is bounded: far past the delay, well inside the lab's --timeout.
      const timeoutMs = 10_000 + o.server.delayMs * o.requests;
      const t0 = performance.now();
      const bodies = await mapLimit(items, (o.limiter ?? createLimiter)(limit, ctx.signal), (i) =>
        get(o.server.baseUrl + itemPath(i), { agent, signal: ctx.signal, timeoutMs }),
      );
      const wallMs = performance.now() - t0;
      const s = o.server.stats();
      const wrong = bodies.findIndex((b, i) => b !== String(i));
      if (wrong >= 0) throw new Error(`request ${wrong} got "${bodies[wrong]}"`);
      run = { wallMs, maxInFlight: s.maxInFlight, served: s.served, tries };
      if (s.maxInFlight >= want) break;
    } finally {
      agent.destroy();
    }
  }
  return run as Run;
}

export async function fanout(ctx: LabContext<unknown>, o: FanoutOptions): Promise<FanoutResult> {
  const rows = [];
  const throughput = new Map<number, number>();
  const maxInFlight: Record<string, number> = {};
  const over: string[] = [];
  const under: string[] = [];
  let retried = 0;
  for (const [li, limit] of o.limits.entries()) {
    ctx.progress(`fan-out, limit ${limit}`, li / o.limits.length);
    const runs: Run[] = [];
    for (let r = 0; r < o.repeat; r++) runs.push(await oneRun(ctx, o, limit));
    const rates = runs.map((x) => (o.requests / x.wallMs) * 1000);
    const summary = ctx.metric({ name: 'throughput', unit: 'req/s', better: 'higher', variant: { limit, requests: o.requests }, samples: rates });
    throughput.set(limit, summary.median);
    const seen = Math.max(...runs.map((x) => x.maxInFlight));
    maxInFlight[String(limit)] = seen;
    retried += runs.reduce((s, x) => s + x.tries - 1, 0);
    const want = Math.min(limit, o.requests);
    for (const [i, x] of runs.entries()) {
      if (x.maxInFlight > limit) over.push(`limit ${limit} run ${i + 1}: ${x.maxInFlight} at once`);
      if (x.maxInFlight !== want) under.push(`limit ${limit} run ${i + 1}: ${x.maxInFlight} (${x.tries} tries)`);
      if (x.served !== o.requests) under.push(`limit ${limit} run ${i + 1}: ${x.served}/${o.requests} served`);
    }
    rows.push({
      limit,
      wall: { value: median(runs.map((x) => x.wallMs)), low: Math.min(...runs.map((x) => x.wallMs)), high: Math.max(...runs.map((x) => x.wallMs)) },
      rate: summary.median,
      ideal: Math.ceil(o.requests / limit) * o.server.delayMs,
      seen,
    });
  }
  ctx.output('fanout.maxInFlight', maxInFlight);
  ctx.table({
    title: `Fan-out: ${o.requests} requests, ${o.server.delayMs} ms each, under a limit`,
    columns: [
      { key: 'limit', label: 'limit' },
      { key: 'wall', label: 'wall', unit: 'ms' },
      { key: 'ideal', label: 'ideal', unit: 'ms' },
      { key: 'rate', label: 'req/s' },
      { key: 'seen', label: 'max in flight' },
    ],
    rows,
    note:
      `ideal: ceil(requests / limit) x delay. max in flight: the most requests open at once, counted by the server. ` +
      `${o.repeat} run(s) per limit, median (min-max).` +
      (retried ? ` ${retried} run(s) were measured again after the server saw fewer than min(limit, requests) at once.` : ''),
  });
  ctx.check('limit never exceeded (in flight at the server)', over.length === 0, over.length ? over.slice(0, 3).join('; ') : `${o.limits.length} limit${o.limits.length === 1 ? '' : 's'} x ${o.repeat} run${o.repeat === 1 ? '' : 's'}`);
  ctx.check(
    'server saw min(limit, requests) at once',
    under.length === 0,
    under.length ? under.slice(0, 3).join('; ') : `${o.limits.length} limit${o.limits.length === 1 ? '' : 's'}, all served`,
  );
  return { throughput };
}
