/**
 * Where the gpu.js path starts to win: per kernel, the smallest size from
 * which it beats a CPU variant at every larger size measured, or "never",
 * and why, from what ran (a software device, the CPU itself, transfers).
 */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { shortDevice, type Choice } from '../../src/gpu/choice.js';
import { median, ratioOfMedians } from '../../src/measure/stats.js';
import { KERNEL_LABEL } from './cases.js';
import type { Impl, SizeResult, SweepResult } from './sweep.js';
import { fmtNum } from '../../src/render/format.js';

export type Verdict = 'win' | 'lose' | 'tie' | 'too few runs';

/** Timed calls each side needs before a range can say anything (a single call has no spread to judge by). */
export const MIN_RUNS = 3;

/** gpu.js against one CPU variant at one size: a win when the whole speedup range is above 1. */
export function verdictAt(s: SizeResult, against: Impl): { verdict: Verdict; speedup: { value: number; low: number; high: number } } | null {
  const gpu = s.variants.find((v) => v.impl === 'gpu.js');
  const cpu = s.variants.find((v) => v.impl === against);
  if (!gpu || !cpu) return null;
  const r = ratioOfMedians(cpu.steady, gpu.steady);
  const verdict: Verdict =
    Math.min(cpu.steady.length, gpu.steady.length) < MIN_RUNS ? 'too few runs' : r.low > 1 ? 'win' : r.high < 1 ? 'lose' : 'tie';
  return { verdict, speedup: { value: r.ratio, low: r.low, high: r.high } };
}

/**
 * The crossover against one CPU variant: the first size (in the order
 * measured, smallest first) from which gpu.js wins at that size and every
 * larger one; null when it does not win at the largest size.
 */
export function crossoverSize(sizes: readonly SizeResult[], against: Impl): string | null {
  const sorted = [...sizes].sort((a, b) => a.sizeValue - b.sizeValue);
  let from: string | null = null;
  for (let i = sorted.length - 1; i >= 0; i--) {
    if (verdictAt(sorted[i]!, against)?.verdict !== 'win') break;
    from = sorted[i]!.size;
  }
  return from;
}

export function crossover(ctx: LabContext<unknown>, sweeps: readonly SweepResult[], choice: Choice, workers: number): void {
  const rows: Record<string, Cell>[] = [];
  let wins = 0;
  for (const s of sweeps) {
    const largest = [...s.sizes].sort((a, b) => b.sizeValue - a.sizeValue)[0];
    if (!largest) continue;
    const vs1 = crossoverSize(s.sizes, 'js');
    const vsW = crossoverSize(s.sizes, 'workers');
    if (vsW) wins++;
    const fmt = (v: ReturnType<typeof verdictAt>): string => (v ? `${fmtNum(v.speedup.value, 2)}x ${v.verdict}` : '–');
    rows.push({
      kernel: KERNEL_LABEL[s.kernel],
      at: largest.size,
      vs1: fmt(verdictAt(largest, 'js')),
      from1: vs1 ?? 'never',
      vsW: fmt(verdictAt(largest, 'workers')),
      fromW: vsW ?? 'never',
    });
  }
  ctx.table({
    title: `Where gpu.js ${choice.ran} starts to win (steady state)`,
    columns: [
      { key: 'kernel', label: 'kernel' },
      { key: 'at', label: 'largest' },
      { key: 'vs1', label: 'vs 1 thread', align: 'right' },
      { key: 'from1', label: 'wins from' },
      { key: 'vsW', label: `vs ${workers} workers`, align: 'right' },
      { key: 'fromW', label: 'wins from' },
    ],
    rows,
    note:
      'Speedup at the largest size: median CPU time over median gpu.js time. A win: its whole range (from ' +
      'the two medians\' CIs) is above 1; a tie: the range holds 1 (fewer than 3 timed calls: too few runs ' +
      'to tell). "wins from": the smallest size from which it wins at every larger size.',
  });
  ctx.note(whyNote(choice, wins, sweeps.length, vectorAddBandwidth(sweeps)));
}

/** Bytes per second through the gpu.js path on vector add at its largest size (2 float32 in, 1 out: data movement, 1 flop per 12 bytes). */
export function vectorAddBandwidth(sweeps: readonly SweepResult[]): { size: string; gbps: number; cpuGbps: number } | null {
  const va = sweeps.find((s) => s.kernel === 'vectorAdd');
  const largest = va ? [...va.sizes].sort((a, b) => b.sizeValue - a.sizeValue)[0] : undefined;
  const gpu = largest?.variants.find((v) => v.impl === 'gpu.js');
  const js = largest?.variants.find((v) => v.impl === 'js');
  if (!largest || !gpu || !js) return null;
  const bytes = 12 * largest.sizeValue;
  return { size: largest.size, gbps: bytes / (median(gpu.steady) * 1e6), cpuGbps: bytes / (median(js.steady) * 1e6) };
}

/** Why the gpu.js path wins or not, from what ran and what vector add (data movement only) measured. */
export function whyNote(choice: Choice, wins: number, kernels: number, bw: ReturnType<typeof vectorAddBandwidth>): string {
  const device = shortDevice(choice.device);
  const moved = bw
    ? ` Moving data costs: vector add at ${bw.size} elements (12 bytes each, 1 flop) ran at ${fmtNum(bw.gbps, 2)} GB/s ` +
      `through gpu.js, ${fmtNum(bw.cpuGbps, 2)} GB/s in plain JS.`
    : '';
  if (choice.ran === 'webasm' || choice.ran === 'cpu') {
    const kind = choice.ran === 'webasm' ? 'WebAssembly' : "gpu.js's JavaScript";
    return (
      `No GPU computed here: gpu.js ran ${choice.ran} (${kind} on the CPU), so a "win" is one CPU path ` +
      `beating another, not a GPU; why the GPU backends were not used: the backend line at the top.`
    );
  }
  if (choice.software) {
    return (
      `gpu.js ran ${choice.ran} on ${device}, a software rasterizer: the GPU's work runs on this machine's own ` +
      `CPU cores, after the GPU API's costs (buffers, shader compile, copies back); it beat the workers on ${wins} of ${kernels} kernels.${moved}`
    );
  }
  return (
    `gpu.js ran ${choice.ran} on ${device}, a hardware GPU; it beat the workers on ${wins} of ${kernels} kernels. ` +
    `Each steady call includes uploading the inputs and reading the result back.${moved}`
  );
}
