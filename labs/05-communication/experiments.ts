/**
 * One measurement each: a throughput run (producers flood, consumers verify),
 * a ping-pong (round-trip latency), and the shared-queue runs. Each wires the
 * endpoints for a transport, starts the receiving side first, then the
 * sending side, and gathers what they report.
 *
 *   postMessage / transfer   producer --parentPort--> lab thread --postMessage--> consumer
 *   port                     producer --MessageChannel (one port each)--> consumer
 *   ring                     producer --RingBuffer (SharedArrayBuffer)--> consumer
 *   queue                    producers 0, 2 --BlockingQueue--> consumers 1, 3
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { BlockingQueue, RingBuffer, SharedQueue, type SharedQueueKind } from '../../src/sync/index.js';
import type { Endpoints } from './endpoints.js';
import type { Channel, ConsumeResult, PingResult, ProduceResult, SqGetResult, Transport } from './messages.js';
import { mix32 } from './payload.js';

export interface Flow {
  messages: number;
  seconds: number;
  /** messages per second */
  rate: number;
  received: number;
  badOrder: number;
  duplicates: number;
  /** seqs never received (queue: counted in the shared array) */
  missing: number;
  badChecksum: number;
  checksum: number;
  fullPuts: number;
  blockedMs: number;
  maxDepth: number;
}

export interface FlowOptions {
  seed: number;
  /** Bound on each blocking wait inside the endpoints. */
  timeoutMs: number;
  /** queue: slots, and busy work per message in the consumers */
  slots?: number;
  workUs?: number;
}

/** Room for a few messages of `size` (at least 64 KiB), a multiple of 4. */
export function ringCapacity(size: number): number {
  return Math.max(65536, 4 * (((size + 3) & ~3) + 4));
}

/** Slots for the blocking queue: about 16 MiB of them, between 2 and 64. */
export function queueSlots(size: number): number {
  return Math.max(2, Math.min(64, Math.floor(16 * 2 ** 20 / size)));
}

/** Forwards payloads from one worker to another: the lab thread is the hub plain postMessage needs. */
function relay(from: Worker, to: Worker, transfer: boolean): () => void {
  const f = (m: unknown): void => {
    if (m instanceof Uint8Array) to.postMessage(m, transfer ? [m.buffer as ArrayBuffer] : []);
  };
  from.on('message', f);
  return () => from.off('message', f);
}

export async function throughput(ep: Endpoints, t: Transport, size: number, count: number, o: FlowOptions): Promise<Flow> {
  const base = { size, seed: o.seed, timeoutMs: o.timeoutMs };
  let producers: Promise<ProduceResult>[];
  let consumers: Promise<ConsumeResult>[];
  let seen: Uint8Array | undefined;
  let unrelay = (): void => {};
  try {
    if (t === 'queue') {
      const q = BlockingQueue.create(o.slots ?? queueSlots(size), size);
      const left = new SharedArrayBuffer(4);
      new Int32Array(left)[0] = 2;
      const per = Math.ceil(count / 2);
      seen = new Uint8Array(new SharedArrayBuffer(count));
      const rx: Channel = { kind: 'queue', queue: q.handle() };
      const tx: Channel = { kind: 'queue', queue: q.handle(), left };
      const job = { ...base, type: 'consume', rx, expect: -1, per, producers: 2, seen: seen.buffer as SharedArrayBuffer, workUs: o.workUs ?? 0 } as const;
      const cs = [ep.call<ConsumeResult>(1, job), ep.call<ConsumeResult>(3, job)];
      await Promise.all(cs.map((c) => c.ready));
      consumers = cs.map((c) => c.done);
      producers = [0, 1].map((p) =>
        ep.call<ProduceResult>(p === 0 ? 0 : 2, { ...base, type: 'produce', tx, from: p * per, count: Math.min(per, count - p * per) }).done,
      );
    } else {
      let rx: Channel;
      let tx: Channel;
      let txTransfer: MessagePort[] = [];
      let rxTransfer: MessagePort[] = [];
      if (t === 'postMessage' || t === 'transfer') {
        rx = tx = { kind: 'parent', transfer: t === 'transfer' };
        unrelay = relay(ep.worker(0), ep.worker(1), t === 'transfer');
      } else if (t === 'port') {
        const { port1, port2 } = new MessageChannel();
        tx = { kind: 'port', port: port1 };
        rx = { kind: 'port', port: port2 };
        txTransfer = [port1];
        rxTransfer = [port2];
      } else {
        rx = tx = { kind: 'ring', ring: RingBuffer.create(ringCapacity(size)).handle() };
      }
      const c = ep.call<ConsumeResult>(1, { ...base, type: 'consume', rx, expect: count, per: count, producers: 1, workUs: 0 }, rxTransfer);
      await c.ready;
      consumers = [c.done];
      producers = [ep.call<ProduceResult>(0, { ...base, type: 'produce', tx, from: 0, count }, txTransfer).done];
    }
    const ps = await Promise.all(producers);
    const cs = await Promise.all(consumers);
    const start = Math.min(...ps.map((p) => p.startNs));
    const end = Math.max(...cs.map((c) => c.endNs));
    const sum = (f: (c: ConsumeResult) => number): number => cs.reduce((a, c) => a + f(c), 0);
    const received = sum((c) => c.received);
    let missing = Math.max(0, count - received);
    if (seen) missing = seen.reduce((a, n) => a + (n === 0 ? 1 : 0), 0);
    const seconds = (end - start) / 1e9;
    return {
      messages: count,
      seconds,
      rate: count / seconds,
      received,
      badOrder: sum((c) => c.badOrder),
      duplicates: sum((c) => c.duplicates),
      missing,
      badChecksum: sum((c) => c.badChecksum),
      checksum: sum((c) => c.checksum),
      fullPuts: ps.reduce((a, p) => a + p.fullPuts, 0),
      blockedMs: ps.reduce((a, p) => a + p.blockedNs, 0) / 1e6,
      maxDepth: Math.max(...cs.map((c) => c.maxDepth)),
    };
  } finally {
    unrelay();
  }
}

/** Round trips of one message between endpoints 0 (ping) and 1 (pong); RTTs in µs. */
export async function pingPong(
  ep: Endpoints,
  t: Transport,
  size: number,
  rounds: number,
  warmup: number,
  o: FlowOptions,
): Promise<{ rttUs: number[]; badEcho: number }> {
  const base = { size, seed: o.seed, timeoutMs: o.timeoutMs };
  const undo: (() => void)[] = [];
  try {
    let ping: { tx: Channel; rx: Channel };
    let pong: { tx: Channel; rx: Channel };
    let pingT: MessagePort[] = [];
    let pongT: MessagePort[] = [];
    if (t === 'postMessage' || t === 'transfer') {
      const ch: Channel = { kind: 'parent', transfer: t === 'transfer' };
      ping = pong = { tx: ch, rx: ch };
      undo.push(relay(ep.worker(0), ep.worker(1), t === 'transfer'), relay(ep.worker(1), ep.worker(0), t === 'transfer'));
    } else if (t === 'port') {
      const { port1, port2 } = new MessageChannel();
      ping = { tx: { kind: 'port', port: port1 }, rx: { kind: 'port', port: port1 } };
      pong = { tx: { kind: 'port', port: port2 }, rx: { kind: 'port', port: port2 } };
      pingT = [port1];
      pongT = [port2];
    } else {
      // Two one-way channels: there and back.
      const make = (): Channel =>
        t === 'ring'
          ? { kind: 'ring', ring: RingBuffer.create(ringCapacity(size)).handle() }
          : { kind: 'queue', queue: BlockingQueue.create(4, size).handle() };
      const there = make();
      const back = make();
      ping = { tx: there, rx: back };
      pong = { tx: back, rx: there };
    }
    const pc = ep.call(1, { ...base, type: 'pong', ...pong, rounds: warmup + rounds }, pongT);
    await pc.ready;
    const r = await ep.call<PingResult>(0, { ...base, type: 'ping', ...ping, warmup, rounds }, pingT).done;
    await pc.done;
    return { rttUs: r.rttNs.map((ns) => Math.round(ns) / 1000), badEcho: r.badEcho };
  } finally {
    for (const f of undo) f();
  }
}

/** Puts `items` from endpoint 0, then (after all are in) gets them all from endpoint 1. */
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

export interface Stress {
  taken: number;
  duplicates: number;
  missing: number;
  /** fifo: a getter saw one producer's items out of put order */
  inversions: number;
}

/**
 * Two putters (endpoints 0, 2) and two getters (1, 3) at once on a small
 * queue: every item must come out exactly once. Producer p puts values
 * p * per + i in order, with priorities from a seeded hash.
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
  const seen = new Uint8Array(2 * per);
  let duplicates = 0;
  let inversions = 0;
  for (const g of got) {
    const last = [-1, -1];
    for (const v of g.values) {
      if (!Number.isInteger(v) || v < 0 || v >= 2 * per) continue;
      if (seen[v]!++ > 0) duplicates++;
      const p = v < per ? 0 : 1;
      if (v <= last[p]!) inversions++;
      last[p] = v;
    }
  }
  return {
    taken: got.reduce((a, g) => a + g.values.length, 0),
    duplicates,
    missing: seen.reduce((a, n) => a + (n === 0 ? 1 : 0), 0),
    inversions,
  };
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
