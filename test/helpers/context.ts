/**
 * Run one experiment of a lab directly, in this process, with a real context
 * and tracker: for tests that inject a fault into an experiment (a broken
 * worker fixture, wrong data) and assert that its check fails.
 *
 *   const { ctx, report, done } = await labContext({ repeat: 3 });
 *   try { await roundTrip(ctx, { works: [0], worker: BROKEN }); } finally { await done(); }
 *   expect(report.checks[0]).toMatchObject({ ok: false, skipped: false });
 *
 * Experiments are imported from dist/ (their worker files are .js there).
 */
import path from 'node:path';
import { ROOT } from './run-lab.js';

type ContextMod = typeof import('../../src/core/context.js');
type TrackerMod = typeof import('../../src/hosts/tracker.js');
type Report = import('../../src/core/report.js').Report;
type LabContext = import('../../src/core/lab.js').LabContext<unknown>;

export interface TestContext {
  ctx: LabContext;
  report: Report;
  /** Cleans up everything the experiment started (call in finally). */
  done(): Promise<void>;
}

export async function labContext(
  o: { options?: Record<string, unknown>; quick?: boolean; repeat?: number; warmup?: number; seed?: number; signal?: AbortSignal } = {},
): Promise<TestContext> {
  const { createContext } = (await import(path.join(ROOT, 'dist/src/core/context.js'))) as ContextMod;
  const { Tracker } = (await import(path.join(ROOT, 'dist/src/hosts/tracker.js'))) as TrackerMod;
  const tracker = new Tracker();
  const { ctx, report } = createContext({
    lab: { id: 99, slug: 'test', title: 'test', summary: '', chapter: '', host: 'worker', options: {}, run: async () => {} },
    options: o.options ?? {},
    common: { quick: o.quick ?? true, repeat: o.repeat ?? 3, warmup: o.warmup ?? 0, seed: o.seed ?? 42 },
    host: 'worker',
    tracker,
    signal: o.signal ?? new AbortController().signal,
    onProgress: () => {},
  });
  return { ctx: ctx as LabContext, report, done: () => tracker.cleanup() };
}

/** The one check whose name matches re; throws when there is none or more than one. */
export function checkNamed(report: Report, re: RegExp): Report['checks'][number] {
  const found = report.checks.filter((c) => re.test(c.name));
  if (found.length !== 1) throw new Error(`${found.length} checks match ${re}: ${report.checks.map((c) => c.name).join(' | ')}`);
  return found[0] as Report['checks'][number];
}
