/**
 * The race hunter (lab side): runs the bank's transfer program many times in
 * worker threads, buggy and fixed, under the seeded scheduler and under free
 * threads with seeded jitter; counts the runs that broke the invariant, finds
 * the first failing seed and replays it.
 *
 * Run i uses seed (--seed + i), so `--seed F` makes the failing run F the
 * first run of a new hunt: that is the replay.
 */
import type { Worker } from 'node:worker_threads';
import type { LabContext } from '../../src/core/lab.js';
import { median } from '../../src/measure/stats.js';
import { Barrier } from '../../src/sync/barrier.js';
import { BANK_BYTES, bankViews, resetRun, resultOf, type RunConfig, type RunResult } from './bank.js';
import { model } from './model.js';
import type { RaceProgram, RaceReply, RaceRun, RaceSchedule, RaceWorkerData } from './messages.js';

export interface RaceSettings {
  runs: number;
  workers: number;
  transfers: number;
  preempt: number;
  /** The clerk worker file. The seam for fault tests: clerk.ts serving the bank's code with a bug put back. */
  worker?: URL;
}

/** Replays of the first failing jitter seed: enough to see that the result is not fixed. */
const JITTER_REPLAYS = 5;
const WAIT_MS = 5_000;

interface Hunt {
  program: RaceProgram;
  schedule: RaceSchedule;
  results: RunResult[];
  times: number[];
  firstFailure: RunResult | undefined;
  /** seeded: the threaded run differed from the model at these seeds. */
  modelMismatches: number[];
}

export async function raceHunter(
  ctx: LabContext<unknown>,
  s: RaceSettings,
): Promise<{ runs: number; broken: number; firstSeed: number | null }> {
  const sab = new SharedArrayBuffer(BANK_BYTES);
  const bank = bankViews(sab);
  const barrier = Barrier.create(s.workers);
  const workers: Worker[] = [];
  for (let id = 0; id < s.workers; id++) {
    const workerData: RaceWorkerData = { id, workers: s.workers, bank: sab, barrier: barrier.handle(), waitMs: WAIT_MS };
    workers.push(ctx.worker(s.worker ?? new URL('./race.worker.js', import.meta.url), { workerData }));
  }

  async function runOnce(seed: number, program: RaceProgram, schedule: RaceSchedule): Promise<{ r: RunResult; ms: number }> {
    resetRun(bank, seed, s.workers);
    const msg: RaceRun = { type: 'run', seed, program, schedule, transfers: s.transfers, preempt: s.preempt };
    const t0 = performance.now();
    // Listen before posting, so no reply can slip past.
    const replies = workers.map((w, i) =>
      ctx.nextMessage<RaceReply>(w, 2 * WAIT_MS, `race worker ${i} (seed ${seed})`, (m) => (m as RaceReply).seed === seed),
    );
    for (const w of workers) w.postMessage(msg);
    const got = await Promise.all(replies);
    const ms = performance.now() - t0;
    const err = got.find((g) => g.type === 'error');
    if (err?.type === 'error') throw new Error(`race worker ${err.id}, seed ${seed}, ${program}/${schedule}: ${err.message}`);
    const applied = got.reduce((n, g) => n + (g.type === 'done' ? g.applied : 0), 0);
    return { r: resultOf(seed, bank.acc, bank.ctl, applied), ms };
  }

  const cfg = (program: RaceProgram): RunConfig => ({ program, workers: s.workers, transfers: s.transfers, preempt: s.preempt });
  const same = (a: RunResult, b: RunResult): boolean => JSON.stringify(a) === JSON.stringify(b);
  /** The threads' run against the model: balances, scheduling points, switches and transfers applied. */
  const likeModel = (r: RunResult, program: RaceProgram): boolean => {
    const m = model(r.seed, cfg(program));
    return JSON.stringify([r.balances, r.steps, r.switches, r.applied]) === JSON.stringify([m.balances, m.steps, m.switches, m.applied]);
  };

  async function hunt(program: RaceProgram, schedule: RaceSchedule, step: number): Promise<Hunt> {
    const h: Hunt = { program, schedule, results: [], times: [], firstFailure: undefined, modelMismatches: [] };
    for (let i = 0; i < s.runs; i++) {
      if (i % 16 === 0) ctx.progress(`race hunter: ${program}, ${schedule} (${i}/${s.runs})`, (step + i / s.runs) / 4);
      const seed = (ctx.seed + i) >>> 0;
      const { r, ms } = await runOnce(seed, program, schedule);
      h.results.push(r);
      h.times.push(ms);
      if (r.broken.length > 0 && !h.firstFailure) h.firstFailure = r;
      if (schedule === 'seeded' && !likeModel(r, program)) h.modelMismatches.push(seed);
    }
    return h;
  }

  const hunts = [
    await hunt('buggy', 'seeded', 0),
    await hunt('fixed', 'seeded', 1),
    await hunt('buggy', 'jitter', 2),
    await hunt('fixed', 'jitter', 3),
  ];
  const [buggySeeded, fixedSeeded, buggyJitter, fixedJitter] = hunts as [Hunt, Hunt, Hunt, Hunt];

  // Replays. Seeded: once, and it must be the same run to the last step.
  // Jitter: a few times, counting how often it breaks again and how often it ends with the same balances.
  let seededReplay: RunResult | undefined;
  if (buggySeeded.firstFailure) seededReplay = (await runOnce(buggySeeded.firstFailure.seed, 'buggy', 'seeded')).r;
  const jitterAgain = { broke: 0, identical: 0 };
  const jf = buggyJitter.firstFailure;
  if (jf) {
    for (let k = 0; k < JITTER_REPLAYS; k++) {
      const { r } = await runOnce(jf.seed, 'buggy', 'jitter');
      if (r.broken.length > 0) jitterAgain.broke++;
      if (JSON.stringify(r.balances) === JSON.stringify(jf.balances)) jitterAgain.identical++;
    }
  }

  const broken = (h: Hunt): number => h.results.filter((r) => r.broken.length > 0).length;
  const replayCell = (h: Hunt): string | null => {
    if (!h.firstFailure) return null;
    if (h === buggySeeded) return seededReplay && same(seededReplay, h.firstFailure) ? 'identical' : 'DIFFERENT';
    return `${jitterAgain.broke}/${JITTER_REPLAYS} broke, ${jitterAgain.identical}/${JITTER_REPLAYS} identical`;
  };
  ctx.table({
    title: `Race hunter: ${s.workers} workers × ${s.transfers} transfers, seeds ${ctx.seed}..${ctx.seed + s.runs - 1}`,
    columns: [
      { key: 'program', label: 'program' },
      { key: 'schedule', label: 'schedule' },
      { key: 'runs', label: 'runs' },
      { key: 'broken', label: 'runs broken' },
      { key: 'rate', label: 'share broken', unit: '%' },
      { key: 'first', label: 'first failing seed' },
      { key: 'replay', label: 'replay of it' },
      { key: 'ms', label: 'median run', unit: 'ms' },
    ],
    rows: hunts.map((h) => ({
      program: h.program,
      schedule: h.schedule,
      runs: h.results.length,
      broken: broken(h),
      rate: (100 * broken(h)) / h.results.length,
      first: h.firstFailure ? h.firstFailure.seed : null,
      replay: replayCell(h),
      ms: median(h.times),
    })),
    note:
      `seeded: workers take turns; at each scheduling point the seed decides (switch with probability ${s.preempt}), ` +
      'so a seed fixes the interleaving. jitter: free threads, the seed fixes only the injected delays.',
  });
  for (const h of hunts) {
    ctx.metric({ name: 'race run', unit: 'ms', better: 'lower', variant: { program: h.program, schedule: h.schedule, workers: s.workers }, samples: h.times });
  }

  const f = buggySeeded.firstFailure;
  if (f) {
    ctx.note(
      `first failing seed ${f.seed}: balances ${f.balances.join(', ')} (${f.broken.join('; ')}) after ${f.steps} scheduling points, ` +
        `${f.switches} switches. Replay it: conc lab 6 --seed ${f.seed} --runs 1`,
    );
  }
  const seededRuns = buggySeeded.results.length + fixedSeeded.results.length;
  const mismatches = [...buggySeeded.modelMismatches, ...fixedSeeded.modelMismatches];
  ctx.check(
    'seeded runs are exactly the model',
    mismatches.length === 0,
    mismatches.length
      ? `${mismatches.length} of ${seededRuns} differ, first at seed ${mismatches[0]}`
      : `${seededRuns} of ${seededRuns} equal model.ts`,
  );
  const HUNT = 'hunter catches the buggy transfer (seeded)';
  const REPLAY = 'first failing seed replays identically';
  if (s.preempt === 0 && !f) {
    // With no preemption a worker only hands over when it is done: the runs are sequential.
    const why = '--preempt 0: no switch';
    ctx.skip(HUNT, why);
    ctx.skip(REPLAY, why);
  } else {
    ctx.check(HUNT, f !== undefined, `${broken(buggySeeded)} of ${s.runs} runs broke`);
    const again = f && seededReplay && seededReplay.broken.length > 0 && same(seededReplay, f);
    ctx.check(
      REPLAY,
      Boolean(again),
      !f || !seededReplay
        ? 'no failing seed to replay'
        : again
          ? `seed ${f.seed}: ${f.balances.join(',')}, ${f.steps} steps, twice`
          : `seed ${f.seed}: ${f.balances.join(',')} then ${seededReplay.balances.join(',')}`,
    );
  }
  ctx.check('fixed transfer never breaks (seeded)', broken(fixedSeeded) === 0, `${broken(fixedSeeded)} of ${fixedSeeded.results.length} runs broke`);
  ctx.check(
    'fixed transfer never breaks (free threads)',
    broken(fixedJitter) === 0,
    `${broken(fixedJitter)} of ${fixedJitter.results.length} broke (buggy: ${broken(buggyJitter)})`,
  );

  ctx.output('race.seeded.buggy.broken', broken(buggySeeded));
  ctx.output('race.seeded.buggy.firstFailingSeed', f ? f.seed : null);
  ctx.output('race.seeded.buggy.firstFailure', f ? { balances: f.balances, broken: f.broken, steps: f.steps } : null);
  ctx.output('race.seeded.fixed.broken', broken(fixedSeeded));
  return { runs: s.runs, broken: broken(buggySeeded), firstSeed: f ? f.seed : null };
}
