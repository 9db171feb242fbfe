/**
 * What the transports experiment adds up from its runs (pure, no workers):
 * a ledger per transport of everything its consumers verified, and the
 * queue's load (puts that met a full queue, time blocked, depth).
 */
import type { Cell } from '../../src/core/report.js';
import type { Flow, RoundTrips } from './flows.js';
import type { Payload } from './payload.js';

/** A count with thousands separators (350,994), as in the tables. */
export const n = (v: number): string => v.toLocaleString('en-US');

/** Sum of the checksums of messages [0, count) of a payload, remembered per count. */
export class Totals {
  private readonly known = new Map<number, number>();
  constructor(private readonly payload: Payload) {}

  of(count: number): number {
    let t = this.known.get(count);
    if (t === undefined) {
      t = this.payload.total(count);
      this.known.set(count, t);
    }
    return t;
  }
}

/** Every run of one transport, warm-up included, and every round trip: was each message delivered exactly once, in order, intact? */
export class Ledger {
  runs = 0;
  messages = 0;
  received = 0;
  badOrder = 0;
  duplicates = 0;
  missing = 0;
  badChecksum = 0;
  /** runs whose checksums did not add up to what the messages sent must total */
  badTotals = 0;
  rounds = 0;
  badEcho = 0;

  /** A throughput run, and what its messages' checksums must total. */
  add(f: Flow, expectedTotal: number): void {
    this.runs++;
    this.messages += f.messages;
    this.received += f.received;
    this.badOrder += f.badOrder;
    this.duplicates += f.duplicates;
    this.missing += f.missing;
    this.badChecksum += f.badChecksum;
    if (f.checksum !== expectedTotal) this.badTotals++;
  }

  addRoundTrips(r: RoundTrips): void {
    this.rounds += r.rttUs.length;
    this.badEcho += r.badEcho;
  }

  get ok(): boolean {
    const wrong = this.badOrder + this.duplicates + this.missing + this.badChecksum + this.badTotals + this.badEcho;
    return this.received === this.messages && wrong === 0;
  }

  detail(): string {
    return (
      `${n(this.runs)} runs, ${n(this.received)} of ${n(this.messages)} messages received: ${n(this.badOrder)} out of order, ` +
      `${n(this.duplicates)} duplicated, ${n(this.missing)} missing, ${n(this.badChecksum)} bad checksums, ` +
      `${n(this.badTotals)} runs with a wrong checksum total; ${n(this.rounds)} round trips, ${n(this.badEcho)} bad echoes`
    );
  }
}

/** The blocking queue's throughput runs at one size: how often its bound was met. */
export class QueueLoad {
  runs = 0;
  produced = 0;
  consumed = 0;
  fullPuts = 0;
  blockedMs = 0;
  maxDepth = 0;

  add(f: Flow): void {
    this.runs++;
    this.produced += f.messages;
    this.consumed += f.received;
    this.fullPuts += f.fullPuts;
    this.blockedMs += f.blockedMs;
    this.maxDepth = Math.max(this.maxDepth, f.maxDepth);
  }

  /** A row of the backpressure table. */
  row(run: string, slots: number, workUs: number): Record<string, Cell> {
    const { runs, produced, consumed, fullPuts, blockedMs, maxDepth } = this;
    return { run, slots, work: workUs, runs, produced, consumed, fullPuts, blockedMs, maxDepth };
  }
}

/**
 * The least time, ms, in which `messages` puts can all return through a queue
 * of `slots` drained by `consumers` that each work `workUs` per message: the
 * last put needs all but `slots` messages taken, so some consumer has taken
 * ceil((messages - slots) / consumers) of them, and worked on all but its last.
 */
export function pacedMs(messages: number, slots: number, consumers: number, workUs: number): number {
  return (Math.max(0, Math.ceil((messages - slots) / consumers) - 1) * workUs) / 1000;
}
