/** A report as Markdown (GitHub-flavoured tables), e.g. for a CI job summary. */
import type { Report, Table } from '../core/report.js';
import { machineLine } from '../measure/machine.js';
import { renderChart } from './chart.js';
import type { OptionTable } from '../core/options.js';
import { fmtCell, fmtDuration, headerLabel } from './format.js';
import { gpuText } from './gpu.js';
import { optionsLine } from './text.js';

const esc = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function markdownTable(t: Table): string {
  const hl = new Set(t.highlight ?? []);
  const head = `| ${t.columns.map((c) => esc(headerLabel(c))).join(' | ')} |`;
  // Same rule as the text renderer: text columns left, numbers right.
  const left = (key: string, align?: 'left' | 'right'): boolean => (align ? align === 'left' : t.rows.some((r) => typeof r[key] === 'string'));
  const sep = `|${t.columns.map((c) => (left(c.key, c.align) ? ' :--- ' : ' ---: ')).join('|')}|`;
  const rows = t.rows.map(
    (r, i) => `| ${t.columns.map((c, k) => {
      const s = esc(fmtCell(r[c.key], c));
      return hl.has(i) && k === 0 ? `**${s}** ★` : s;
    }).join(' | ')} |`,
  );
  return [`**${esc(t.title)}**`, '', head, sep, ...rows, ...(t.note ? ['', `_${t.note}_`] : [])].join('\n');
}

export function renderMarkdown(r: Report, specs?: OptionTable): string {
  const out: string[] = [
    `## conc lab ${r.lab.id} · ${r.lab.slug} — ${r.lab.title}`,
    '',
    `Machine: ${machineLine(r.machine)}  `,
    `Options: \`${optionsLine(r, specs).replace(/`/g, "'")}\` · ${fmtDuration(r.durationMs)}`,
  ];
  if (r.gpu) out.push('', esc(gpuText(r.gpu)));
  for (const t of r.tables) out.push('', markdownTable(t));
  for (const c of r.charts) out.push('', '```', renderChart(c, 100), '```');
  if (r.notes.length) out.push('', ...r.notes.map((n) => `- ${n}`));
  if (r.checks.length) {
    out.push('', '**Checks**', '');
    for (const c of r.checks) {
      const mark = c.skipped ? '➖' : c.ok ? '✅' : '❌';
      out.push(`- ${mark} ${esc(c.name)}${c.skipped ? ` (skipped: ${esc(c.reason ?? '')})` : c.detail ? ` — ${esc(c.detail)}` : ''}`);
    }
  }
  out.push('', `**Status: ${r.status}**${r.error ? ` — ${esc(r.error.message)}` : ''}`);
  return out.join('\n') + '\n';
}
