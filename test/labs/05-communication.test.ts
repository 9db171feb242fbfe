import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { Payload } from '../../labs/05-communication/payload.js';
import { ROOT, runLab } from '../helpers/run-lab.js';
import { schemaErrors } from '../helpers/schema.js';

type Report = import('../../src/core/report.js').Report;
type EndpointsModule = typeof import('../../labs/05-communication/endpoints.js');
type ConsumeResult = import('../../labs/05-communication/messages.js').ConsumeResult;

const TRANSPORTS = ['postMessage', 'transfer', 'port', 'ring', 'queue'];

describe('communication: the consumer catches wrong deliveries', () => {
  const workers: Worker[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.terminate()));
  });

  it('counts messages out of order and payloads that do not match', async () => {
    const { Endpoints } = (await import(path.join(ROOT, 'dist/labs/05-communication/endpoints.js'))) as EndpointsModule;
    const ep = await Endpoints.start((url) => {
      const w = new Worker(url);
      workers.push(w);
      return w;
    }, 2, 20_000);
    const { RingBuffer } = await import(path.join(ROOT, 'dist/src/sync/index.js'));
    const deliver = async (producer: { seed: number; from: number }): Promise<ConsumeResult> => {
      const ring = { kind: 'ring' as const, ring: RingBuffer.create(65536).handle() };
      const base = { size: 64, timeoutMs: 5000 };
      const c = ep.call<ConsumeResult>(1, { ...base, seed: 1, type: 'consume', rx: ring, total: 100, per: 100, producers: 1, workUs: 0 });
      await c.ready;
      await ep.call(0, { ...base, seed: producer.seed, type: 'produce', tx: ring, from: producer.from, count: 100 }).done;
      return c.done;
    };
    const good = await deliver({ seed: 1, from: 0 });
    expect(good).toMatchObject({ received: 100, badOrder: 0, badChecksum: 0 });
    expect(good.checksum).toBe(new Payload(64, 1).total(100));
    expect(good.missing).toBe(0);
    // Starts at 1: the first seq is not the expected 0 (and the rest follow it, so only one is out of order);
    // the stream's end marker stops the consumer, which counts seq 0 as missing instead of waiting for it.
    expect(await deliver({ seed: 1, from: 1 })).toMatchObject({ badOrder: 1, missing: 1, received: 100 });
    // Another seed: same sequence numbers, different bytes.
    expect(await deliver({ seed: 2, from: 0 })).toMatchObject({ badOrder: 0, badChecksum: 100 });
  });
});

describe('communication: the lab', () => {
  it('runs --quick: every transport x size measured and verified, backpressure, queue ordering', async () => {
    const r: Report = await runLab(5, ['--quick']);
    expect(r.error).toBeUndefined();
    expect(schemaErrors(r)).toEqual([]);
    expect(r.checks.length).toBeGreaterThanOrEqual(13);
    for (const c of r.checks) {
      if (c.skipped) expect(c.reason, c.name).toBeTruthy();
      else expect(c.ok, `${c.name}: ${c.detail ?? ''}`).toBe(true);
    }
    expect(r.status).toBe('ok');
    // As printed on an 80-column terminal, nothing is wider.
    const { renderText } = (await import(path.join(ROOT, 'dist/src/render/text.js'))) as typeof import('../../src/render/text.js');
    const { makeStyle } = (await import(path.join(ROOT, 'dist/src/render/style.js'))) as typeof import('../../src/render/style.js');
    const { displayWidth } = (await import(path.join(ROOT, 'dist/src/render/format.js'))) as typeof import('../../src/render/format.js');
    for (const l of renderText(r, makeStyle(false, 80)).split('\n')) expect(displayWidth(l), l).toBeLessThanOrEqual(80);
    const ring = r.checks.find((c) => c.name.startsWith('ring buffer'));
    expect((ring?.detail ?? ring?.reason ?? '').replace(/\s+/g, ' ')).toMatch(/try [1-3] of at most 3/);

    const sizes = r.options.sizes as number[];
    expect(sizes).toEqual([64, 4096]);
    const table = r.tables.find((t) => t.title.startsWith('Transports'));
    expect(table?.rows).toHaveLength(TRANSPORTS.length * sizes.length);
    for (const row of table?.rows ?? []) {
      for (const k of ['n', 'rate', 'mbs', 'p50', 'p99']) expect(row[k], `${String(row.transport)} ${k}`).toBeGreaterThan(0);
      expect(row.p99 as number).toBeGreaterThanOrEqual(row.p50 as number);
    }
    expect(table?.highlight).toHaveLength(sizes.length);
    // One note says why streaming and round trips differ, with the ring's and the port's figures.
    const trip = r.notes.find((n) => /^(Why the ring streams faster but its round trip is slower|Streams and round trips) \((64 B|4 KiB)\)/.test(n));
    expect(trip, r.notes.join('\n')).toBeDefined();
    expect(trip).toMatch(/the ring took [\d.,]+ µs at p50 and [\d.,]+ µs at p99, MessageChannel/);
    if (process.platform === 'linux') {
      expect(trip).toMatch(/on a CPU [\d.,]+ µs \(ring\) and [\d.,]+ µs \(MessageChannel\)/);
      const cpu = r.metrics.filter((m) => m.name === 'rtt.cpu');
      expect(cpu).toHaveLength(TRANSPORTS.length * sizes.length);
      for (const m of cpu) expect(m.samples[0], JSON.stringify(m.variant)).toBeGreaterThan(0);
    }

    for (const name of ['throughput', 'rtt']) {
      const ms = r.metrics.filter((m) => m.name === name);
      expect(ms.map((m) => `${m.variant.transport}/${m.variant.size}`).sort()).toEqual(
        sizes.flatMap((s) => TRANSPORTS.map((t) => `${t}/${s}`)).sort(),
      );
      for (const m of ms) expect(m.samples.every((x) => x > 0)).toBe(true);
    }
    for (const m of r.metrics.filter((x) => x.name === 'throughput')) expect(m.samples).toHaveLength(r.options.repeat as number);

    const pressure = r.tables.find((t) => t.title.startsWith('Bounded blocking queue'));
    const slow = pressure?.rows.at(-1);
    expect(slow?.produced).toBe(slow?.consumed);
    expect(slow?.fullPuts).toBeGreaterThan(0);

    const queues = r.tables.find((t) => t.title.startsWith('Shared queues'));
    expect(queues?.rows.map((q) => q.ok)).toEqual([true, true, true]);
    const orders = r.outputs.queueOrders as Record<string, number[]>;
    expect(orders.fifo).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(orders.lifo).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect([...(orders.priority ?? [])].sort()).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(r.headline?.unit).toBe('x');
  }, 60_000);
});
