/**
 * The dining table in one SharedArrayBuffer, attached by the lab thread (which
 * initialises it and watches it) and by every philosopher worker.
 *
 *   header   Int32 words: log cursor, log overflow, seated, max seated, attached,
 *            arrived at the rendezvous, parked (blocked on a fork, a seat or a bell)
 *            + Float64 epoch (absolute ms; event times are µs since it)
 *   start    Event   the starting gun: every philosopher waits on it
 *   stop     Event   set by the watchdog (deadlock) or the lab (time limit)
 *   waiter   BoundedSemaphore(N-1), the arbitrator of the `waiter` strategy
 *   forks    N Mutex (fork f lies between P(f-1) and Pf: Pi's left fork is Fi,
 *            its right fork F(i+1 mod N))
 *   holder   N words, who holds fork f (+1; 0 = nobody)  } read by the watchdog
 *   waiting  N words, the fork Pi is blocked on (+1)     } to build the wait-for graph
 *   state    N words, thinking / hungry / eating / done
 *   meals    N words, meals eaten (the count the event log must match)
 *   retries  N words, try-lock's failed attempts
 *   owner, dirty, requested, inUse   N words each: Chandy-Misra's fork state
 *   bells    N Event: a Chandy-Misra philosopher sleeps on its own doorbell
 *   log      capacity × (code, time µs): the append-only event log
 *
 * Everything cross-thread goes through Atomics: the watchdog reads while the
 * philosophers write.
 */
import { BoundedSemaphore } from '../../src/sync/bounded-semaphore.js';
import { Event } from '../../src/sync/event.js';
import { Mutex } from '../../src/sync/mutex.js';

export const EV = { THINK: 1, HUNGRY: 2, TAKE: 3, PUT: 4, EAT_START: 5, EAT_END: 6, DONE: 7, STOPPED: 8 } as const;
export type EventCode = (typeof EV)[keyof typeof EV];
export const STATE = { IDLE: 0, THINKING: 1, HUNGRY: 2, EATING: 3, DONE: 4 } as const;

const CURSOR = 0;
const OVERFLOW = 1;
const SEATED = 2;
const MAX_SEATED = 3;
const ATTACHED = 4;
const ARRIVED = 5;
const PARKED = 6;
const HEADER_WORDS = 8;
const HEADER_BYTES = 40; // 8 Int32 words + the Float64 epoch at byte 32
/** How often a philosopher waiting at the rendezvous looks again at who is parked, ms. */
const RENDEZVOUS_POLL_MS = 1;

/** Events a meal can log: think, hungry, eat start/end, 2 takes, 2 puts; Chandy-Misra adds handovers. */
export const EVENTS_PER_MEAL = 12;

/** Log capacity for a run: every meal's events, plus start/stop bookkeeping. */
export function logCapacity(n: number, meals: number): number {
  return n * (meals * EVENTS_PER_MEAL + 8);
}

export interface LogEntry {
  slot: number;
  phil: number;
  ev: EventCode;
  /** Fork id, or -1. */
  fork: number;
  /** ms since the epoch. */
  t: number;
}

export class DiningTable {
  readonly hdr: Int32Array;
  readonly epochView: Float64Array;
  readonly start: Event;
  readonly stop: Event;
  readonly waiter: BoundedSemaphore;
  readonly forks: Mutex[];
  readonly holder: Int32Array;
  readonly waiting: Int32Array;
  readonly state: Int32Array;
  readonly meals: Int32Array;
  readonly retries: Int32Array;
  readonly owner: Int32Array;
  readonly dirty: Int32Array;
  readonly requested: Int32Array;
  readonly inUse: Int32Array;
  readonly bells: Event[];
  readonly codes: Int32Array;
  readonly times: Int32Array;
  private epoch = 0;
  /**
   * Stress (set by a philosopher from its request): before reaching for its
   * second fork on its first meal, each philosopher waits until every other
   * one holds a first fork too or is parked, at most this long, ms; 0: never.
   */
  rendezvousMs = 0;
  private met = false;

  static bytes(n: number, capacity: number): number {
    return HEADER_BYTES + 16 + 16 + 16 + n * 4 + 9 * n * 4 + n * Event.BYTES + 2 * capacity * 4;
  }

  constructor(
    readonly buffer: SharedArrayBuffer,
    readonly n: number,
    readonly capacity: number,
  ) {
    let at = 0;
    const take = (bytes: number): number => {
      const o = at;
      at += bytes;
      return o;
    };
    const words = (): Int32Array => new Int32Array(buffer, take(n * 4), n);
    this.hdr = new Int32Array(buffer, take(HEADER_BYTES), HEADER_WORDS);
    this.epochView = new Float64Array(buffer, 4 * HEADER_WORDS, 1);
    this.start = new Event(buffer, take(16));
    this.stop = new Event(buffer, take(16));
    this.waiter = new BoundedSemaphore(buffer, take(16));
    const forksAt = take(n * Mutex.BYTES);
    this.forks = Array.from({ length: n }, (_, f) => new Mutex(buffer, forksAt + f * Mutex.BYTES));
    this.holder = words();
    this.waiting = words();
    this.state = words();
    this.meals = words();
    this.retries = words();
    this.owner = words();
    this.dirty = words();
    this.requested = words();
    this.inUse = words();
    const bellsAt = take(n * Event.BYTES);
    this.bells = Array.from({ length: n }, (_, i) => new Event(buffer, bellsAt + i * Event.BYTES));
    this.codes = new Int32Array(buffer, take(capacity * 4), capacity);
    this.times = new Int32Array(buffer, take(capacity * 4), capacity);
  }

  /** Called by the lab before any philosopher attaches. */
  static create(n: number, capacity: number): DiningTable {
    const t = new DiningTable(new SharedArrayBuffer(DiningTable.bytes(n, capacity)), n, capacity);
    // The waiter seats at most N-1: then at least one seated philosopher can
    // always get both forks, so the cycle of N cannot close.
    new BoundedSemaphore(t.buffer, t.waiter.byteOffset, n - 1, n - 1);
    t.setEpoch(performance.timeOrigin + performance.now());
    return t;
  }

  left(i: number): number {
    return i;
  }
  right(i: number): number {
    return (i + 1) % this.n;
  }
  /** The other philosopher who shares fork f with Pi. */
  neighbour(f: number, i: number): number {
    return f === i ? (i - 1 + this.n) % this.n : (i + 1) % this.n;
  }

  /** Reads the epoch (set before the start gun); call after start.wait(). */
  syncEpoch(): void {
    this.epoch = this.epochView[0] as number;
  }
  setEpoch(ms: number): void {
    this.epochView[0] = ms;
    this.epoch = ms;
  }

  /** Appends one event: Atomics.add claims a slot, so slot order is a total order of events. */
  log(phil: number, ev: EventCode, fork = -1): void {
    const slot = Atomics.add(this.hdr, CURSOR, 1);
    if (slot >= this.capacity) {
      Atomics.add(this.hdr, OVERFLOW, 1);
      return;
    }
    Atomics.store(this.times, slot, Math.round((performance.timeOrigin + performance.now() - this.epoch) * 1000));
    // The code is written last and is never 0: a reader can tell a claimed but
    // unwritten slot (possible only while philosophers run) from a written one.
    Atomics.store(this.codes, slot, ev | (phil << 8) | ((fork + 1) << 16));
  }

  cursor(): number {
    return Atomics.load(this.hdr, CURSOR);
  }
  overflow(): number {
    return Atomics.load(this.hdr, OVERFLOW);
  }
  attach(): void {
    Atomics.add(this.hdr, ATTACHED, 1);
  }
  attached(): number {
    return Atomics.load(this.hdr, ATTACHED);
  }
  /** Waiter strategy: one more seated; remembers the most ever seated at once. */
  sitDown(): void {
    const now = Atomics.add(this.hdr, SEATED, 1) + 1;
    for (let m = Atomics.load(this.hdr, MAX_SEATED); now > m; m = Atomics.load(this.hdr, MAX_SEATED)) {
      if (Atomics.compareExchange(this.hdr, MAX_SEATED, m, now) === m) break;
    }
  }
  standUp(): void {
    Atomics.sub(this.hdr, SEATED, 1);
  }
  maxSeated(): number {
    return Atomics.load(this.hdr, MAX_SEATED);
  }

  /**
   * Between the first fork and the second: on a stressed table, once, the
   * rendezvous; then the seeded pause. True if the stop flag was set meanwhile.
   */
  between(reach: number): boolean {
    if (this.rendezvousMs > 0 && !this.met) {
      this.met = true;
      this.rendezvous(this.rendezvousMs);
    }
    return reach > 0 ? this.stop.wait(reach) : this.stop.isSet();
  }

  /** Whether between() will pause at all (chandy-misra skips a zero pause). */
  pauses(reach: number): boolean {
    return reach > 0 || (this.rendezvousMs > 0 && !this.met);
  }

  /**
   * Wait until every philosopher has arrived here (holding a first fork) or
   * is parked, bounded by ms and the stop flag. A philosopher that blocks on
   * a fork held by one waiting here would otherwise keep it waiting for
   * nothing; with naive forks nobody can block on a first fork, so all N
   * arrive, and the deadlock that follows is certain.
   */
  private rendezvous(ms: number): void {
    Atomics.add(this.hdr, ARRIVED, 1);
    Atomics.notify(this.hdr, ARRIVED);
    const end = performance.now() + ms;
    for (;;) {
      const arrived = Atomics.load(this.hdr, ARRIVED);
      const left = end - performance.now();
      if (arrived + Atomics.load(this.hdr, PARKED) >= this.n || left <= 0 || this.stop.isSet()) return;
      Atomics.wait(this.hdr, ARRIVED, arrived, Math.min(RENDEZVOUS_POLL_MS, left));
    }
  }
  arrived(): number {
    return Atomics.load(this.hdr, ARRIVED);
  }

  /** Around every blocking wait: the rendezvous counts the parked as present. */
  park(): void {
    Atomics.add(this.hdr, PARKED, 1);
  }
  unpark(): void {
    Atomics.sub(this.hdr, PARKED, 1);
  }

  /** The first `count` log entries, decoded (count defaults to all written). */
  entries(count = Math.min(this.cursor(), this.capacity)): LogEntry[] {
    const out: LogEntry[] = [];
    for (let slot = 0; slot < Math.min(count, this.capacity); slot++) {
      const code = Atomics.load(this.codes, slot);
      if (code === 0) continue;
      out.push({
        slot,
        ev: (code & 0xff) as EventCode,
        phil: (code >>> 8) & 0xff,
        fork: ((code >>> 16) & 0xff) - 1,
        t: Atomics.load(this.times, slot) / 1000,
      });
    }
    return out;
  }
}
