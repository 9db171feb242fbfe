/**
 * Small lab definitions and registry entries made in memory, for unit tests
 * of what handles labs without running them (selection, option resolution,
 * the suite runner with its run seam).
 */
import type { AnyLab } from '../../src/core/lab.js';
import type { BrokenLab, LoadedLab } from '../../src/core/registry.js';
import type { Report } from '../../src/core/report.js';

export function fakeLab(id: number, slug: string, over: Partial<AnyLab> = {}): AnyLab {
  return {
    id,
    slug,
    title: `Lab ${slug}`,
    summary: 'a fake lab',
    chapter: 'a fake lab for tests',
    host: 'worker',
    options: {},
    run: async () => {},
    ...over,
  } as AnyLab;
}

export const entry = (lab: AnyLab): LoadedLab => ({ id: lab.id, slug: lab.slug, dir: `/labs/${lab.slug}`, url: `file:///labs/${lab.slug}/lab.js`, lab });

export const broken = (id: number | null, slug: string, problem = 'failed to load: boom'): BrokenLab => ({ id, slug, dir: `/labs/${slug}`, problem });

/** A report as a lab would return it: with checks, a headline, a status. */
export function fakeReport(e: LoadedLab, over: Partial<Report> = {}): Report {
  return {
    schema: 'conc.report/1',
    lab: { id: e.id, slug: e.slug, title: e.lab.title },
    options: {},
    seed: 42,
    host: 'worker',
    machine: {} as Report['machine'],
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    metrics: [],
    tables: [],
    charts: [],
    checks: [],
    outputs: {},
    notes: [],
    status: 'ok',
    ...over,
  };
}
