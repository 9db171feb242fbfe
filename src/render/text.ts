/** A report as text for a terminal: header, tables, charts, checks, verdict. */
import Table from 'cli-table3';
import type { Check, Report, Table as TableData } from '../core/report.js';
import { machineLine } from '../measure/machine.js';
import { renderChart } from './chart.js';
import { fmtCell, fmtDuration, headerLabel, wrap } from './format.js';
import { gpuLine } from './gpu.js';
import type { Style } from './style.js';

export function renderTable(t: TableData, st: Style): string {
  const table = new Table({
    head: t.columns.map((c) => st.bold(headerLabel(c))),
    colAligns: t.columns.map((c) => c.align ?? (t.rows.some((r) => typeof r[c.key] === 'string') ? 'left' : 'right')),
    style: { head: [], border: [], compact: false, 'padding-left': 1, 'padding-right': 1 },
    chars: st.color ? {} : { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  const hl = new Set(t.highlight ?? []);
  for (const [i, row] of t.rows.entries()) {
    const cells = t.columns.map((c) => fmtCell(row[c.key], c));
    table.push(hl.has(i) ? cells.map((s, k) => (k === 0 ? st.ok(`${s} ★`) : st.ok(s))) : cells);
  }
  const out = [st.bold(t.title), table.toString()];
  if (t.note) out.push(st.dim(wrap(t.note, st.width - 2).join('\n')));
  return out.join('\n');
}

export function checkLine(c: Check, st: Style): string {
  if (c.skipped) return `  ${st.warn('-')} ${c.name} ${st.dim(`(skipped: ${c.reason ?? 'no reason given'})`)}`;
  const mark = c.ok ? st.ok('✓') : st.bad('✗');
  return `  ${mark} ${c.name}${c.detail ? st.dim(` — ${c.detail}`) : ''}`;
}

export function verdictLine(r: Report, st: Style): string {
  const passed = r.checks.filter((c) => c.ok).length;
  const failed = r.checks.filter((c) => !c.ok && !c.skipped).length;
  const skipped = r.checks.filter((c) => c.skipped).length;
  const counts = `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`;
  const time = fmtDuration(r.durationMs);
  switch (r.status) {
    case 'ok':
      return st.ok(`✓ ok`) + ` — checks: ${counts} — ${time}`;
    case 'failed':
      return st.bad(`✗ failed`) + ` — checks: ${counts} — ${time}`;
    case 'error':
      return st.bad(`✗ error`) + ` — ${r.error?.message ?? 'unknown error'}`;
    case 'timeout':
      return st.bad(`✗ timeout`) + ` — ${r.error?.message ?? ''}`;
    case 'interrupted':
      return st.warn(`✗ interrupted`) + ` — ${r.error?.message ?? ''}`;
  }
}

export function renderHeader(r: Report, chapter: string | undefined, st: Style): string {
  const lines = [st.bold(`conc lab ${r.lab.id} · ${r.lab.slug} — ${r.lab.title}`)];
  if (chapter) for (const l of wrap(chapter, st.width - 2, 2)) lines.push(st.dim(l));
  lines.push(st.dim(`machine: ${machineLine(r.machine)}`));
  const opts = Object.entries(r.options)
    .filter(([k]) => k !== 'quick' || r.options.quick)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`)
    .join(' ');
  lines.push(st.dim(`options: ${opts} · seed ${r.seed} · host ${r.host}`));
  return lines.join('\n');
}

export function renderText(r: Report, st: Style, opts: { chapter?: string; verbose?: boolean } = {}): string {
  const parts: string[] = [renderHeader(r, opts.chapter, st)];
  if (r.gpu) parts.push(gpuLine(r.gpu, st));
  for (const t of r.tables) parts.push(renderTable(t, st));
  for (const c of r.charts) parts.push(renderChart(c, st.width, st));
  if (r.notes.length) parts.push(r.notes.map((n) => wrap(n, st.width - 4).map((l, i) => (i ? `  ${l}` : `• ${l}`)).join('\n')).join('\n'));
  if (r.checks.length) parts.push([st.bold('Checks'), ...r.checks.map((c) => checkLine(c, st))].join('\n'));
  if (r.error && opts.verbose && r.error.stack) parts.push(st.dim(r.error.stack));
  parts.push(verdictLine(r, st));
  return parts.join('\n\n') + '\n';
}
