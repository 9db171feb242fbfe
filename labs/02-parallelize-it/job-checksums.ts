/**
 * The check that ties the sweeps to the work: every Amdahl run against the
 * job's checksum computed here on one thread without the pool, and every
 * Gustafson run of one k against the others of that k.
 */
import type { LabContext } from '../../src/core/lab.js';
import { scaledUnits, type GustafsonResult } from './gustafson.js';
import { rangeSum } from './kernel.js';
import type { SweepResult } from './sweep.js';

export interface JobChecksumsOptions {
  amdahl: SweepResult;
  gustafson: GustafsonResult;
  /** Units of the Amdahl job and of its serial part. */
  units: number;
  serialUnits: number;
  seed: number;
}

export function jobChecksums(ctx: LabContext<unknown>, o: JobChecksumsOptions): void {
  ctx.progress('reference checksum');
  const reference = rangeSum(0, o.units, o.seed);
  const amdahlSums = [...o.amdahl.sums.values()].flat();
  const badAmdahl = amdahlSums.filter((x) => x !== reference).length;
  const g = o.gustafson;
  const badGustafson = [...g.sweep.sums.entries()].filter(([, xs]) => xs.some((x) => x !== xs[0])).map(([k]) => k);
  ctx.check(
    'every job computes the same checksum',
    badAmdahl === 0 && badGustafson.length === 0,
    `${amdahlSums.length.toLocaleString('en-US')} Amdahl runs against the one-thread reference ${reference.toString(16)}: ${badAmdahl} differ; ` +
      (badGustafson.length ? `Gustafson runs of one k disagree for k = ${badGustafson.join(', ')}` : 'Gustafson runs agree for every k'),
  );
  ctx.output('checksum', reference.toString(16).padStart(8, '0'));
  ctx.output('units', {
    total: o.units,
    serial: o.serialUnits,
    gustafsonSerial: g.serialUnits,
    gustafsonShare: g.shareUnits,
    gustafsonMax: scaledUnits(g, Math.max(...g.ks)),
  });
}
