/** A report as text for a terminal: header, tables, charts, checks, verdict. */
import type { Check, Report, Table as TableData } from '../core/report.js';
import { machineLine } from '../measure/machine.js';
import { box } from './box.js';
import { renderChart } from './chart.js';
import { flagName, formatValue, type OptionTable } from '../core/options.js';
import { displayWidth, fmtCell, fmtDuration, headerLabel, visible, wrap } from './format.js';
import { gpuLine } from './gpu.js';
import { proseWidth, type Style } from './style.js';

export function renderTable(t: TableData, st: Style): string {
  const hl = new Set(t.highlight ?? []);
  const rows = t.rows.map((row, i) => {
    const cells = t.columns.map((c) => fmtCell(row[c.key], c));
    return hl.has(i) ? cells.map((s, k) => (k === 0 ? st.ok(`${s} ★`) : st.ok(s))) : cells;
  });
  const table = box(
    {
      head: t.columns.map((c) => st.bold(headerLabel(c))),
      rows,
      align: t.columns.map((c) => c.align ?? (t.rows.some((r) => typeof r[c.key] === 'string') ? 'left' : 'right')),
    },
    st,
  );
  const out = [...wrap(t.title, proseWidth(st)).map((l) => st.bold(l)), table];
  if (t.note) out.push(st.dim(wrap(t.note, proseWidth(st) - 2).join('\n')));
  return out.join('\n');
}

/** Indented text wrapped to the prose width, with a hanging indent on continuation lines. */
function hanging(first: string, text: string, indent: number, st: Style): string[] {
  const lines = wrap(text, Math.max(20, proseWidth(st) - indent));
  return lines.map((l, i) => (i === 0 ? `${first}${l}` : `${' '.repeat(indent)}${l}`));
}

export function checkLine(c: Check, st: Style): string {
  const mark = c.skipped ? st.warn('-') : c.ok ? st.ok('✓') : st.bad('✗');
  const extra = c.skipped ? `(skipped: ${c.reason ?? 'no reason given'})` : c.detail ? `— ${c.detail}` : '';
  const one = `  ${mark} ${c.name}${extra ? ` ${st.dim(extra)}` : ''}`;
  if (displayWidth(one) <= proseWidth(st)) return one;
  // Too wide: the name wrapped under its mark, the detail or reason indented below it.
  const name = wrap(c.name, Math.max(20, proseWidth(st) - 4)).map((l, i) => (i === 0 ? `  ${mark} ${l}` : `    ${l}`));
  if (!extra) return name.join('\n');
  return [...name, ...hanging('      ', extra, 6, st).map((l) => st.dim(l))].join('\n');
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

/**
 * The options a report ran with, as flags the command line accepts (`--think 0-2`,
 * `--no-fresh`, durations as `20ms`), so the line can be pasted back after
 * `conc lab N`; options left empty are left out. With the lab's option table the
 * values take its exact form; without it (a report from a file) lists join with commas.
 */
export function optionsLine(r: Report, specs: OptionTable = {}): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(r.options)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    const spec = specs[k];
    const flag = flagName(k);
    if (typeof v === 'boolean') {
      if (k === 'quick' && !v) continue;
      parts.push(v ? flag : `--no-${flag.slice(2)}`);
      continue;
    }
    const text = spec ? formatValue(spec, v) : Array.isArray(v) ? v.join(',') : String(v);
    parts.push(`${flag} ${shellWord(text)}`);
  }
  parts.push(`--seed ${r.seed}`, `--host ${r.host}`);
  return parts.join(' ');
}

/** A value as one shell word: quoted when it holds anything a shell would split or expand. */
function shellWord(s: string): string {
  return /^[\w.,:@%+=/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function renderHeader(r: Report, chapter: string | undefined, st: Style, specs?: OptionTable): string {
  const lines = wrap(`conc lab ${r.lab.id} · ${r.lab.slug} — ${r.lab.title}`, proseWidth(st)).map((l) => st.bold(l));
  // The chapter's introduction, whole: wrapped, never cut.
  if (chapter) for (const l of wrap(chapter, proseWidth(st) - 2)) lines.push(st.dim(l));
  for (const l of wrap(`machine: ${machineLine(r.machine)}`, proseWidth(st))) lines.push(st.dim(l));
  for (const l of wrap(`options: ${visible(optionsLine(r, specs))}`, proseWidth(st))) lines.push(st.dim(l));
  return lines.join('\n');
}

export function renderText(r: Report, st: Style, opts: { chapter?: string; verbose?: boolean; specs?: OptionTable } = {}): string {
  const parts: string[] = [renderHeader(r, opts.chapter, st, opts.specs)];
  if (r.gpu) parts.push(gpuLine(r.gpu, st));
  for (const t of r.tables) parts.push(renderTable(t, st));
  for (const c of r.charts) parts.push(renderChart(c, st.width, st));
  if (r.notes.length) parts.push(r.notes.map((n) => hanging('• ', n, 2, st).join('\n')).join('\n'));
  if (r.checks.length) parts.push([st.bold('Checks'), ...r.checks.map((c) => checkLine(c, st))].join('\n'));
  if (r.error && opts.verbose && r.error.stack) parts.push(st.dim(r.error.stack));
  parts.push(wrapStyled(verdictLine(r, st), st));
  return parts.join('\n\n') + '\n';
}

/** Wrap a line that may carry colour codes (only at its start) to the prose width. */
function wrapStyled(line: string, st: Style): string {
  return wrap(line, proseWidth(st)).join('\n');
}
