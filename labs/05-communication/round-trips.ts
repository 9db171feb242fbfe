/**
 * Why a transport can stream fastest and still have the slower round trip:
 * the note that puts the ring's figures beside MessageChannel's, worded from
 * what was measured (pure: figures in, text out).
 */
import { fmtNum } from '../../src/render/format.js';
import type { ThreadTime } from './messages.js';

export interface RoundTripFigures {
  /** Median streaming throughput, messages/s. */
  rate: number;
  /** Round-trip percentiles, µs. */
  p50: number;
  p99: number;
  /** Mean round trip, µs: what CPU time per round trip (a mean) is a share of. */
  mean: number;
  /** Timed round trips. */
  rounds: number;
  /** Both threads over the timed round trips (Linux). */
  sched?: ThreadTime;
}

const us = (x: number): string => `${fmtNum(x)} µs`;

/** CPU and run-queue wait per round trip, µs, both threads together; null without schedstat. */
export function perRoundTrip(f: RoundTripFigures): { cpu: number; wait: number } | null {
  if (!f.sched || f.rounds <= 0) return null;
  return { cpu: f.sched.cpuNs / 1000 / f.rounds, wait: f.sched.waitNs / 1000 / f.rounds };
}

/**
 * Does the ring stream faster than MessageChannel yet take longer for a round
 * trip (median or tail)? How much longer: the larger of the two ratios, 0 when
 * it does not.
 */
export function contradiction(ring: RoundTripFigures, port: RoundTripFigures): number {
  if (!(ring.rate > port.rate)) return 0;
  const worse = Math.max(ring.p50 / port.p50, ring.p99 / port.p99);
  return worse > 1 ? worse : 0;
}

export function roundTripNote(size: string, ring: RoundTripFigures, port: RoundTripFigures): string {
  const lead = contradiction(ring, port) > 0 ? `Why the ring streams faster but its round trip is slower (${size})` : `Streams and round trips (${size})`;
  const parts = [
    `${lead}: streaming, the ring moved a message every ${us(1e6 / ring.rate)}, MessageChannel every ${us(1e6 / port.rate)}. ` +
      'A stream never waits for an answer: the producer writes ahead and the consumer finds messages already there, so neither side sleeps per message. ' +
      `A round trip waits for the other side every time: the ring took ${us(ring.p50)} at p50 and ${us(ring.p99)} at p99, ` +
      `MessageChannel ${us(port.p50)} and ${us(port.p99)}.`,
  ];
  const [r, p] = [perRoundTrip(ring), perRoundTrip(port)];
  if (r && p) {
    parts.push(
      `Per round trip the two threads were on a CPU ${us(r.cpu)} (ring) and ${us(p.cpu)} (MessageChannel), and runnable but waiting for a core ` +
        `${us(r.wait)} and ${us(p.wait)} (/proc/thread-self/schedstat, means); the rest of a round trip they slept until woken ` +
        '(Atomics.wait and notify for the ring, an event loop parked in epoll for the port).',
    );
    // Both threads' CPU per round trip against the mean round trip: 1 would be one thread busy the whole time.
    if (ring.p50 > port.p50 && r.cpu >= ring.mean / 2) {
      parts.push(
        `The ring's round trip here is mostly work on a CPU: ${us(r.cpu)} per round trip against a mean round trip of ${us(ring.mean)} ` +
          `(MessageChannel: ${us(p.cpu)} of ${us(port.mean)}), the copies into shared memory and out, each way.`,
      );
    }
    if (ring.p99 > port.p99 && r.wait > p.wait) {
      parts.push("The ring's threads waited longer for a core than the port's: woken, they queued behind the machine's other work, which its p99 shows.");
    }
  }
  return parts.join(' ');
}
