/**
 * Lab 5's round-trip note, on known figures: it names the contradiction only
 * when the ring streams faster and still has the slower round trip, and it
 * explains it with the figures measured (CPU and run-queue wait per round
 * trip), never with a claim the figures do not show.
 */
import { describe, expect, it } from 'vitest';
import { contradiction, perRoundTrip, roundTripNote, type RoundTripFigures } from '../../labs/05-communication/round-trips.js';

const ms = (x: number): number => x * 1e6; // ns
// A run here (--quick, load 6.7): ring 3.25 M msg/s, p50 19.1 µs, p99 262 µs; MessageChannel 0.497 M msg/s, 28.5 and 121 µs.
const ring: RoundTripFigures = { rate: 3.25e6, p50: 19.1, p99: 262, mean: 41.3, rounds: 300, sched: { cpuNs: ms(7.29), waitNs: ms(10.81) } };
const port: RoundTripFigures = { rate: 0.497e6, p50: 28.5, p99: 121, mean: 36.2, rounds: 300, sched: { cpuNs: ms(10.23), waitNs: ms(7.05) } };
const flat = (s: string): string => s.replace(/\s+/g, ' ');

describe('lab 5: why a stream and a round trip differ', () => {
  it('per round trip: both threads CPU and wait, µs', () => {
    expect(perRoundTrip(ring)?.cpu).toBeCloseTo(24.3, 9);
    expect(perRoundTrip(ring)?.wait).toBeCloseTo(36.0333, 3);
    expect(perRoundTrip({ ...ring, sched: undefined } as RoundTripFigures)).toBeNull();
  });

  it('is a contradiction when the ring streams faster but is slower at p50 or p99', () => {
    expect(contradiction(ring, port)).toBeCloseTo(262 / 121, 6);
    expect(contradiction({ ...ring, p99: 100 }, port)).toBe(0); // faster at both
    expect(contradiction({ ...ring, rate: 0.4e6 }, port)).toBe(0); // streams slower: nothing to explain
  });

  it('says why with the figures: per-message stream time, the percentiles, CPU and waits, and the waits as the cause of the tail', () => {
    const note = flat(roundTripNote('64 B', ring, port));
    expect(note).toMatch(/^Why the ring streams faster but its round trip is slower \(64 B\)/);
    expect(note).toContain('the ring moved a message every 0.308 µs, MessageChannel every 2.01 µs');
    expect(note).toContain('the ring took 19.1 µs at p50 and 262 µs at p99, MessageChannel 28.5 µs and 121 µs');
    expect(note).toContain('on a CPU 24.3 µs (ring) and 34.1 µs (MessageChannel)');
    expect(note).toContain('waiting for a core 36.0 µs and 23.5 µs');
    expect(note).toContain('waited longer for a core');
    expect(note).not.toContain('mostly work on a CPU'); // its CPU per round trip was the smaller one
  });

  it('at a size where the ring spends its round trip copying, says that instead (and not the waits)', () => {
    // A full run here: ring 0.745 k msg/s, p50 2,080 µs, p99 2,413 µs; MessageChannel 0.364 k msg/s, 872 and 10,595 µs, whose
    // mean CPU per round trip was the larger one, its mean round trip longer still (its tail).
    const big: RoundTripFigures = { rate: 745, p50: 2080, p99: 2413, mean: 2150, rounds: 64, sched: { cpuNs: ms(64 * 2.285), waitNs: ms(64 * 0.00756) } };
    const bigPort: RoundTripFigures = { rate: 364, p50: 872, p99: 10595, mean: 2300, rounds: 64, sched: { cpuNs: ms(64 * 2.775), waitNs: ms(64 * 0.271) } };
    expect(contradiction(big, bigPort)).toBeCloseTo(2080 / 872, 6);
    const note = flat(roundTripNote('1 MiB', big, bigPort));
    expect(note).toContain('mostly work on a CPU: 2,285 µs per round trip against a mean round trip of 2,150 µs (MessageChannel: 2,775 µs of 2,300 µs)');
    expect(note).not.toContain('waited longer for a core');
    // Where the ring's threads were on a CPU for less than half its mean round trip, the note does not call it CPU work.
    expect(flat(roundTripNote('1 MiB', { ...big, mean: 5000 }, bigPort))).not.toContain('mostly work on a CPU');
  });

  it('without a contradiction it still explains, under a plain lead; without schedstat it leaves the CPU part out', () => {
    const note = flat(roundTripNote('4 KiB', { ...ring, rate: 0.1e6, sched: undefined } as RoundTripFigures, port));
    expect(note).toMatch(/^Streams and round trips \(4 KiB\)/);
    expect(note).not.toContain('schedstat');
  });
});
