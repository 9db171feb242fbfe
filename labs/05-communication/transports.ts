/**
 * The transports experiment: the same verified messages between endpoint
 * workers over each transport and size. Throughput (message count calibrated
 * per transport during warm-up, timed runs interleaved across transports) and
 * ping-pong round trips; a table, a metric per transport and size, and one
 * check per transport that every message arrived exactly once, in order,
 * intact. It returns what the backpressure and ring experiments build on.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { quantile, median, ratioOfMedians } from '../../src/measure/stats.js';
import type { Endpoints } from './endpoints.js';
import { WAIT_MS, calibrate, pingPong, throughput, type Flow, type FlowOptions } from './flows.js';
import { Ledger, QueueLoad, Totals } from './ledger.js';
import { othersLoad, type LoadMeter } from './load.js';
import { TRANSPORTS, TRANSPORT_LABEL, perTransport, type Transport } from './messages.js';
import { Payload } from './payload.js';
import { contradiction, roundTripNote, type RoundTripFigures } from './round-trips.js';
import type { RingTry } from './ring-verdict.js';
import { WIRES, queueSlots, type WireTable } from './wires.js';

// A run moves at most this much payload: postMessage has no backpressure, so
// a flood of 1 MiB clones must be bounded by bytes, not by count.
const RUN_BYTES = 64 * 2 ** 20;

export interface TransportsOptions {
  ep: Endpoints;
  sizes: readonly number[];
  /** Target time of one throughput run. */
  durationMs: number;
  /** Round trips per latency measurement (fewer for large sizes, at least 20). */
  pings: number;
  /** How each transport is wired (default WIRES): the seam for a fault test. */
  wires?: WireTable;
  /** Others' load over the 64 B timed runs (default: measured): a test may fix it. */
  meter?: LoadMeter;
}

/** The 64 B timed runs of the ring and of postMessage, and their calibrated counts: the first try of the ring check. */
export interface At64 {
  first: RingTry;
  counts: { ring: number; postMessage: number };
}

export interface TransportsResult {
  /** null when 64 is not among the sizes */
  at64: At64 | null;
  /** The queue's throughput runs, a row per size, for the backpressure table. */
  queueRows: Record<string, Cell>[];
}

export const bytes = (n: number): string =>
  n >= 2 ** 20 && n % 2 ** 20 === 0 ? `${n / 2 ** 20} MiB` : n >= 1024 && n % 1024 === 0 ? `${n / 1024} KiB` : `${n} B`;

export async function transports(ctx: LabContext<unknown>, o: TransportsOptions): Promise<TransportsResult> {
  const sizes = [...new Set(o.sizes)].sort((a, b) => a - b);
  const ledgers = perTransport(() => new Ledger());
  const rows: Record<string, Cell>[] = [];
  const highlight: number[] = [];
  const queueRows: Record<string, Cell>[] = [];
  let at64: At64 | null = null;
  const trips: { size: string; ring: RoundTripFigures; port: RoundTripFigures }[] = [];
  for (const [i, size] of sizes.entries()) {
    const s = await oneSize(ctx, o, size, ledgers, (text, done) => ctx.progress(`${bytes(size)}: ${text}`, (i + done) / sizes.length));
    highlight.push(rows.length + s.fastest);
    rows.push(...s.rows);
    trips.push({ size: bytes(size), ring: s.trips.ring, port: s.trips.port });
    queueRows.push(s.queue.row(`throughput, ${bytes(size)}`, queueSlots(size), 0));
    if (size === 64) at64 = { first: { ring: s.rates.ring, post: s.rates.postMessage, others: s.others }, counts: { ring: s.counts.ring, postMessage: s.counts.postMessage } };
  }

  ctx.table({
    title: 'Transports between two workers (queue: 2 producers, 2 consumers)',
    columns: [
      { key: 'transport', label: 'transport' },
      { key: 'size', label: 'size', align: 'right' },
      { key: 'n', label: 'msgs/run' },
      { key: 'rate', label: 'msg/s', unit: 'k' },
      { key: 'mbs', label: 'MB/s' },
      { key: 'p50', label: 'RTT p50', unit: 'µs' },
      { key: 'p99', label: 'RTT p99', unit: 'µs' },
      { key: 'vs', label: 'vs postMessage', unit: 'x' },
    ],
    rows,
    highlight,
    note:
      `msg/s: median of ${ctx.repeat} runs (interleaved across transports), each calibrated to last about ${o.durationMs} ms (64 MiB at most), timed from the producer's first send to the consumer's last receipt; ` +
      `vs postMessage: ratio of median throughputs (range from their confidence intervals). RTT: ping-pong of one message. postMessage and transfer go through the lab thread, ` +
      `as worker-to-worker postMessage must without a channel. Highlighted: the fastest per size.`,
  });

  // The size where the ring streams faster than MessageChannel but its round trip is slowest against the port's;
  // without one, the first size: either way the note says why a stream and a round trip differ, in figures.
  const worst = trips.reduce<(typeof trips)[number] | undefined>(
    (w, x) => (!w || contradiction(x.ring, x.port) > contradiction(w.ring, w.port) ? x : w),
    undefined,
  );
  if (worst) ctx.note(roundTripNote(worst.size, worst.ring, worst.port));

  for (const t of TRANSPORTS) {
    ctx.check(`${TRANSPORT_LABEL[t]}: every message arrives exactly once, in order, intact`, ledgers[t].ok, ledgers[t].detail());
  }
  return { at64, queueRows };
}

interface SizeResult {
  rows: Record<string, Cell>[];
  /** index in rows of the fastest transport */
  fastest: number;
  rates: Record<Transport, number[]>;
  /** The ring's and the port's figures for the round-trip note. */
  trips: { ring: RoundTripFigures; port: RoundTripFigures };
  counts: Record<Transport, number>;
  /** others' load over the timed runs, cores */
  others: number | null;
  queue: QueueLoad;
}

/** Every transport at one size: calibrate, timed runs interleaved, then ping-pong. Every run is verified, warm-up included. */
async function oneSize(
  ctx: LabContext<unknown>,
  o: TransportsOptions,
  size: number,
  ledgers: Record<Transport, Ledger>,
  progress: (text: string, done: number) => void,
): Promise<SizeResult> {
  const wires = o.wires ?? WIRES;
  const flow = (t: Transport): FlowOptions => ({ seed: ctx.seed, timeoutMs: WAIT_MS, wire: wires[t] });
  const maxCount = Math.max(4, Math.floor(RUN_BYTES / size));
  const totals = new Totals(new Payload(size, ctx.seed));
  const queue = new QueueLoad();
  const record = (t: Transport, f: Flow): void => {
    ledgers[t].add(f, totals.of(f.messages));
    if (t === 'queue') queue.add(f);
  };

  const plan = { warmup: ctx.warmup, durationMs: o.durationMs, maxCount };
  const counts = perTransport(() => 0);
  for (const t of TRANSPORTS) {
    progress(`calibrating ${TRANSPORT_LABEL[t]}`, 0);
    counts[t] = await calibrate(o.ep, t, size, flow(t), plan, (f) => record(t, f));
  }

  // Interleaved, run by run: a burst of load elsewhere hits every transport alike.
  const rates = perTransport((): number[] => []);
  const load = (o.meter ?? othersLoad)();
  for (let r = 0; r < ctx.repeat; r++) {
    progress(`timed run ${r + 1} of ${ctx.repeat}`, (r + 1) / (ctx.repeat + 1));
    for (const t of TRANSPORTS) {
      const f = await throughput(o.ep, t, size, counts[t], flow(t));
      record(t, f);
      rates[t].push(f.rate);
    }
  }
  const others = load.end();

  const rounds = Math.min(o.pings, Math.max(20, maxCount));
  const rows: Record<string, Cell>[] = [];
  const trips: Partial<Record<Transport, RoundTripFigures>> = {};
  for (const t of TRANSPORTS) {
    progress(`ping-pong over ${TRANSPORT_LABEL[t]}`, ctx.repeat / (ctx.repeat + 1));
    const variant = { transport: t, size };
    ctx.metric({ name: 'throughput', unit: 'msg/s', better: 'higher', variant, samples: rates[t] });
    const pp = await pingPong(o.ep, t, size, rounds, Math.max(5, Math.floor(rounds / 10)), flow(t));
    ledgers[t].addRoundTrips(pp);
    ctx.metric({ name: 'rtt', unit: 'µs', better: 'lower', variant, samples: pp.rttUs });
    const m = median(rates[t]);
    trips[t] = {
      rate: m,
      p50: quantile(pp.rttUs, 0.5),
      p99: quantile(pp.rttUs, 0.99),
      mean: pp.rttUs.reduce((a, x) => a + x, 0) / pp.rttUs.length,
      rounds: pp.rttUs.length,
      ...(pp.sched ? { sched: pp.sched } : {}),
    };
    if (pp.sched) {
      ctx.metric({ name: 'rtt.cpu', unit: 'µs', better: 'lower', variant, samples: [pp.sched.cpuNs / 1000 / pp.rttUs.length] });
      ctx.metric({ name: 'rtt.wait', unit: 'µs', better: 'lower', variant, samples: [pp.sched.waitNs / 1000 / pp.rttUs.length] });
    }
    const vs = ratioOfMedians(rates[t], rates.postMessage);
    rows.push({
      transport: TRANSPORT_LABEL[t],
      size: bytes(size),
      n: counts[t],
      rate: m / 1e3,
      mbs: (m * size) / 1e6,
      p50: quantile(pp.rttUs, 0.5),
      p99: quantile(pp.rttUs, 0.99),
      vs: { value: vs.ratio, low: vs.low, high: vs.high },
    });
  }
  const medians = TRANSPORTS.map((t) => median(rates[t]));
  const fastest = medians.indexOf(Math.max(...medians));
  return { rows, fastest, rates, counts, others, queue, trips: { ring: trips.ring as RoundTripFigures, port: trips.port as RoundTripFigures } };
}
