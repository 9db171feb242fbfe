/** What one unit of work costs here, timed on worker 0 alone, stated in a note before the sweeps. */
import type { LabContext } from '../../src/core/lab.js';
import { median } from '../../src/measure/stats.js';
import { UNIT_ITERATIONS } from './kernel.js';
import type { WorkPool } from './pool.js';

/** Units timed alone on worker 0. */
const CALIBRATION_UNITS = 40;

const n = (x: number): string => Math.round(x).toLocaleString('en-US');

export async function calibrate(ctx: LabContext<unknown>, o: { pool: WorkPool; units: number; serialUnits: number }): Promise<{ unitMs: number }> {
  const cal: number[] = [];
  for (let i = 0; i < 5; i++) cal.push((await o.pool.range(0, 0, CALIBRATION_UNITS)).ms / CALIBRATION_UNITS);
  const unitMs = median(cal);
  ctx.note(
    `${o.pool.size} persistent workers started and warmed in ${n(o.pool.startupMs)} ms, before and outside every timing. ` +
      `One unit (${n(UNIT_ITERATIONS)} xorshift steps) costs ${n(unitMs * 1000)} µs on one worker here, ` +
      `so the Amdahl job (${n(o.units)} units, ${n(o.serialUnits)} serial) is about ${n(o.units * unitMs)} ms of CPU work.`,
  );
  return { unitMs };
}
