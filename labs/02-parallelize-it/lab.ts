import { defineLab } from '../../src/core/lab.js';
import { machine } from '../../src/measure/machine.js';
import { amdahlSweep, DEFAULT_SERIAL, FIT_TOLERANCE } from './amdahl.js';
import { calibrate } from './calibration.js';
import { falseSharing } from './false-sharing.js';
import { gustafsonSweep } from './gustafson.js';
import { hardwareTable } from './hardware.js';
import { jobChecksums } from './job-checksums.js';
import { UNIT_ITERATIONS } from './kernel.js';
import type { IncrementOp } from './messages.js';
import { WorkPool } from './pool.js';

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
    serial: { type: 'number', default: DEFAULT_SERIAL, min: 0, max: 1, help: 'serial fraction s of the job' },
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
    const { workers: maxK, serial, work, increments } = ctx.options;
    const units = (work * 1_000_000) / UNIT_ITERATIONS;
    const serialUnits = Math.round(serial * units);
    const variant = { serial, work };
    hardwareTable(ctx);

    ctx.progress('starting workers');
    const pool = await WorkPool.start(ctx, maxK, { seed: ctx.seed, warmUnits: 20 });
    await calibrate(ctx, { pool, units, serialUnits });
    const amdahl = await amdahlSweep(ctx, { pool, maxK, units, serialUnits, variant });
    const gustafson = await gustafsonSweep(ctx, { pool, maxK, units, serial, variant });
    jobChecksums(ctx, { amdahl: amdahl.sweep, gustafson, units, serialUnits, seed: ctx.seed });

    const ops: IncrementOp[] = ctx.options.incrementOp === 'both' ? ['atomics', 'plain'] : [ctx.options.incrementOp];
    const fs = await falseSharing(ctx, { increments, ops });
    ctx.output('falseSharingTotal', fs.total);

    if (amdahl.fit) ctx.headline(`fitted serial fraction (configured ${serial}, tolerance ${FIT_TOLERANCE})`, +amdahl.fit.s.toFixed(3));
    else ctx.headline(`speedup at k = ${Math.max(...amdahl.ks)}`, +amdahl.speedupAtMax.toFixed(2), 'x');
  },
});
