/**
 * Box tables that fit the terminal. Every table conc prints goes through
 * box(): at its natural width when that fits (or when there is no terminal:
 * width Infinity), otherwise the widest columns are narrowed first and their
 * cells wrapped onto more lines (words kept whole where they fit, broken
 * where they do not: nothing is cut off); when even the narrowest layout is
 * too wide, each row is printed as a block of "column: value" lines, as
 * psql's expanded display does.
 */
import Table from 'cli-table3';
import { fitWidths, minWidth, wrapCell } from './fit.js';
import { displayWidth, stripAnsi } from './format.js';
import type { Style } from './style.js';

export { fitWidths, wrapCell } from './fit.js';

export type Align = 'left' | 'right';

export interface BoxSpec {
  head: string[];
  rows: string[][];
  align?: Align[];
  /** No rule between body rows even when rows wrap onto several lines (the header always has its rule). */
  compact?: boolean;
}

const NO_ROW_RULES = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

/** One row as a block of "column: value" lines, for tables too wide for the terminal even when wrapped. */
function rowBlocks(spec: BoxSpec, st: Style): string {
  const labelW = Math.min(Math.max(...spec.head.map((h) => displayWidth(h))), Math.floor(st.width / 3));
  const valueW = Math.max(10, st.width - labelW - 4);
  const blocks = spec.rows.map((row) => {
    const lines: string[] = [];
    spec.head.forEach((h, i) => {
      // An empty cell (a geomean row's medians, say) says nothing: leave its line out.
      if (!stripAnsi(row[i] ?? '').trim()) return;
      const label = wrapCell(h, labelW);
      const value = wrapCell(row[i] ?? '', valueW);
      const n = Math.max(label.length, value.length);
      for (let k = 0; k < n; k++) {
        const l = label[k] ?? '';
        const pad = ' '.repeat(Math.max(0, labelW - displayWidth(l)));
        lines.push(`  ${st.bold(l)}${pad}  ${value[k] ?? ''}`);
      }
    });
    return lines.join('\n');
  });
  const rule = st.dim('  ' + '─'.repeat(Math.max(4, Math.min(st.width - 2, labelW + 2 + valueW))));
  return blocks.join(`\n${rule}\n`);
}

/** A box table that fits st.width (see the file comment). */
export function box(spec: BoxSpec, st: Style): string {
  const n = spec.head.length;
  const align = spec.align ?? spec.head.map(() => 'left' as Align);
  const natural = spec.head.map((h, i) => Math.max(displayWidth(h), ...spec.rows.map((r) => Math.max(...(r[i] ?? '').split('\n').map(displayWidth)))));
  // Each column has a space either side and a border to its left; one more border closes the row.
  const overhead = 3 * n + 1;
  const widths = Number.isFinite(st.width)
    ? fitWidths(natural, natural.map((w, i) => minWidth(w, [spec.head[i] ?? '', ...spec.rows.map((r) => r[i] ?? '')])), st.width - overhead)
    : natural;
  if (!widths) return rowBlocks(spec, st);
  const narrowed = widths.some((w, i) => w < (natural[i] as number));
  const cell = (c: string, i: number): string => (narrowed ? wrapCell(c, widths[i] as number).join('\n') : c);
  const head = spec.head.map(cell);
  const rows = spec.rows.map((r) => r.map(cell));
  const table = new Table({
    head,
    colAligns: align,
    ...(narrowed ? { colWidths: widths.map((w) => w + 2) } : {}),
    style: { head: [], border: [], compact: true, 'padding-left': 1, 'padding-right': 1 },
    chars: NO_ROW_RULES,
  });
  for (const r of rows) table.push(r);
  return ruled(table.toString(), head, rows, spec.compact ?? false);
}

/**
 * Rules: one under the header always; between body rows only where a row
 * spans several lines (wrapped cells), where without them the rows could not be
 * told apart. One line per row needs none: it would double the table's height.
 */
function ruled(drawn: string, head: string[], rows: string[][], compact: boolean): string {
  const lines = drawn.split('\n');
  const top = lines[0] ?? '';
  const rule = top.replace('┌', '├').replace(/┬/g, '┼').replace('┐', '┤');
  const height = (r: string[]): number => Math.max(1, ...r.map((c) => c.split('\n').length));
  const between = !compact && rows.some((r) => height(r) > 1);
  const out = [top];
  let at = 1;
  const take = (n: number): void => {
    out.push(...lines.slice(at, at + n));
    at += n;
  };
  take(height(head));
  out.push(rule);
  rows.forEach((r, i) => {
    if (i > 0 && between) out.push(rule);
    take(height(r));
  });
  out.push(...lines.slice(at));
  return out.join('\n');
}
