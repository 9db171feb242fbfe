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
  /** No rule between body rows (default false: a rule between rows in colour, none without). */
  compact?: boolean;
}

function chars(st: Style, compact: boolean): Record<string, string> {
  return st.color && !compact ? {} : { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
}

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
  const table = new Table({
    head: spec.head.map((h, i) => (narrowed ? wrapCell(h, widths[i] as number).join('\n') : h)),
    colAligns: align,
    ...(narrowed ? { colWidths: widths.map((w) => w + 2) } : {}),
    style: { head: [], border: [], compact: spec.compact ?? false, 'padding-left': 1, 'padding-right': 1 },
    chars: chars(st, spec.compact ?? false),
  });
  for (const r of spec.rows) table.push(r.map((c, i) => (narrowed ? wrapCell(c, widths[i] as number).join('\n') : c)));
  return table.toString();
}
