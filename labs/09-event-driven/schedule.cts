/**
 * What the loop trace schedules, in one CommonJS module so that the lab and
 * both child processes (a CommonJS one and an ES module one) run the same
 * code: only the place it is called from differs.
 *
 * The calls are made in this order on purpose: the timers first, the
 * microtasks next and process.nextTick last, so whatever runs earlier than
 * its place in the source has jumped a queue.
 */
import type { Socket } from 'node:net';

/** Every callback the trace can schedule. */
export type Label = 'setTimeout' | 'setImmediate' | 'io' | 'close' | 'promise' | 'queueMicrotask' | 'nextTick';

/** The queue or loop phase each label's callback runs in. */
export const PHASE: Record<Label, string> = {
  nextTick: 'nextTick queue',
  promise: 'microtask queue',
  queueMicrotask: 'microtask queue',
  setTimeout: 'timers',
  setImmediate: 'check',
  io: 'poll (I/O callbacks)',
  close: 'close callbacks',
};

/** What a child process sends back: the order its own top level ran the callbacks in. */
export interface TopLevelMessage {
  type: 'top-level';
  /** What the child was loaded as: its own module system, as it reports it. */
  module: 'commonjs' | 'module';
  order: Label[];
}

export const isTopLevelMessage = (m: unknown): m is TopLevelMessage => (m as TopLevelMessage | null)?.type === 'top-level';

export interface ScheduleExtras {
  /** Start an I/O operation whose callback logs 'io' (e.g. fs.stat). */
  io?: (done: () => void) => void;
  /** A connected socket to destroy: its 'close' event runs in the close-callbacks phase. */
  close?: Socket;
}

/**
 * Schedule one callback of each kind; each logs its label when it runs.
 * Returns the labels scheduled, in the order they were scheduled.
 */
export function scheduleAll(log: (label: Label) => void, extras: ScheduleExtras = {}): Label[] {
  const scheduled: Label[] = ['setTimeout', 'setImmediate'];
  setTimeout(() => log('setTimeout'), 0);
  setImmediate(() => log('setImmediate'));
  if (extras.io) {
    scheduled.push('io');
    extras.io(() => log('io'));
  }
  const sock = extras.close;
  if (sock) {
    scheduled.push('close');
    sock.once('close', () => log('close'));
    sock.destroy();
  }
  scheduled.push('promise', 'queueMicrotask', 'nextTick');
  void Promise.resolve().then(() => log('promise'));
  queueMicrotask(() => log('queueMicrotask'));
  process.nextTick(() => log('nextTick'));
  return scheduled;
}

/**
 * The body of a child: schedule the five at its own top level, then send the
 * order once all have run (or print it when run by hand), and leave.
 */
export function reportTopLevel(module: TopLevelMessage['module']): void {
  const order: Label[] = [];
  const scheduled = scheduleAll((l) => {
    order.push(l);
    if (order.length < scheduled.length) return;
    const msg: TopLevelMessage = { type: 'top-level', module, order };
    if (process.send) process.send(msg, () => process.disconnect());
    else console.log(`${module}: ${order.join(' ')}`);
  });
  // Never outlive a parent that stopped listening.
  setTimeout(() => process.exit(1), 10_000).unref();
}
