/** The closing chart: every variant's speedup against sequential, both workloads together. */
import type { LabContext } from '../../src/core/lab.js';
import { APPROACHES, type Speedups } from './variants.js';

export function speedupChart(ctx: LabContext<unknown>, workloads: readonly (Speedups | undefined)[]): void {
  const bars = workloads
    .flatMap((sp) => (sp ? APPROACHES.filter((a) => a !== 'sequential').map((a) => sp[a]) : []))
    .map((s) => ({ label: `${s.workload}: ${s.k > 1 ? `${s.k} ${s.approach}` : s.approach}`, value: s.ratio }));
  if (bars.length) ctx.chart({ type: 'bar', title: 'Speedup against sequential (ratio of medians)', unit: 'x', bars });
}
