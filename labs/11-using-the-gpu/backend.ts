/**
 * The backend: probe gpu.js's backends in the GPU child, choose one
 * (src/gpu/choice.ts), and say so; at the end, check that the class that ran
 * every kernel is the backend reported, and report the truth in `gpu`.
 */
import os from 'node:os';
import type { LabContext } from '../../src/core/lab.js';
import type { Cell, GpuInfo } from '../../src/core/report.js';
import { KERNEL_CLASS, backendOfClass, type Backend, type Requested } from '../../src/gpu/choice.js';
import { openGpuJob, type GpuJob } from '../../src/gpu/job.js';

export interface BackendOptions {
  requested: Requested;
  /** The GPU child's entry file: the seam for fault tests. */
  child?: URL;
}

const short = (s: string, n: number): string => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

/** Probe, choose, record the backend table and `gpu`; throws one line when nothing (or not the named backend) can run. */
export async function chooseBackendExperiment(ctx: LabContext<unknown>, o: BackendOptions): Promise<GpuJob> {
  const job = await openGpuJob(ctx, { requested: o.requested, ...(o.child ? { child: o.child } : {}) });
  ctx.defer(() => job.close());
  const { choice } = job;
  const rows: Record<string, Cell>[] = job.probes.map((p) => {
    const ka = p.knownAnswer;
    return {
      backend: p.backend,
      device: p.available ? (p.device ?? '') : 'not available', // whole: the renderer wraps it where the terminal is narrow
      ka: ka ? (ka.kernelClass !== KERNEL_CLASS[p.backend] ? `ran as ${ka.kernelClass}` : ka.ok ? 'exact' : 'wrong') : null,
      first: p.firstMs ?? null,
      steady: ka?.steadyMs ?? null,
      used: p.backend === choice.ran ? 'ran' : 'no',
    };
  });
  ctx.table({
    title: 'Backends probed (known-answer kernel: 128x128 integer matmul)',
    columns: [
      { key: 'backend', label: 'backend' },
      { key: 'device', label: 'device' },
      { key: 'ka', label: 'answer' },
      { key: 'first', label: 'first', unit: 'ms' },
      { key: 'steady', label: 'steady', unit: 'ms' },
      { key: 'used', label: 'used' },
    ],
    rows,
    highlight: rows.map((r, i) => (r.used === 'ran' ? i : -1)).filter((i) => i >= 0),
    note:
      (o.requested === 'auto' ? 'Why each backend was not used: the backend line above. ' : `Only --backend ${o.requested} was probed. `) +
      '"first" includes compiling the kernel.',
  });
  if (!choice.ran) throw new Error(choice.error ?? 'no backend can run');
  ctx.gpu({ requested: o.requested, ran: choice.ran, device: choice.device, software: choice.software, skipped: choice.skipped });
  const webgpu = job.probes.find((p) => p.backend === 'webgpu');
  if (webgpu?.tried?.length) ctx.note(`WebGPU adapters tried, hardware first: ${webgpu.tried.join('; ')}`);
  for (const w of job.warnings.slice(0, 3)) ctx.note(`the GPU child said: ${short(w, 200)}`);
  return job;
}

/**
 * The backend reported is the one whose kernels computed: the class read
 * from every kernel after its first call and after its last (gpu.mode only
 * echoes what was asked for). `gpu.ran` is set from those classes.
 */
export function checkBackendRan(ctx: LabContext<unknown>, job: GpuJob): Backend | null {
  const { choice, observed } = job;
  const counts = new Map<string, number>();
  for (const r of observed) for (const c of [r.classFirst, r.classLast].flatMap((x) => x.split('+'))) counts.set(c, (counts.get(c) ?? 0) + 1);
  const [top] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const ran = top ? backendOfClass(top[0]) : null;
  const expected = choice.ran ? KERNEL_CLASS[choice.ran] : '?';
  const wrong = observed.filter((r) => r.classFirst !== expected || r.classLast !== expected);
  const ok = observed.length > 0 && wrong.length === 0 && (choice.requested === 'auto' || choice.ran === choice.requested);
  const detail = ok
    ? `${expected} in all ${observed.length} runs${choice.requested === 'auto' ? '' : ', as asked'}`
    : observed.length === 0
      ? 'no kernel ran'
      : `reported ${choice.ran}, ran ${[...counts.keys()].join('+')} (${wrong[0]?.what ?? ''}${wrong[0]?.fallbackReason ? `: ${wrong[0].fallbackReason}` : ''})`;
  ctx.check('kernels ran on the reported backend', ok, short(detail, 400));

  if (ran && choice.ran) {
    const probe = job.probes.find((p) => p.backend === ran);
    const cpu = (os.cpus()[0]?.model ?? 'the CPU').replace(/\s+/g, ' ').trim();
    const device = ran === choice.ran ? choice.device : (probe?.device ?? (ran === 'webasm' ? `WebAssembly on ${cpu}` : ran === 'cpu' ? `JavaScript on ${cpu}` : 'unknown'));
    const software = ran === choice.ran ? choice.software : (probe?.software ?? (ran === 'webasm' || ran === 'cpu'));
    const info: GpuInfo = { requested: choice.requested, ran, device, software, skipped: choice.skipped };
    ctx.gpu(info);
  }
  return ran;
}

/** Close the GPU child: it should leave by itself once gpu.js's device and Dawn are dropped; say so when it did not. */
export async function closeJob(ctx: LabContext<unknown>, job: GpuJob): Promise<void> {
  const { exitedCleanly } = await job.close();
  if (!exitedCleanly) ctx.note('the GPU child did not exit by itself within 3 s of closing: it was killed');
}
