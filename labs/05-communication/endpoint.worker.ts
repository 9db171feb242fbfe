/**
 * One endpoint of a communication experiment: producer, consumer, ping or
 * pong over any transport, or a putter/getter of a SharedQueue. The lab keeps
 * a few of these alive and sends them jobs; each job answers 'ready' once it
 * is listening and 'done' (or 'failed') at the end.
 *
 * Hot loops are written per transport kind so that each stays monomorphic;
 * verification (sequence numbers, checksums) runs inside the timed loop,
 * because a consumer that does not read its messages measures nothing.
 *
 * A stream ends with a marker (an 'eos' message on a port, a zero-length
 * message on a ring, a closed queue), so a consumer stops when the producer
 * does: a lost message is counted as missing, never waited for.
 */
import { readFileSync } from 'node:fs';
import { parentPort, type MessagePort } from 'node:worker_threads';
import { BlockingQueue, RingBuffer, SharedQueue } from '../../src/sync/index.js';
import type {
  Channel,
  ConsumeJob,
  EndOfStream,
  ConsumeResult,
  Job,
  PingJob,
  PingResult,
  PongJob,
  PongResult,
  ProduceJob,
  ProduceResult,
  Reply,
  Result,
  SqGetJob,
  SqGetResult,
  SqPutJob,
  ThreadTime,
} from './messages.js';
import { isEndOfStream } from './messages.js';
import { Payload, checksum, seqOf } from './payload.js';

if (!parentPort) throw new Error('endpoint.worker must run as a worker thread');
const parent = parentPort;
const reply = (m: Reply): void => parent.postMessage(m);

// process.hrtime is CLOCK_MONOTONIC, shared by every thread of the process,
// so a producer's start and a consumer's end can be subtracted. (performance.now
// has a per-thread origin.) As a double it is exact to the ns for 104 days of uptime.
const nowNs = (): number => Number(process.hrtime.bigint());
const EOS: EndOfStream = { type: 'eos' };
const EMPTY = new Uint8Array(0);

type Port = MessagePort | typeof parent;

function portOf(ch: Channel): Port {
  if (ch.kind === 'port') return ch.port;
  if (ch.kind === 'parent') return parent;
  throw new Error(`${ch.kind} is not a message port`);
}

/** Checks sequence numbers and checksums of everything a consumer receives. */
class Verifier {
  received = 0;
  badOrder = 0;
  duplicates = 0;
  badChecksum = 0;
  checksum = 0;
  private next = 0;
  private readonly last: Float64Array;
  /** Per-seq counts: shared between consumers (atomic), or this consumer's own. */
  private readonly shared: Uint8Array | undefined;
  private readonly own: Uint8Array | undefined;

  constructor(
    private readonly payload: Payload,
    private readonly job: ConsumeJob,
  ) {
    this.last = new Float64Array(job.producers).fill(-1);
    this.shared = job.seen ? new Uint8Array(job.seen) : undefined;
    this.own = job.seen ? undefined : new Uint8Array(job.total);
  }

  take(bytes: Uint8Array, len: number, words?: Int32Array): void {
    const seq = words ? words[0]! >>> 0 : seqOf(bytes);
    if (this.own) {
      // One producer, one consumer: seq must be exactly the next one.
      if (seq !== this.next) this.badOrder++;
      this.next = seq + 1;
      if (seq < this.own.length && this.own[seq]!++ !== 0) this.duplicates++;
    } else if (this.shared) {
      // Several consumers share the stream: each sees every producer's
      // messages in increasing order (not consecutive), and the shared
      // counts prove that between them each seq arrived exactly once.
      const p = Math.floor(seq / this.job.per);
      if (p >= this.job.producers || seq <= this.last[p]!) this.badOrder++;
      else this.last[p] = seq;
      if (seq < this.shared.length && Atomics.add(this.shared, seq, 1) !== 0) this.duplicates++;
    }
    const sum = checksum(bytes, len, words);
    if (len !== this.payload.size || sum !== this.payload.expected(seq)) this.badChecksum++;
    this.checksum += sum; // < 2^32 each: exact as a double for 2^21 messages
    this.received++;
  }

  result(endNs: number, maxDepth = 0): ConsumeResult {
    const { received, badOrder, duplicates, badChecksum, checksum } = this;
    const missing = this.own ? this.own.reduce((a, n) => a + (n === 0 ? 1 : 0), 0) : 0;
    return { endNs, received, badOrder, duplicates, missing, badChecksum, checksum, maxDepth };
  }
}

// ---- producer -------------------------------------------------------------

function produce(job: ProduceJob): ProduceResult {
  const p = new Payload(job.size, job.seed);
  const tx = job.tx;
  const end = job.from + job.count;
  let fullPuts = 0;
  let blockedNs = 0;
  const startNs = nowNs();
  if (tx.kind === 'parent' || tx.kind === 'port') {
    const port = portOf(tx);
    // No backpressure: postMessage queues without bound, which is why the
    // lab caps a run's bytes. A transferred buffer is detached, so each
    // message needs a fresh one; a cloned one can be reused.
    if (tx.kind === 'parent' && tx.transfer) {
      for (let s = job.from; s < end; s++) {
        const b = p.fresh(s);
        port.postMessage(b, [b.buffer as ArrayBuffer]);
      }
    } else {
      for (let s = job.from; s < end; s++) port.postMessage(p.stamp(s));
    }
    port.postMessage(EOS);
  } else if (tx.kind === 'ring') {
    const r = RingBuffer.from(tx.ring);
    for (let s = job.from; s < end; s++) {
      if (!r.write(p.stamp(s), job.timeoutMs)) throw new Error(`ring: no room for message ${s} within ${job.timeoutMs} ms`);
    }
    if (!r.write(EMPTY, job.timeoutMs)) throw new Error(`ring: no room for the end of the stream within ${job.timeoutMs} ms`);
  } else {
    const q = BlockingQueue.from(tx.queue);
    for (let s = job.from; s < end; s++) {
      // A snapshot, not a promise: the queue may drain before put() locks.
      // It counts the puts that met backpressure and times how long they blocked.
      const full = q.size() >= q.slots;
      const t = full ? nowNs() : 0;
      if (!q.put(p.stamp(s), job.timeoutMs)) throw new Error(`queue: no room for message ${s} within ${job.timeoutMs} ms`);
      if (full) {
        fullPuts++;
        blockedNs += nowNs() - t;
      }
    }
    // The last producer to finish ends the stream; consumers drain and stop.
    if (tx.left && Atomics.sub(new Int32Array(tx.left), 0, 1) === 1) q.close();
  }
  return { startNs, endNs: nowNs(), sent: job.count, fullPuts, blockedNs };
}

// ---- consumer -------------------------------------------------------------

function consumeAsync(job: ConsumeJob, port: Port): Promise<ConsumeResult> {
  const v = new Verifier(new Payload(job.size, job.seed), job);
  let ended = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      port.off('message', onMessage);
      reject(new Error(`consumer: ${v.received} messages and ${ended} of ${job.producers} ends of stream within ${job.timeoutMs} ms`));
    }, job.timeoutMs);
    const onMessage = (m: unknown): void => {
      if (m instanceof Uint8Array) v.take(m, m.length);
      else if (isEndOfStream(m) && ++ended === job.producers) {
        const endNs = nowNs();
        clearTimeout(timer);
        port.off('message', onMessage);
        if (port !== parent) (port as MessagePort).close();
        resolve(v.result(endNs));
      }
    };
    port.on('message', onMessage);
    reply({ type: 'ready', id: job.id });
  });
}

function consumeSync(job: ConsumeJob): ConsumeResult {
  const v = new Verifier(new Payload(job.size, job.seed), job);
  const rx = job.rx;
  reply({ type: 'ready', id: job.id });
  if (rx.kind === 'ring') {
    const r = RingBuffer.from(rx.ring);
    const target = new Uint8Array(r.maxMessageBytes);
    const words = new Int32Array(target.buffer, 0, target.length >> 2);
    for (;;) {
      const n = r.readInto(target, job.timeoutMs);
      if (n < 0) throw new Error(`ring consumer: nothing within ${job.timeoutMs} ms after ${v.received} messages`);
      if (n === 0) break; // the end of the stream
      v.take(target, n, words);
    }
    return v.result(nowNs());
  }
  if (rx.kind !== 'queue') throw new Error(`consumeSync: ${rx.kind}`);
  const q = BlockingQueue.from(rx.queue);
  let maxDepth = 0;
  for (;;) {
    const depth = q.size();
    const m = q.take(job.timeoutMs);
    if (m === null) {
      if (q.isClosed()) break;
      throw new Error(`queue consumer: nothing within ${job.timeoutMs} ms after ${v.received} messages`);
    }
    if (depth > maxDepth) maxDepth = depth;
    v.take(m, m.length);
    if (job.workUs > 0) spin(job.workUs);
  }
  return v.result(nowNs(), maxDepth);
}

/** Stands in for a consumer's work on each message (the slow side of backpressure). */
function spin(us: number): void {
  const until = nowNs() + us * 1000;
  while (nowNs() < until);
}

// ---- ping-pong (latency) --------------------------------------------------

/** This thread's CPU time and run-queue wait so far, ns (/proc/thread-self/schedstat), or null off Linux. */
function schedNow(): [number, number] | null {
  try {
    const [cpu, wait] = readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ').map(Number);
    return Number.isFinite(cpu) && Number.isFinite(wait) ? [cpu as number, wait as number] : null;
  } catch {
    return null;
  }
}

function spent(from: [number, number] | null): { sched?: ThreadTime } {
  const to = schedNow();
  return from && to ? { sched: { cpuNs: to[0] - from[0], waitNs: to[1] - from[1] } } : {};
}

function verifyEcho(p: Payload, m: Uint8Array, seq: number): boolean {
  return m.length === p.size && seqOf(m) === seq && checksum(m, m.length) === p.expected(seq);
}

/** Sync channels: a blocking send and a blocking receive. */
function syncEnds(ch: Channel, timeoutMs: number): { send: (b: Uint8Array) => void; recv: () => Uint8Array } {
  if (ch.kind === 'ring') {
    const r = RingBuffer.from(ch.ring);
    const target = new Uint8Array(r.maxMessageBytes);
    return {
      send: (b) => {
        if (!r.write(b, timeoutMs)) throw new Error(`ring: no room within ${timeoutMs} ms`);
      },
      recv: () => {
        const n = r.readInto(target, timeoutMs);
        if (n < 0) throw new Error(`ring: no message within ${timeoutMs} ms`);
        return target.subarray(0, n);
      },
    };
  }
  if (ch.kind === 'queue') {
    const q = BlockingQueue.from(ch.queue);
    return {
      send: (b) => {
        if (!q.put(b, timeoutMs)) throw new Error(`queue: no room within ${timeoutMs} ms`);
      },
      recv: () => {
        const m = q.take(timeoutMs);
        if (m === null) throw new Error(`queue: no message within ${timeoutMs} ms`);
        return m;
      },
    };
  }
  throw new Error(`${ch.kind} is not a shared-memory channel`);
}

function pingSync(job: PingJob): PingResult {
  const p = new Payload(job.size, job.seed);
  const out = syncEnds(job.tx, job.timeoutMs);
  const back = syncEnds(job.rx, job.timeoutMs);
  const rttNs: number[] = [];
  let badEcho = 0;
  let s0: [number, number] | null = null;
  for (let i = 0; i < job.warmup + job.rounds; i++) {
    if (i === job.warmup) s0 = schedNow();
    const t = nowNs();
    out.send(p.stamp(i));
    const m = back.recv();
    const dt = nowNs() - t;
    if (!verifyEcho(p, m, i)) badEcho++; // outside the timed part
    if (i >= job.warmup) rttNs.push(dt);
  }
  return { rttNs, badEcho, ...spent(s0) };
}

function pongSync(job: PongJob): PongResult {
  const inn = syncEnds(job.rx, job.timeoutMs);
  const out = syncEnds(job.tx, job.timeoutMs);
  reply({ type: 'ready', id: job.id });
  let s0: [number, number] | null = null;
  for (let i = 0; i < job.rounds; i++) {
    if (i === job.timedFrom) s0 = schedNow();
    out.send(inn.recv());
  }
  return { echoed: job.rounds, badChecksum: 0, ...spent(s0) };
}

function pingAsync(job: PingJob): Promise<PingResult> {
  const p = new Payload(job.size, job.seed);
  const port = portOf(job.tx);
  const transfer = job.tx.kind === 'parent' && job.tx.transfer;
  const total = job.warmup + job.rounds;
  const rttNs: number[] = [];
  let badEcho = 0;
  let i = 0;
  let t = 0;
  let s0: [number, number] | null = null;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      port.off('message', onMessage);
      reject(new Error(`ping: round trip ${i} of ${total} not back within ${job.timeoutMs} ms`));
    }, job.timeoutMs);
    // With transfer the echo hands the buffer back: reuse it for the next ping.
    const send = (b: Uint8Array): void => {
      if (i === job.warmup) s0 = schedNow();
      t = nowNs();
      if (transfer) port.postMessage(b, [b.buffer as ArrayBuffer]);
      else port.postMessage(b);
    };
    const onMessage = (m: unknown): void => {
      if (!(m instanceof Uint8Array)) return;
      const dt = nowNs() - t;
      if (!verifyEcho(p, m, i)) badEcho++;
      if (i >= job.warmup) rttNs.push(dt);
      if (++i === total) {
        clearTimeout(timer);
        port.off('message', onMessage);
        if (port !== parent) (port as MessagePort).close();
        resolve({ rttNs, badEcho, ...spent(s0) });
      } else send(transfer ? p.stamp(i, m) : p.stamp(i));
    };
    port.on('message', onMessage);
    send(transfer ? p.fresh(0) : p.stamp(0));
  });
}

function pongAsync(job: PongJob): Promise<PongResult> {
  const port = portOf(job.rx);
  const transfer = job.tx.kind === 'parent' && job.tx.transfer;
  let n = 0;
  // From the arrival of the first timed ping (its handling is timed by the ping too).
  let s0: [number, number] | null = job.timedFrom === 0 ? schedNow() : null;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      port.off('message', onMessage);
      reject(new Error(`pong: ${n} of ${job.rounds} pings within ${job.timeoutMs} ms`));
    }, job.timeoutMs);
    const onMessage = (m: unknown): void => {
      if (!(m instanceof Uint8Array)) return;
      if (transfer) port.postMessage(m, [m.buffer as ArrayBuffer]);
      else port.postMessage(m);
      if (++n === job.rounds) {
        clearTimeout(timer);
        port.off('message', onMessage);
        resolve({ echoed: n, badChecksum: 0, ...spent(s0) });
      } else if (n === job.timedFrom) s0 = schedNow();
    };
    port.on('message', onMessage);
    reply({ type: 'ready', id: job.id });
  });
}

// ---- shared queues (ordering and thread safety) ---------------------------

function sqPut(job: SqPutJob): Result {
  const q = SharedQueue.from(job.queue);
  for (const item of job.items) {
    if (!q.put(item, job.timeoutMs)) throw new Error(`${q.kind} queue: no room within ${job.timeoutMs} ms`);
  }
  return null;
}

function sqGet(job: SqGetJob): SqGetResult {
  const q = SharedQueue.from(job.queue);
  const claim = new Int32Array(job.claim);
  const values: number[] = [];
  const priorities: number[] = [];
  reply({ type: 'ready', id: job.id });
  // Take a ticket first: between all getters exactly `total` gets happen.
  while (Atomics.add(claim, 0, 1) < job.total) {
    const item = q.getItem(job.timeoutMs);
    if (item === null) throw new Error(`${q.kind} queue: nothing within ${job.timeoutMs} ms after ${values.length} items`);
    values.push(item.value);
    priorities.push(item.priority);
  }
  return { values, priorities };
}

// ---- dispatch -------------------------------------------------------------

const isAsync = (ch: Channel): boolean => ch.kind === 'parent' || ch.kind === 'port';

async function run(job: Job): Promise<Result> {
  switch (job.type) {
    case 'produce':
      return produce(job);
    case 'consume':
      return isAsync(job.rx) ? consumeAsync(job, portOf(job.rx)) : consumeSync(job);
    case 'ping':
      return isAsync(job.tx) ? pingAsync(job) : pingSync(job);
    case 'pong':
      return isAsync(job.rx) ? pongAsync(job) : pongSync(job);
    case 'sq-put':
      return sqPut(job);
    case 'sq-get':
      return sqGet(job);
  }
}

parent.on('message', (m: unknown) => {
  if (m instanceof Uint8Array || isEndOfStream(m)) return; // stream traffic belongs to the job listening for it
  const job = m as Job;
  run(job).then(
    (result) => reply({ type: 'done', id: job.id, result }),
    (e: unknown) => reply({ type: 'failed', id: job.id, message: e instanceof Error ? e.message : String(e) }),
  );
});
reply({ type: 'online' });
