/**
 * One experiment: the round trip to a worker for a few amounts of work. It
 * measures, records (metric, table) and checks, and returns what run() needs
 * for its headline. Copy this shape: `export async function name(ctx, options): Promise<Result>`.
 */
import type { LabContext } from '../../src/core/lab.js';
import { median } from '../../src/measure/stats.js';
import { busySum } from './busy.js';
import { isPong, type PingReply, type PingRequest } from './messages.js';

export interface RoundTripOptions {
  works: readonly number[];
  /** The worker file. The seam for the check's fault test, which passes a worker that skips the work. */
  worker?: URL;
}

export interface RoundTripResult {
  /** Median round trip with no work, ms. */
  emptyMs: number;
}

/** Bound on one reply: generous for a loaded machine, far short of the lab's --timeout. */
const REPLY_MS = 10_000;

export async function roundTrip(ctx: LabContext<unknown>, o: RoundTripOptions): Promise<RoundTripResult> {
  // Tracked: terminated when the lab ends, throws or is cancelled.
  const w = ctx.worker(o.worker ?? new URL('./ping.worker.js', import.meta.url));
  let id = 0;
  const ping = async (work: number): Promise<PingReply> => {
    const req: PingRequest = { type: 'ping', id: ++id, work };
    // Bound to ctx.signal: rejects on --timeout or Ctrl-C, and after REPLY_MS.
    const reply = ctx.nextMessage<PingReply>(w, REPLY_MS, `pong ${req.id}`, (m) => isPong(m) && m.id === req.id);
    w.postMessage(req);
    return reply;
  };

  const rows = [];
  const wrong: string[] = [];
  let emptyMs = 0;
  for (const work of o.works) {
    let last: PingReply | undefined;
    const s = await ctx.sample(async () => (last = await ping(work)));
    const summary = ctx.metric({ name: 'round trip', unit: 'ms', better: 'lower', variant: { work }, samples: s.wall });
    if (work === 0) emptyMs = summary.median;
    if (last?.sum !== busySum(work)) wrong.push(`work ${work}: got ${last?.sum}, expected ${busySum(work)}`);
    rows.push({ work, median: { value: summary.median, low: summary.ci.low, high: summary.ci.high }, n: s.wall.length });
  }
  ctx.table({
    title: 'Round trip to one worker',
    columns: [
      { key: 'work', label: 'work (iterations)' },
      { key: 'median', label: 'round trip', unit: 'ms' },
      { key: 'n', label: 'samples' },
    ],
    rows,
  });
  // A check asserts something that fails on a wrong result; its test injects that fault.
  ctx.check('every reply carries the checksum of the work asked for', wrong.length === 0, wrong.join('; ') || `${o.works.length} amounts of work`);
  return { emptyMs: emptyMs || median(rows.map((r) => r.median.value)) };
}
