/**
 * The GPU model: lab 11's GPU job (src/gpu/job.ts), a tracked child process
 * that probes gpu.js's backends and runs kernels on the one chosen. What ran
 * is named as it is: on a machine with no GPU, auto picks WebAssembly on the
 * CPU, and the lab says so instead of calling it a GPU.
 */
import type { LabContext } from '../../src/core/lab.js';
import { type Requested } from '../../src/gpu/choice.js';
import { openGpuJob, type GpuJob } from '../../src/gpu/job.js';

export type GpuRequest = Requested | 'off';

export interface GpuModel {
  /** Null when the GPU model is not measured; `why` says why. */
  job: GpuJob | null;
  why: string;
  /** "GPU job (webasm)". */
  label: string;
}

/** The shortest honest account of a backend skipped, for a note. */
const shortReason = (r: string): string => r.replace(/ \(probe best.*\)$/, '').replace(/: Cannot find module .*/, '');

export async function openGpuModel(ctx: LabContext<unknown>, o: { requested: GpuRequest; child?: URL }): Promise<GpuModel> {
  if (o.requested === 'off') return { job: null, why: '--gpu off', label: 'GPU job' };
  ctx.progress('starting the GPU job');
  const job = await openGpuJob(ctx, { requested: o.requested, ...(o.child ? { child: o.child } : {}) });
  ctx.defer(() => job.close());
  const c = job.choice;
  if (!c.ran) {
    await job.close();
    return { job: null, why: `no backend: ${(c.error ?? 'none can run').slice(0, 60)}`, label: 'GPU job' };
  }
  ctx.gpu({ requested: c.requested, ran: c.ran, device: c.device, software: c.software, skipped: c.skipped });
  const onCpu = c.ran === 'webasm' || c.ran === 'cpu';
  ctx.note(
    `GPU job: gpu.js ran ${c.ran} (${c.device})${onCpu ? ': the CPU, no GPU computed here' : c.software ? ': a software device on the CPU' : ''}. ` +
      (c.skipped.length ? `Not used: ${c.skipped.map((s) => `${s.backend}: ${shortReason(s.reason)}`).join('; ')}.` : ''),
  );
  return { job, why: '', label: `GPU job (${c.ran})` };
}
