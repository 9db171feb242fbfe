/**
 * Reports as CSV (`--format csv`): one row per raw sample of every metric,
 * for a spreadsheet or a data frame. RFC 4180 quoting; the variant is one
 * column of `key=value` pairs separated by `;`, as compare matches them.
 */
import type { Report } from '../core/report.js';

const HEADER = ['lab', 'slug', 'metric', 'unit', 'better', 'variant', 'sample', 'value'];

/** A CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(reports: readonly Report[]): string {
  const lines = [HEADER.join(',')];
  for (const r of reports) {
    for (const m of r.metrics) {
      const variant = Object.entries(m.variant)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(';');
      m.samples.forEach((x, i) => {
        lines.push([r.lab.id, r.lab.slug, m.name, m.unit, m.better, variant, i, x].map(csvField).join(','));
      });
    }
  }
  return lines.join('\r\n') + '\r\n';
}
