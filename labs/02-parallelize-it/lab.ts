import { defineLab } from '../../src/core/lab.js';
import { machine } from '../../src/measure/machine.js';
import { median } from '../../src/measure/stats.js';
import { FIT_TOLERANCE, reportAmdahl } from './amdahl.js';
import { falseSharing } from './false-sharing.js';
import { reportGustafson, scaledUnits } from './gustafson.js';
import { hardwareTable } from './hardware.js';
import { UNIT_ITERATIONS, rangeSum } from './kernel.js';
import type { IncrementOp } from './messages.js';
import { WorkPool } from './pool.js';
import { interleaved, workerCounts } from './sweep.js';

/** Units timed alone on worker 0 to state what one unit costs here. */
const CALIBRATION_UNITS = 40;

export default defineLab({
  id: 2,
  slug: 'parallelize-it',
  title: 'Parallelize it: speedup, Amdahl, Gustafson, the hardware',
  summary: 'speedup over 1..W workers with a serial fraction, Amdahl fit, Gustafson scaling, false sharing',
  chapter:
    'A job with a serial part cannot speed up past 1/s however many workers run it (Amdahl), ' +
    'while a job that grows with the workers keeps them all busy (Gustafson). The hardware sets the ' +
    'real limits: the cores you may use, and the cache lines that threads fight over even when they share no data.',
  host: 'worker',
  hosts: ['worker', 'process'],
  options: {
    workers: {
      type: 'integer',
      default: () => Math.min(64, 2 * machine().effectiveCores),
      min: 1,
      max: 64,
      help: 'largest worker count W of the sweep 1..W (default twice the cores, to show oversubscription)',
    },
    serial: { type: 'number', default: 0.1, min: 0, max: 1, help: 'serial fraction s of the job' },
    work: {
      type: 'integer',
      default: 200,
      min: 1,
      max: 5_000,
      help: `total work T of the Amdahl job, in millions of loop steps (units of ${UNIT_ITERATIONS} steps)`,
    },
    increments: { type: 'integer', default: 5_000_000, min: 1000, max: 100_000_000, help: 'increments per worker in the false-sharing runs' },
    incrementOp: { type: 'choice', default: 'both', choices: ['atomics', 'plain', 'both'], help: 'how the false-sharing workers increment: Atomics.add, a plain store, or both' },
  },
  quick: { work: 100, increments: 1_000_000 },
  repeat: { default: 7, quick: 5 },
  warmup: { default: 1, quick: 1 },
  timeout: 180,
  async run(ctx) {
    const { workers: maxK, serial, work } = ctx.options;
    const cores = ctx.machine.effectiveCores;
    const units = (work * 1_000_000) / UNIT_ITERATIONS;
    const serialUnits = Math.round(serial * units);
    const variant = { serial, work };
    hardwareTable(ctx);

    ctx.progress('starting workers');
    const pool = await WorkPool.start(ctx, maxK, { seed: ctx.seed, warmUnits: 20 });
    const cal: number[] = [];
    for (let i = 0; i < 5; i++) cal.push((await pool.range(0, 0, CALIBRATION_UNITS)).ms / CALIBRATION_UNITS);
    const unitMs = median(cal);
    ctx.note(
      `${maxK} persistent workers started and warmed in ${pool.startupMs.toFixed(0)} ms, before and outside every timing. ` +
        `One unit (${UNIT_ITERATIONS} xorshift steps) costs ${(unitMs * 1000).toFixed(0)} µs on one worker here, ` +
        `so the Amdahl job (${units} units, ${serialUnits} serial) is about ${(units * unitMs).toFixed(0)} ms of CPU work.`,
    );

    // Amdahl: the same job on every k.
    const ks = workerCounts(maxK, cores, ctx.quick);
    const amdahlRun = await interleaved(ctx, ks, (k) => pool.job(k, serialUnits, units - serialUnits), 'Amdahl');
    const { fit, delivered2 } = reportAmdahl(ctx, { ks, cores, serial: serialUnits / units, variant, sweep: amdahlRun });

    // Gustafson: half the Amdahl job at k = 1, each worker's share constant as k grows.
    const half = Math.max(2, Math.round(units / 2));
    const g = { serialUnits: Math.round(serial * half), shareUnits: half - Math.round(serial * half) };
    const gks = workerCounts(maxK, cores, true);
    const gRun = await interleaved(ctx, gks, (k) => pool.job(k, g.serialUnits, k * g.shareUnits), 'Gustafson');
    reportGustafson(ctx, { ...g, ks: gks, cores, variant, sweep: gRun });

    // The checksum of the whole job, computed here on one thread without the pool.
    ctx.progress('reference checksum');
    const reference = rangeSum(0, units, ctx.seed);
    const amdahlSums = [...amdahlRun.sums.values()].flat();
    const badAmdahl = amdahlSums.filter((x) => x !== reference).length;
    const badGustafson = [...gRun.sums.entries()].filter(([, xs]) => xs.some((x) => x !== xs[0])).map(([k]) => k);
    ctx.check(
      'every job computes the same checksum',
      badAmdahl === 0 && badGustafson.length === 0,
      `${amdahlSums.length} Amdahl runs against the one-thread reference ${reference.toString(16)}: ${badAmdahl} differ; ` +
        (badGustafson.length ? `Gustafson runs of one k disagree for k = ${badGustafson.join(', ')}` : 'Gustafson runs agree for every k'),
    );
    ctx.output('checksum', reference.toString(16).padStart(8, '0'));
    ctx.output('units', { total: units, serial: serialUnits, gustafsonSerial: g.serialUnits, gustafsonShare: g.shareUnits, gustafsonMax: scaledUnits(g, Math.max(...gks)) });

    const ops: IncrementOp[] = ctx.options.incrementOp === 'both' ? ['atomics', 'plain'] : [ctx.options.incrementOp];
    const fs = await falseSharing(ctx, { increments: ctx.options.increments, ops, delivered2 });
    ctx.check(
      'false-sharing counters add up exactly',
      fs.exact,
      fs.exact ? `${fs.runs} runs x 2 workers x ${ctx.options.increments} increments = ${fs.total} counted` : `first wrong run: ${fs.firstBad ?? '?'}`,
    );
    ctx.output('falseSharingTotal', fs.total);

    if (fit) ctx.headline(`fitted serial fraction (configured ${serial}, tolerance ${FIT_TOLERANCE})`, +fit.s.toFixed(3));
    else ctx.headline(`speedup at k = ${Math.max(...ks)}`, +(median(amdahlRun.wall.get(1) ?? []) / median(amdahlRun.wall.get(Math.max(...ks)) ?? [])).toFixed(2), 'x');
  },
});
