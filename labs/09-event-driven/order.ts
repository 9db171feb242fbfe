/**
 * The loop, traced from code this lab runs: one callback of each kind
 * (schedule.cts) scheduled from three places, many times, and the order they
 * really ran in. Each trace uses a fresh local TCP connection: the server
 * writes one byte, the client's 'data' handler is the I/O callback, and
 * destroying that socket gives a close callback.
 */
import { stat } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { LabContext } from '../../src/core/lab.js';
import { guaranteed, modalOrder, PLACE_TITLE, PLACES, ruleViolations, RULES, samePlaceCounts, type Place } from './order-rules.js';
import { PHASE, scheduleAll, type Label } from './schedule.cjs';

export interface LoopOrderOptions {
  /** Traces per place. */
  runs: number;
  /** Applied to each recorded trace before it is judged: the seam a fault test feeds a swapped trace through. */
  mapTrace?: (place: Place, trace: Label[]) => Label[];
}

export type Traces = Record<Place, Label[][]>;

/** Bound on one trace: it takes well under a millisecond when the loop is free. */
const TRACE_MS = 5000;
const THIS_FILE = fileURLToPath(import.meta.url);

async function startByteServer(ctx: LabContext<unknown>): Promise<{ port: number; close: () => void }> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.write('x');
  });
  const close = (): void => {
    server.close();
  };
  ctx.defer(close);
  await ctx.withTimeout(
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    }),
    5000,
    'the trace server to listen',
  );
  return { port: (server.address() as AddressInfo).port, close };
}

/** One trace: connect, and from the socket's 'data' callback schedule everything from `place`. */
function traceOnce(ctx: LabContext<unknown>, port: number, place: Place): Promise<Label[]> {
  const order: Label[] = [];
  const sock = net.connect(port, '127.0.0.1');
  sock.on('error', () => {});
  const done = new Promise<Label[]>((resolve) => {
    sock.once('data', () => {
      let n = Infinity;
      const log = (l: Label): void => {
        order.push(l);
        if (order.length === n) resolve(order);
      };
      const go = (): void => {
        n = scheduleAll(log, { io: (cb) => stat(THIS_FILE, () => cb()), close: sock }).length;
      };
      if (place === 'io') go();
      else if (place === 'microtask') void Promise.resolve().then(go);
      else setTimeout(go, 0);
    });
  });
  return ctx.withTimeout(done, TRACE_MS, `a loop trace (${place})`).finally(() => sock.destroy());
}

export async function loopOrder(ctx: LabContext<unknown>, o: LoopOrderOptions): Promise<Traces> {
  const server = await startByteServer(ctx);
  const traces: Traces = { io: [], microtask: [], macrotask: [] };
  try {
    for (const [pi, place] of PLACES.entries()) {
      ctx.progress(`loop order: ${place}`, pi / PLACES.length);
      for (let r = 0; r < o.runs; r++) {
        const t = await traceOnce(ctx, server.port, place);
        traces[place].push(o.mapTrace ? o.mapTrace(place, t) : t);
      }
    }
  } finally {
    server.close();
  }

  for (const place of PLACES) {
    // The callbacks whose place Node promises, in the order most runs had (all, when the rules hold) ...
    const promised = traces[place].map(guaranteed);
    const { order } = modalOrder(promised);
    const same = samePlaceCounts(order, promised);
    const rows: Record<string, string | number>[] = order.map((l, i) => ({ n: i + 1, label: l, phase: PHASE[l], same: `${same[i]}/${promised.length}` }));
    // ... and the I/O callback, which comes when the threadpool is done: after how many of them it ran.
    const after = traces[place].filter((t) => t.includes('io')).map((t) => guaranteed(t.slice(0, t.indexOf('io'))).length);
    if (after.length) {
      const lo = Math.min(...after);
      const hi = Math.max(...after);
      rows.push({ n: '–', label: 'io', phase: PHASE.io, same: lo === hi ? `after #${lo}` : `after #${lo} to #${hi}` });
    }
    ctx.table({
      title: `Order ${PLACE_TITLE[place]}`,
      columns: [
        { key: 'n', label: '#' },
        { key: 'label', label: 'callback' },
        { key: 'phase', label: 'runs in' },
        { key: 'same', label: `here in ${o.runs} runs`, align: 'right' },
      ],
      rows,
    });
    ctx.output(`order.${place}`, order);
  }
  ctx.note(
    'Scheduled in this order: setTimeout(0), setImmediate, fs.stat (io), socket.destroy() (close), ' +
      'a promise reaction, queueMicrotask, process.nextTick; whatever ran earlier than that jumped a queue. ' +
      '#: the place among the callbacks whose order Node promises. The fs.stat callback runs when the threadpool ' +
      'is done, so it has no promised place (nor a place in the outputs).',
  );

  for (const group of RULES) {
    const bad = ruleViolations(traces, group);
    const places = new Set(group.rules.flatMap((r) => r.places));
    const n = [...places].reduce((s, p) => s + traces[p].length, 0);
    ctx.check(group.name, bad.length === 0, bad.length ? `${bad.length} broken: ${bad.slice(0, 2).join('; ')}` : `${n}/${n} traces`);
  }
  return traces;
}
