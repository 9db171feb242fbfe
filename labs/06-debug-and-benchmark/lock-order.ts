/**
 * The lock-order checker (lab side): three programs run by three workers
 * that take turns, so no run can deadlock; each builds its lock-order graph
 * from what the workers reported, and looks for cycles in it.
 */
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import { Mutex } from '../../src/sync/mutex.js';
import { findCycles, type LockEdge } from './lock-graph.js';
import type { LockOrderReply, LockOrderRun, LockOrderWorkerData } from './messages.js';

const NAMES = ['A', 'B', 'C'];
const [A, B, C] = [0, 1, 2];
const WORKERS = 3;
const WAIT_MS = 5_000;

interface Program {
  name: string;
  /** Per worker: the nested lock sequences it takes. */
  orders: number[][][];
  expect: 'none' | 'cycle';
}

const PROGRAMS: Program[] = [
  { name: 'ordered', orders: [[[A, B]], [[A, B, C]], [[B, C]]], expect: 'none' },
  { name: 'inverted', orders: [[[A, B]], [[B, A]], []], expect: 'cycle' },
  { name: 'ring', orders: [[[A, B]], [[B, C]], [[C, A]]], expect: 'cycle' },
];

const path = (xs: readonly number[]): string => xs.map((x) => NAMES[x]).join('→');

export interface LockOrderOptions {
  /** How long a worker holds its innermost lock, ms. */
  holdMs: number;
  /** The graph's cycle finder. The seam for fault tests (one that ignores an edge, one that ignores direction). */
  cycles?: typeof findCycles;
}

export async function lockOrder(ctx: LabContext<unknown>, o: LockOrderOptions): Promise<void> {
  const { holdMs } = o;
  const cyclesOf = o.cycles ?? findCycles;
  const L = NAMES.length;
  const lockBuf = new SharedArrayBuffer(L * Mutex.BYTES);
  const locks = NAMES.map((_, i) => new Mutex(lockBuf, i * Mutex.BYTES));
  const graph = new SharedArrayBuffer(4 * (1 + 2 * L * L));
  const words = new Int32Array(graph);
  const workers: Worker[] = [];
  for (let id = 0; id < WORKERS; id++) {
    const workerData: LockOrderWorkerData = { id, locks: locks.map((m) => m.handle()), graph, waitMs: WAIT_MS, holdMs };
    workers.push(ctx.worker(new URL('./lock-order.worker.js', import.meta.url), { workerData }));
  }

  const rows = [];
  for (const [pi, p] of PROGRAMS.entries()) {
    ctx.progress(`lock-order checker: ${p.name}`, pi / PROGRAMS.length);
    words.fill(0);
    const replies = workers.map((w, i) => ctx.nextMessage<LockOrderReply>(w, 2 * WAIT_MS, `lock-order worker ${i}`));
    workers.forEach((w, i) => w.postMessage({ type: 'run', sequences: p.orders[i] ?? [] } satisfies LockOrderRun));
    const got = await Promise.all(replies);
    const errors = got.flatMap((g) => (g.type === 'error' ? [`worker ${g.id}: ${g.message}`] : []));
    const contended = got.reduce((n, g) => n + (g.type === 'done' ? g.contended : 0), 0);

    const edges: LockEdge[] = [];
    for (let a = 0; a < L; a++)
      for (let b = 0; b < L; b++) {
        const count = words[1 + a * L + b] as number;
        if (count > 0) edges.push({ from: a, to: b, count, by: (words[1 + L * L + a * L + b] as number) - 1 });
      }
    const cycles = cyclesOf(L, edges);
    const cycleText = cycles.map(path).join(', ') || 'none';
    const finished = errors.length === 0;
    rows.push({
      program: p.name,
      orders: p.orders.map((seqs, w) => (seqs.length ? `w${w} ${seqs.map(path).join(' ')}` : `w${w} -`)).join(', '),
      edges: edges.map((e) => `${NAMES[e.from]}→${NAMES[e.to]} (w${e.by})`).join(' '),
      cycle: cycleText,
      deadlocked: !finished,
    });
    ctx.output(`lockOrder.${p.name}.cycles`, cycles.map(path));

    const detail = finished ? `${cycles.length ? `cycle ${cycleText}` : `edges ${edges.map((e) => `${NAMES[e.from]}→${NAMES[e.to]}`).join(' ')}`}, ${contended} contended` : (errors[0] ?? 'error');
    if (p.expect === 'none') {
      ctx.check(`lock order: no cycle in one order (${p.name})`, finished && cycles.length === 0, detail);
    } else {
      // The workers never overlapped (contended 0), so the run could not deadlock; the cycle is a prediction.
      ctx.check(`lock order: cycle found, no deadlock (${p.name})`, finished && contended === 0 && cycles.length > 0, detail);
    }
  }
  ctx.table({
    title: 'Lock-order checker: the workers take turns, so no run can deadlock',
    columns: [
      { key: 'program', label: 'program' },
      { key: 'orders', label: 'lock orders' },
      { key: 'edges', label: 'graph edges (first reporter)' },
      { key: 'cycle', label: 'cycle: potential deadlock' },
      { key: 'deadlocked', label: 'deadlocked' },
    ],
    rows,
    note: `an edge X→Y: a worker asked for Y while it held X. Each worker holds its innermost lock ${holdMs} ms; run at once, a cycle is a deadlock.`,
  });
}
