/**
 * Lab 5's checks against the faults they guard against: each experiment is run
 * directly (labContext) with one fault injected, from test/fixtures/faults/lab-05/
 * (an endpoint worker that drops, duplicates, reorders or corrupts a payload, a
 * queue that drops when full, a ring wired as postMessage, a LIFO built as a
 * FIFO...), and the check must FAIL, not skip. The same experiments with the
 * real workers and tables pass (the controls).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkNamed, labContext } from '../helpers/context.js';
import { ROOT } from '../helpers/run-lab.js';

type Report = import('../../src/core/report.js').Report;
type LabContext = import('../../src/core/lab.js').LabContext<unknown>;
type Endpoints = import('../../labs/05-communication/endpoints.js').Endpoints;
type WireTable = import('../../labs/05-communication/wires.js').WireTable;
type Wire = import('../../labs/05-communication/wires.js').Wire;
type Kinds = Record<'fifo' | 'lifo' | 'priority', 'fifo' | 'lifo' | 'priority'>;
type LoadMeter = import('../../labs/05-communication/load.js').LoadMeter;

const LAB = path.join(ROOT, 'dist/labs/05-communication');
const FAULTS = path.join(ROOT, 'test/fixtures/faults/lab-05');
const load = <T>(file: string): Promise<T> => import(path.join(LAB, file)) as Promise<T>;

const { Endpoints } = await load<typeof import('../../labs/05-communication/endpoints.js')>('endpoints.js');
const { transports } = await load<typeof import('../../labs/05-communication/transports.js')>('transports.js');
const { backpressure } = await load<typeof import('../../labs/05-communication/backpressure.js')>('backpressure.js');
const { sharedQueues } = await load<typeof import('../../labs/05-communication/shared-queues.js')>('shared-queues.js');
const { ringSpeedup } = await load<typeof import('../../labs/05-communication/ring-speedup.js')>('ring-speedup.js');
const { WIRES } = await load<typeof import('../../labs/05-communication/wires.js')>('wires.js');
const tables = (await import(path.join(FAULTS, 'tables.js'))) as {
  ringAsPostMessage(w: WireTable): WireTable;
  unboundedQueue(w: WireTable): Wire;
  fifoAsLifo: Kinds;
  lifoAsFifo: Kinds;
  priorityAsFifo: Kinds;
};

const faultWorker = (name: string): URL => pathToFileURL(path.join(FAULTS, `${name}.worker.js`));
/** Others' load fixed, so that a timing check's verdict does not hang on the machine's. */
const fixedLoad = (cores: number | null): LoadMeter => () => ({ end: () => cores });

/** One experiment, with four endpoint workers (the real ones, or a fault's); returns the report. */
async function run(worker: URL | undefined, experiment: (ctx: LabContext, ep: Endpoints) => Promise<unknown>): Promise<Report> {
  const { ctx, report, done } = await labContext({ repeat: 2, warmup: 1 });
  try {
    const ep = await Endpoints.start((url) => ctx.worker(url), 4, 60_000, ctx.signal, worker);
    await experiment(ctx, ep);
  } finally {
    await done();
  }
  return report;
}

const SMALL = { sizes: [64], durationMs: 5, pings: 20 };
const LABELS = ['postMessage (clone)', 'postMessage + transfer', 'MessageChannel port', 'SPSC ring buffer', 'MPMC blocking queue'];
const delivery = (label: string): RegExp => new RegExp(`^${label.replace(/[()+]/g, '\\$&')}: every message arrives exactly once`);
const failed = { ok: false, skipped: false };
const passed = { ok: true, skipped: false };

describe('lab 5 faults: delivery (every transport)', () => {
  it('control: with the real endpoint worker every delivery check passes', async () => {
    const r = await run(undefined, (ctx, ep) => transports(ctx, { ep, ...SMALL }));
    for (const l of LABELS) expect(checkNamed(r, delivery(l)), l).toMatchObject(passed);
  });

  // Each fault hits one payload (or echo) of every run; the detail must name what went wrong.
  const FAULT_SHOWS: [string, RegExp][] = [
    ['drop', /[1-9]\d* missing/],
    ['duplicate', /[1-9]\d* duplicated/],
    ['reorder', /[1-9]\d* out of order/],
    ['corrupt', /[1-9]\d* bad checksums/],
    ['corrupt-echo', /[1-9]\d* bad echoes/],
  ];
  it.each(FAULT_SHOWS)('%s: every transport fails its delivery check', async (fault, shows) => {
    const r = await run(faultWorker(fault), (ctx, ep) => transports(ctx, { ep, ...SMALL }));
    for (const l of LABELS) {
      const c = checkNamed(r, delivery(l));
      expect(c, `${l}: ${c.detail}`).toMatchObject(failed);
      expect((c.detail ?? '').replace(/\s+/g, ' '), l).toMatch(shows);
    }
  });
});

describe('lab 5 faults: the bounded queue', () => {
  const BLOCK = /^bounded queue: producers block/;
  const NOTHING_DROPPED = /^bounded queue: nothing dropped/;

  it('control: the real queue blocks its producers and loses nothing', async () => {
    const r = await run(undefined, (ctx, ep) => backpressure(ctx, { ep, earlier: [] }));
    expect(checkNamed(r, BLOCK)).toMatchObject(passed);
    expect(checkNamed(r, NOTHING_DROPPED)).toMatchObject(passed);
  });

  it('a queue that silently drops a put when full fails "nothing dropped"', async () => {
    const r = await run(faultWorker('drop-when-full'), (ctx, ep) => backpressure(ctx, { ep, earlier: [] }));
    expect(checkNamed(r, NOTHING_DROPPED)).toMatchObject(failed);
  });

  it('a queue bigger than its bound (puts never wait) fails "producers block"', async () => {
    const r = await run(undefined, (ctx, ep) => backpressure(ctx, { ep, earlier: [], wire: tables.unboundedQueue(WIRES) }));
    expect(checkNamed(r, BLOCK)).toMatchObject(failed);
    expect(checkNamed(r, NOTHING_DROPPED)).toMatchObject(failed); // it held more than its 4 slots
  });
});

describe('lab 5 faults: the shared queues', () => {
  const small = { items: 8, perProducer: 300 };
  const FIFO = /^fifo queue: get order/;
  const LIFO = /^lifo queue: get order/;
  const PRIORITY = /^priority queue: lowest priority first/;
  const FIFO_CONTENDED = /^fifo queue under contention/;
  const EXACTLY_ONCE = /^shared queues under contention: every item/;

  it('control: the real disciplines pass', async () => {
    const r = await run(undefined, (ctx, ep) => sharedQueues(ctx, { ep, ...small }));
    for (const re of [FIFO, LIFO, PRIORITY, FIFO_CONTENDED, EXACTLY_ONCE]) expect(checkNamed(r, re), String(re)).toMatchObject(passed);
  });

  it('a fifo built as a lifo fails the fifo checks, alone and under contention', async () => {
    const r = await run(undefined, (ctx, ep) => sharedQueues(ctx, { ep, ...small, kinds: tables.fifoAsLifo }));
    expect(checkNamed(r, FIFO)).toMatchObject(failed);
    expect(checkNamed(r, FIFO_CONTENDED)).toMatchObject(failed);
    expect(checkNamed(r, LIFO)).toMatchObject(passed);
  });

  it('a lifo built as a fifo, and a priority queue built as a fifo, fail their checks', async () => {
    const lifo = await run(undefined, (ctx, ep) => sharedQueues(ctx, { ep, ...small, kinds: tables.lifoAsFifo }));
    expect(checkNamed(lifo, LIFO)).toMatchObject(failed);
    const priority = await run(undefined, (ctx, ep) => sharedQueues(ctx, { ep, ...small, kinds: tables.priorityAsFifo }));
    expect(checkNamed(priority, PRIORITY)).toMatchObject(failed);
  });

  it('a getter that hands out one item twice fails "every item comes out exactly once"', async () => {
    const r = await run(faultWorker('duplicate-get'), (ctx, ep) => sharedQueues(ctx, { ep, ...small }));
    expect(checkNamed(r, EXACTLY_ONCE)).toMatchObject(failed);
    expect((checkNamed(r, EXACTLY_ONCE).detail ?? '').replace(/\s+/g, ' ')).toMatch(/[1-9]\d* duplicated/);
  });
});

describe('lab 5 faults: the ring buffer against postMessage', () => {
  const RING = /^ring buffer moves 64 B messages >= 5x faster/;
  const ringVsPost = (wires: WireTable, cores: number | null) => async (ctx: LabContext, ep: Endpoints) => {
    const meter = fixedLoad(cores);
    const t = await transports(ctx, { ep, ...SMALL, wires, meter });
    return ringSpeedup(ctx, { ep, at64: t.at64, wires, meter, pauseMs: 0 });
  };

  it('a "ring" that secretly uses postMessage fails on a free machine, at the first try', async () => {
    const r = await run(undefined, ringVsPost(tables.ringAsPostMessage(WIRES), 0));
    const c = checkNamed(r, RING);
    expect(c).toMatchObject(failed);
    expect((c.detail ?? '').replace(/\s+/g, ' ')).toMatch(/try 1 of at most 3/);
  });

  it('a miss while others keep the machine busy is measured again, then skipped with the tries', async () => {
    const r = await run(undefined, ringVsPost(tables.ringAsPostMessage(WIRES), 1.5));
    const c = checkNamed(r, RING);
    expect(c).toMatchObject({ ok: false, skipped: true });
    expect((c.reason ?? '').replace(/\s+/g, ' ')).toMatch(/busy on every try.*try 3 of at most 3 \(try 1: .*; try 2: /);
  });

  it('without /proc/stat (load unknown) a miss fails: nothing measured can excuse it', async () => {
    const r = await run(undefined, ringVsPost(tables.ringAsPostMessage(WIRES), null));
    expect(checkNamed(r, RING)).toMatchObject(failed);
  });
});
