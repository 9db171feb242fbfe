/**
 * One measurement each, on the endpoint workers: a throughput run (producers
 * flood, consumers verify), a ping-pong (round-trip latency), the warm-up
 * that calibrates a run's length, and the shared-queue runs. Each wires the
 * endpoints for a transport (wires.ts), starts the receiving side first, then
 * the sending side, and gathers what they report. The experiments (one file
 * each) call these and record, table and check what comes back.
 */
import { SharedQueue, type SharedQueueKind } from '../../src/sync/index.js';
import type { Endpoints } from './endpoints.js';
import type { ConsumeResult, PingResult, PongResult, ProduceResult, SqGetResult, ThreadTime, Transport } from './messages.js';
import { countTaken, type Stress } from './orders.js';
import { mix32 } from './payload.js';
import { WIRES, type Wire } from './wires.js';

/** Bound on each blocking wait inside the endpoints. */
export const WAIT_MS = 20_000;

export interface Flow {
  messages: number;
  seconds: number;
  /** messages per second */
  rate: number;
  received: number;
  badOrder: number;
  duplicates: number;
  /** seqs never received */
  missing: number;
  badChecksum: number;
  checksum: number;
  fullPuts: number;
  blockedMs: number;
  maxDepth: number;
  /** From the first producer's first send to the last producer's return, ms. */
  putMs: number;
}

export interface FlowOptions {
  seed: number;
  /** Bound on each blocking wait inside the endpoints. */
  timeoutMs: number;
  /** queue: slots, and busy work per message in the consumers */
  slots?: number;
  workUs?: number;
  /** How the transport is wired (default: WIRES[t]); a test may pass another. */
  wire?: Wire;
}

export async function throughput(ep: Endpoints, t: Transport, size: number, count: number, o: FlowOptions): Promise<Flow> {
  const s = (o.wire ?? WIRES[t]).stream(ep, size, count, o.slots === undefined ? {} : { slots: o.slots });
  try {
    const base = { size, seed: o.seed, timeoutMs: o.timeoutMs };
    const per = Math.ceil(count / s.producers.length);
    const shared = s.seen?.buffer as SharedArrayBuffer | undefined;
    const job = { ...base, type: 'consume', per, producers: s.producers.length, total: count, workUs: o.workUs ?? 0 } as const;
    const cs = s.consumers.map((c) =>
      ep.call<ConsumeResult>(c.endpoint, shared ? { ...job, rx: c.channel, seen: shared } : { ...job, rx: c.channel }, c.transfer),
    );
    await Promise.all(cs.map((c) => c.ready));
    const ps = s.producers.map(
      (p, i) =>
        ep.call<ProduceResult>(
          p.endpoint,
          { ...base, type: 'produce', tx: p.channel, from: i * per, count: Math.max(0, Math.min(per, count - i * per)) },
          p.transfer,
        ).done,
    );
    const pr = await Promise.all(ps);
    const cr = await Promise.all(cs.map((c) => c.done));
    const start = Math.min(...pr.map((p) => p.startNs));
    const end = Math.max(...cr.map((c) => c.endNs));
    const sum = (f: (c: ConsumeResult) => number): number => cr.reduce((a, c) => a + f(c), 0);
    const seconds = (end - start) / 1e9;
    return {
      messages: count,
      seconds,
      rate: count / seconds,
      received: sum((c) => c.received),
      badOrder: sum((c) => c.badOrder),
      duplicates: sum((c) => c.duplicates),
      missing: s.seen ? s.seen.reduce((a, n) => a + (n === 0 ? 1 : 0), 0) : sum((c) => c.missing),
      badChecksum: sum((c) => c.badChecksum),
      checksum: sum((c) => c.checksum),
      fullPuts: pr.reduce((a, p) => a + p.fullPuts, 0),
      blockedMs: pr.reduce((a, p) => a + p.blockedNs, 0) / 1e6,
      maxDepth: Math.max(...cr.map((c) => c.maxDepth)),
      putMs: (Math.max(...pr.map((p) => p.endNs)) - start) / 1e6,
    };
  } finally {
    s.close();
  }
}

export interface RoundTrips {
  /** Round-trip times, µs. */
  rttUs: number[];
  /** Echoes that were not the ping sent. */
  badEcho: number;
  /**
   * Over the timed round trips, both threads together (ping + pong): time on a
   * CPU and time waiting for one, ns (Linux only).
   */
  sched?: ThreadTime;
}

/** Round trips of one message between endpoints 0 (ping) and 1 (pong). */
export async function pingPong(
  ep: Endpoints,
  t: Transport,
  size: number,
  rounds: number,
  warmup: number,
  o: FlowOptions,
): Promise<RoundTrips> {
  const base = { size, seed: o.seed, timeoutMs: o.timeoutMs };
  const l = (o.wire ?? WIRES[t]).loop(ep, size);
  try {
    const pc = ep.call<PongResult>(1, { ...base, type: 'pong', tx: l.pong.tx, rx: l.pong.rx, rounds: warmup + rounds, timedFrom: warmup }, l.pong.transfer);
    await pc.ready;
    const r = await ep.call<PingResult>(0, { ...base, type: 'ping', tx: l.ping.tx, rx: l.ping.rx, warmup, rounds }, l.ping.transfer).done;
    const pong = await pc.done;
    const [a, b] = [r.sched, pong?.sched];
    const sched = a && b ? { cpuNs: a.cpuNs + b.cpuNs, waitNs: a.waitNs + b.waitNs } : undefined;
    return { rttUs: r.rttNs.map((ns) => Math.round(ns) / 1000), badEcho: r.badEcho, ...(sched ? { sched } : {}) };
  } finally {
    l.close();
  }
}

export interface Plan {
  warmup: number;
  /** What a timed run should last. */
  durationMs: number;
  maxCount: number;
}

/**
 * Warm-up runs that also calibrate the message count, so that a timed run
 * lasts about `durationMs` whatever the transport (the ring moves 20 times
 * more messages than postMessage in the same time).
 *
 * A fresh worker's loops run interpreted first, then through V8's tiers: the
 * ring's rate rises tenfold over its first ~50,000 messages. So warm-up lasts
 * at least twice the target in all, grows the count (doubling while runs are
 * short), and goes on while the rate still climbs by more than 20% a run. The
 * count follows the best rate seen, never a lower one: on a shared machine a
 * burst of load elsewhere only ever slows a run down, and must not shrink the
 * timed runs to a few hundred microseconds. At least `warmup` runs, at most
 * 12 more. Every run goes to onRun, to be verified.
 */
export async function calibrate(
  ep: Endpoints,
  t: Transport,
  size: number,
  o: FlowOptions,
  plan: Plan,
  onRun: (f: Flow) => void,
): Promise<number> {
  const target = plan.durationMs;
  let count = Math.min(plan.maxCount, 1000);
  let best = 0;
  let spentMs = 0;
  for (let w = 1; ; w++) {
    const f = await throughput(ep, t, size, count, o);
    onRun(f);
    const ms = f.seconds * 1000;
    spentMs += ms;
    const climbing = f.rate > 1.2 * best;
    best = Math.max(best, f.rate);
    const fit = Math.min(plan.maxCount, Math.max(count, Math.round((best * target) / 1000)));
    const long = ms >= target / 2 || count >= plan.maxCount;
    if ((w >= plan.warmup && spentMs >= 2 * target && long && !climbing) || w >= plan.warmup + 12) return fit;
    count = long ? fit : Math.min(plan.maxCount, Math.max(2 * count, fit));
  }
}

/** Puts `items` into a queue of `kind` from endpoint 0, then (after all are in) gets them all from endpoint 1. */
export async function queueOrder(
  ep: Endpoints,
  kind: SharedQueueKind,
  items: { value: number; priority: number }[],
  timeoutMs: number,
): Promise<SqGetResult> {
  const q = SharedQueue.create(kind, items.length);
  await ep.call(0, { type: 'sq-put', queue: q.handle(), items, timeoutMs }).done;
  const claim = new SharedArrayBuffer(4);
  return ep.call<SqGetResult>(1, { type: 'sq-get', queue: q.handle(), claim, total: items.length, timeoutMs }).done;
}

/**
 * Two putters (endpoints 0, 2) and two getters (1, 3) at once on a small
 * queue of `kind`: every item must come out exactly once. Producer p puts
 * values p * per + i in order, with priorities from a seeded hash.
 */
export async function queueStress(ep: Endpoints, kind: SharedQueueKind, per: number, seed: number, timeoutMs: number): Promise<Stress> {
  const q = SharedQueue.create(kind, 16);
  const claim = new SharedArrayBuffer(4);
  const getters = [1, 3].map((i) => ep.call<SqGetResult>(i, { type: 'sq-get', queue: q.handle(), claim, total: 2 * per, timeoutMs }));
  await Promise.all(getters.map((g) => g.ready));
  const items = (p: number): { value: number; priority: number }[] =>
    Array.from({ length: per }, (_, i) => ({ value: p * per + i, priority: mix32((p * per + i) ^ seed) & 7 }));
  await Promise.all([0, 2].map((i, p) => ep.call(i, { type: 'sq-put', queue: q.handle(), items: items(p), timeoutMs }).done));
  const got = await Promise.all(getters.map((g) => g.done));
  return countTaken(got.map((g) => g.values), per);
}
