/**
 * The shared-queues experiment: the book's Queue / LifoQueue / PriorityQueue,
 * as SharedQueue between workers. A small ordering demonstration (one putter,
 * then one getter), and a concurrent run (two putters and two getters at
 * once) that must hand out every item exactly once.
 */
import type { LabContext } from '../../src/core/lab.js';
import type { SharedQueueKind } from '../../src/sync/index.js';
import type { Endpoints } from './endpoints.js';
import { WAIT_MS, queueOrder, queueStress } from './flows.js';
import { expectedOrder, type Item } from './orders.js';
import { n } from './ledger.js';

const KINDS: readonly SharedQueueKind[] = ['fifo', 'lifo', 'priority'];
const BOOK_NAME: Record<SharedQueueKind, string> = { fifo: 'Queue', lifo: 'LifoQueue', priority: 'PriorityQueue' };
const RULE: Record<SharedQueueKind, string> = {
  fifo: 'get order = put order',
  lifo: 'get order = reverse put order',
  priority: 'lowest priority first, ties in put order',
};
const SAME: Record<SharedQueueKind, SharedQueueKind> = { fifo: 'fifo', lifo: 'lifo', priority: 'priority' };

export interface SharedQueuesOptions {
  ep: Endpoints;
  /** Items in the ordering demonstration. */
  items: number;
  /** Items each of the two putters puts in the concurrent run. */
  perProducer: number;
  /** What each discipline is built as (default: itself): the seam for a fault test (a lifo that is a fifo). */
  kinds?: Record<SharedQueueKind, SharedQueueKind>;
}

export async function sharedQueues(ctx: LabContext<unknown>, o: SharedQueuesOptions): Promise<void> {
  const kinds = o.kinds ?? SAME;
  // Values 1..n in put order; priorities 1..4 from the seed, so ties occur.
  const put: Item[] = Array.from({ length: o.items }, (_, i) => ({ value: i + 1, priority: ctx.rng.int(1, 4) }));
  const show = (xs: readonly Item[], kind: SharedQueueKind): string =>
    xs.map((x) => (kind === 'priority' ? `${x.value}:p${x.priority}` : String(x.value))).join(' ');
  const rows = [];
  const orders: Record<string, number[]> = {};
  for (const kind of KINDS) {
    ctx.progress(`${kind} queue ordering`);
    const got = await queueOrder(o.ep, kinds[kind], put, WAIT_MS);
    const gotItems = got.values.map((value, i) => ({ value, priority: kind === 'priority' ? (got.priorities[i] ?? NaN) : 0 }));
    const want = expectedOrder(kind, put);
    const ok = got.values.length === want.length && want.every((w, i) => w.value === got.values[i]);
    orders[kind] = got.values;
    rows.push({ queue: `${kind} (${BOOK_NAME[kind]})`, put: show(put, kind), get: show(gotItems, kind), ok });
    ctx.check(`${kind} queue: ${RULE[kind]}`, ok, `put ${show(put, kind)}; got ${show(gotItems, kind)}; expected ${show(want, kind)}`);
  }
  ctx.table({
    title: 'Shared queues between workers: one worker puts, then another gets',
    columns: [
      { key: 'queue', label: 'queue' },
      { key: 'put', label: 'put order' },
      { key: 'get', label: 'get order' },
      { key: 'ok', label: 'as expected' },
    ],
    rows,
    note: "priority items are value:pPRIORITY; lower priority numbers come out first, as in Python's PriorityQueue.",
  });
  ctx.output('queueOrders', orders);

  const details: string[] = [];
  let exact = true;
  for (const kind of KINDS) {
    ctx.progress(`${kind} queue, 2 putters × 2 getters`);
    const s = await queueStress(o.ep, kinds[kind], o.perProducer, ctx.seed, WAIT_MS);
    exact &&= s.taken === 2 * o.perProducer && s.duplicates === 0 && s.missing === 0;
    details.push(`${kind}: ${n(s.taken)} taken, ${n(s.duplicates)} duplicated, ${n(s.missing)} missing`);
    if (kind === 'fifo') {
      ctx.check("fifo queue under contention: each producer's items come out in put order", s.inversions === 0,
        `2 putters × ${n(o.perProducer)} items, 2 getters: ${s.inversions} out-of-order pairs seen by a getter`);
    }
  }
  ctx.check('shared queues under contention: every item comes out exactly once', exact,
    `2 putters × ${n(o.perProducer)} items and 2 getters at once, capacity 16: ${details.join('; ')}`);
}
