/**
 * Experiment: does a worker keep its process alive? The lifecycles experiment
 * ran a child whose one idle worker was unref()'d; this one runs the control,
 * the same child without unref(), which lives as long as its worker. Checks
 * that the first child exited before half its worker's life was over, and that
 * the control was still there by then.
 */
import type { LabContext } from '../../src/core/lab.js';
import * as L from './lifecycle.js';
import { unrefTable } from './tables.js';

export interface UnrefOptions {
  /** How long the idle worker would live, ms. */
  lifetime: number;
  /** The unref'd child's lane, from the lifecycles experiment. */
  unrefd: L.Lifecycle;
  /** The unref child: the seam for the fault tests. */
  child?: URL;
}

export async function unrefWorker(ctx: LabContext<unknown>, o: UnrefOptions): Promise<void> {
  ctx.progress("unref: the control child, its worker ref'd");
  const ctl = await L.runUnrefChild(ctx, "ref'd child", false, o.lifetime, o.lifetime + L.WAIT_MS, o.child);
  const at = (l: L.Lifecycle, e: string): number => L.find(l, e)?.at ?? NaN;
  // The worker sets its lifetime timer right after its hello: from the hello on, it had about o.lifetime to go.
  const lived = (l: L.Lifecycle, from: string): number => at(l, 'process exit') - at(l, from);
  const rows = [
    { name: "unref()'d", life: o.unrefd },
    { name: "ref'd (control)", life: ctl },
  ].map((r) => ({ ...r, afterCreated: lived(r.life, 'created'), afterHello: lived(r.life, 'first message') }));
  ctx.table(unrefTable(o.lifetime, rows));
  // Both from the worker's hello, judged at half its life: the unref'd child must be gone well
  // before, and the control, whose worker is ref'd, still there (it lives about the whole life).
  const early = lived(o.unrefd, 'first message');
  const control = lived(ctl, 'first message');
  ctx.check(
    "unref() lets the worker's process exit",
    o.unrefd.exitCode === 0 && early < o.lifetime / 2 && ctl.exitCode === 0 && control >= o.lifetime / 2,
    `${L.shortMs(early)} after hello; ref'd: ${L.shortMs(control)}`,
  );
}
