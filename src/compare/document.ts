/**
 * The JSON document of `conc compare --json` (conc.compare/1,
 * schema/conc.compare.schema.json): the comparison, with the files as given
 * and their machines.
 */
import type { Comparison } from './model.js';
import type { ReadFile } from './read.js';

export const COMPARE_SCHEMA = 'conc.compare/1';

export function compareDocument(cmp: Comparison, files: readonly ReadFile[], failOnRegression: boolean): Record<string, unknown> {
  return {
    schema: COMPARE_SCHEMA,
    settings: { ...cmp.settings, failOnRegression },
    files: files.map((f) => ({ path: f.path, label: f.label, schema: f.schema, labs: f.reports.map((r) => r.lab.id) })),
    machines: files.map((f) => ({ file: f.label, ...(f.machine ?? {}) })),
    machineDifferences: cmp.machines.filter((m) => m.differs).map((m) => m.key),
    rows: cmp.rows,
    geomeans: cmp.geomeans,
    unmatched: cmp.unmatched,
    outputs: cmp.outputs,
    labs: cmp.labs,
    warnings: cmp.warnings,
    summary: cmp.summary,
  };
}
