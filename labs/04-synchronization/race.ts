/**
 * The race, one experiment: k racer threads increment one shared counter, by
 * each method in turn (interleaved across repeats, so that machine noise
 * spreads over all four), meeting at a Barrier and starting at a common
 * instant. Measures here, records and checks in show-race.ts.
 */
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import { machineBusyMs, othersCores } from '../../src/measure/contention.js';
import { Barrier } from '../../src/sync/barrier.js';
import { Mutex } from '../../src/sync/mutex.js';
import { interleaving, togetherMs, type Interleaving } from './overlap.js';
import { RACE_METHODS, type RaceMethod, type RaceReply, type RaceRequest } from './messages.js';
import { showRace } from './show-race.js';

export interface RaceOptions {
  workers: number;
  increments: number;
  /** The racer worker file. The seam for the checks' fault tests (racer.ts serving a faulty method table). */
  worker?: URL;
}

export async function counterRace(ctx: LabContext<unknown>, o: RaceOptions): Promise<Race & { lostPct: number }> {
  const race = await runRace(ctx, o.workers, o.increments, ctx.repeat, ctx.warmup, o.worker);
  return { ...race, ...showRace(ctx, race) };
}

export interface RaceResult {
  method: RaceMethod;
  /** Final counter of each timed run. */
  counts: number[];
  /** Wall time of each timed run: first racer's start to last racer's end, ms. */
  wall: number[];
  /** How far apart the racers started (last start - first start), ms. */
  spread: number[];
  /** Mean time one racer spent in its loop, ms. */
  loop: number[];
  /** Time at least two racers were inside their loops at once, ms (overlap.ts). */
  together: number[];
  /** How each run's loops interleaved (overlap.ts); none for plain, which runs as one loop. */
  interleaved: Interleaving[];
}

export interface Race {
  workers: number;
  increments: number;
  expected: number;
  results: RaceResult[];
  /** Runs in all (warm-up included) and the generations the barrier counted. */
  runs: number;
  generations: number;
  /** Cores' worth of CPU other processes used during the race (/proc/stat less this process); null without /proc. */
  othersCores: number | null;
}

const RUN_TIMEOUT_MS = 60_000;
/** Time for the request to reach every racer and the barrier to fill, before the common start. */
const START_DELAY_MS = 10;

export async function runRace(
  ctx: LabContext<unknown>,
  k: number,
  increments: number,
  repeat: number,
  warmup: number,
  url: URL = new URL('./race.worker.js', import.meta.url),
): Promise<Race> {
  const racers: Worker[] = Array.from({ length: k }, () => ctx.worker(url));
  const counterBuf = new SharedArrayBuffer(4);
  const counter = new Int32Array(counterBuf);
  const mutex = Mutex.create();
  const barrier = Barrier.create(k);
  const results = RACE_METHODS.map((method): RaceResult => ({ method, counts: [], wall: [], spread: [], loop: [], together: [], interleaved: [] }));
  const total = (warmup + repeat) * results.length;
  let runs = 0;
  const busy0 = machineBusyMs();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  for (let rep = 0; rep < warmup + repeat; rep++) {
    for (const r of results) {
      ctx.progress(`race: ${r.method} increments, run ${rep + 1} of ${warmup + repeat}`, runs / total);
      Atomics.store(counter, 0, 0);
      const req: RaceRequest = {
        kind: 'race',
        method: r.method,
        increments,
        counter: counterBuf,
        mutex: mutex.handle(),
        barrier: barrier.handle(),
        startAt: performance.timeOrigin + performance.now() + START_DELAY_MS,
      };
      const replies = racers.map((w) =>
        ctx.nextMessage<RaceReply>(w, RUN_TIMEOUT_MS, `racer (${r.method})`, (m) => (m as RaceReply).kind === 'raced'),
      );
      for (const w of racers) w.postMessage(req);
      const got = await Promise.all(replies);
      runs++;
      const failed = got.find((g) => g.error);
      if (failed) throw new Error(`race (${r.method}): ${failed.error}`);
      if (rep < warmup) continue;
      const t0 = got.map((g) => g.t0);
      r.counts.push(Atomics.load(counter, 0));
      r.wall.push(Math.max(...got.map((g) => g.t1)) - Math.min(...t0));
      r.spread.push(Math.max(...t0) - Math.min(...t0));
      r.loop.push(got.reduce((a, g) => a + g.t1 - g.t0, 0) / got.length);
      r.together.push(togetherMs(got));
      r.interleaved.push(interleaving(got));
    }
  }
  const busy1 = machineBusyMs();
  const own = process.cpuUsage(cpu0);
  const others = othersCores(busy0 === null || busy1 === null ? null : busy1 - busy0, (own.user + own.system) / 1000, performance.now() - wall0);
  await Promise.all(racers.map((w) => w.terminate()));
  return { workers: k, increments, expected: k * increments, results, runs, generations: barrier.generation(), othersCores: others };
}
