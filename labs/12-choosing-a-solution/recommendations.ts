/**
 * The matrix and what follows from it: every model's time on every workload
 * (or why it does not apply), the winner of each workload with its margin
 * over the runner-up and the p-value of that pair, the recommendation table,
 * and one check per workload that the recommendation printed follows from
 * the measurements it cites (recommend.ts, followsFrom).
 */
import type { LabContext } from '../../src/core/lab.js';
import type { Cell } from '../../src/core/report.js';
import { MIN_SAMPLES, minAttainableP } from '../../src/measure/compare.js';
import { BUSY_MACHINE_CORES } from '../../src/measure/contention.js';
import { mannWhitneyU } from '../../src/measure/mann-whitney.js';
import { ratioOfMedians, summarize } from '../../src/measure/stats.js';
import { MODEL_LABEL, SIMPLICITY, type ModelId } from './models.js';
import { because, fmtMargin, fmtP, followsFrom, recommend, type Recommendation, type Recommender } from './recommend.js';
import { autogroupOn } from './load.js';
import type { WorkloadResult } from './workload.js';

export interface RecommendOptions {
  alpha: number;
  /** The seam for the checks' fault tests: a wrong recommender. */
  recommender?: Recommender;
}

/** The fewest runs a model for which two sets that do not overlap reach alpha. */
export function smallestRepeat(alpha: number): number {
  let k = MIN_SAMPLES;
  while (minAttainableP(k, k) > alpha) k++;
  return k;
}

export function recommendations(ctx: LabContext<unknown>, results: readonly WorkloadResult[], o: RecommendOptions): Recommendation[] {
  const recommender = o.recommender ?? recommend;
  const recs = results.map((w) => recommender(w.workload, w.measured, o.alpha));
  const label = (w: WorkloadResult, m: ModelId): string => w.labels[m] ?? MODEL_LABEL[m];

  // Every model on every workload, in the order of simplicity.
  const rows: Record<string, Cell>[] = [];
  const highlight: number[] = [];
  results.forEach((w, k) => {
    const rec = recs[k] as Recommendation;
    const win = w.measured.find((m) => m.model === rec.winner);
    for (const model of SIMPLICITY) {
      const m = w.measured.find((x) => x.model === model);
      const na = w.notApplicable.find((x) => x.model === model);
      if (!m && !na) continue;
      if (!m) {
        rows.push({ workload: w.workload, model: label(w, model), time: 'n/a', vs: null, p: null });
        continue;
      }
      const s = summarize(m.samples);
      if (model === rec.winner) highlight.push(rows.length);
      rows.push({
        workload: w.workload,
        model: label(w, model),
        time: { value: s.median, low: s.ci.low, high: s.ci.high },
        vs: win ? ratioOfMedians(m.samples, win.samples).ratio : null,
        p: win && model !== rec.winner ? fmtP(mannWhitneyU(win.samples, m.samples).p) : null,
      });
    }
  });
  const n = Math.max(0, ...results.flatMap((w) => w.measured.map((m) => m.samples.length)));
  // Not applicable, by model, then by reason: "GPU job for cpu-small and cpu-large (<reason>); io (<reason>)".
  const na: string[] = [];
  for (const model of SIMPLICITY) {
    const byReason = new Map<string, string[]>();
    for (const w of results)
      for (const x of w.notApplicable) if (x.model === model) byReason.set(x.reason, [...(byReason.get(x.reason) ?? []), w.workload]);
    if (byReason.size) na.push(`${MODEL_LABEL[model]} for ${[...byReason].map(([reason, ws]) => `${ws.join(' and ')} (${reason})`).join('; ')}`);
  }
  ctx.table({
    title: 'Time per batch, every model on every workload',
    columns: [
      { key: 'workload', label: 'workload' },
      { key: 'model', label: 'model' },
      { key: 'time', label: 'time', unit: 'ms' },
      { key: 'vs', label: 'vs best', unit: 'x' },
      { key: 'p', label: 'p', align: 'right' },
    ],
    rows,
    highlight,
    note:
      `median of ${n} runs (95% CI in parentheses), in interleaved rounds; vs best: median / the fastest model's median; ` +
      `p: Mann-Whitney, against the fastest (★).${na.length ? ` n/a, not measured: ${na.join('. ')}.` : ''}`,
  });

  ctx.table({
    title: 'Winner per workload',
    columns: [
      { key: 'workload', label: 'workload' },
      { key: 'winner', label: 'winner' },
      { key: 'runnerUp', label: 'runner-up' },
      { key: 'margin', label: 'margin', align: 'right' },
      { key: 'p', label: 'p', align: 'right' },
    ],
    rows: recs.map((r, k) => ({
      workload: r.workload,
      winner: label(results[k] as WorkloadResult, r.winner),
      runnerUp: r.runnerUp ? label(results[k] as WorkloadResult, r.runnerUp) : '–',
      margin: fmtMargin(r.margin),
      p: fmtP(r.p),
    })),
    note: "margin: the runner-up's median time over the winner's, with its range from the two medians' 95% CIs; p: two-sided Mann-Whitney U of the pair.",
  });
  const loads = results.filter((w) => w.others !== null);
  if (loads.length) {
    const busy = loads.filter((w) => (w.others as number) >= BUSY_MACHINE_CORES);
    ctx.note(
      `Other processes used ${loads.map((w) => `${(w.others as number).toFixed(1)} (${w.workload})`).join(', ')} cores ` +
        `of this machine's ${ctx.machine.effectiveCores} while the workloads were timed` +
        (busy.length
          ? `. Where they used ${BUSY_MACHINE_CORES} or more (${busy.length === loads.length ? 'every workload' : busy.map((w) => w.workload).join(', ')}), a pool's parallel work ` +
            "may have waited for cores they held: its figures are this machine as it was, busy."
          : '.') +
        (busy.length && autogroupOn()
          ? " Linux's autogroup scheduling is on here: CPU is shared between sessions, not threads, and each child of the process pool " +
            "has a session of its own while the thread pool's threads share the lab's, which alone can favour the processes on a busy machine."
          : ''),
    );
  }

  ctx.table({
    title: 'Recommendation',
    columns: [
      { key: 'workload', label: 'workload' },
      { key: 'use', label: 'use' },
      { key: 'because', label: 'because' },
    ],
    rows: recs.map((r, k) => ({ workload: r.workload, use: label(results[k] as WorkloadResult, r.model), because: because(r, o.alpha) })),
    note:
      `From the table above: the winner when it is significantly faster than the runner-up (p <= ${o.alpha}); ` +
      `otherwise the top models (those ranked above the first one significantly slower than the winner) are indistinguishable, and the simplest of them is named ` +
      `(simplest first: ${SIMPLICITY.map((m) => MODEL_LABEL[m]).join(' < ')}).`,
  });

  const few = recs.filter((r) => r.tooFew);
  if (few.length) {
    const ns = results.flatMap((w) => w.measured.map((m) => m.samples.length));
    const k = Math.min(...ns);
    ctx.note(
      `With ${k} runs a model, no difference can reach p <= ${o.alpha} (the smallest p possible: ${fmtP(minAttainableP(k, k))}): ` +
        `${few.map((r) => r.workload).join(', ')} read${few.length === 1 ? 's' : ''} indistinguishable for want of runs, not for want of a difference. ` +
        `Use --repeat ${smallestRepeat(o.alpha)} or more.`,
    );
  }

  recs.forEach((r, k) => {
    const w = results[k] as WorkloadResult;
    const v = followsFrom(r, w.measured, o.alpha);
    ctx.check(`recommend ${w.workload}`, v.ok, v.detail);
  });
  return recs;
}
