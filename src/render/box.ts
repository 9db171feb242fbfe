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
import { breakWord, charWidth, displayWidth, stripAnsi } from './format.js';
import type { Style } from './style.js';

export type Align = 'left' | 'right';

export interface BoxSpec {
  head: string[];
  rows: string[][];
  align?: Align[];
  /** No rule between body rows (default false: a rule between rows in colour, none without). */
  compact?: boolean;
}

/**
 * Wrap text to lines of at most width columns: at spaces where possible,
 * inside a word only when the word alone is wider. Existing newlines are kept.
 * Colour codes are carried through (cli-table3 re-opens them on each line).
 */
export function wrapCell(text: string, width: number): string[] {
  if (!Number.isFinite(width)) return text.split('\n');
  const w = Math.max(1, Math.floor(width));
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    let lineW = 0;
    for (const word of para.split(' ')) {
      const ww = displayWidth(word);
      if (lineW > 0 && lineW + 1 + ww <= w) {
        line += ` ${word}`;
        lineW += 1 + ww;
        continue;
      }
      if (lineW > 0 || line) out.push(line);
      if (ww <= w) {
        line = word;
        lineW = ww;
      } else {
        const pieces = breakWord(word, w);
        out.push(...pieces.slice(0, -1));
        line = pieces.at(-1) ?? '';
        lineW = displayWidth(line);
      }
    }
    out.push(line);
  }
  return out;
}

/**
 * The narrowest a column may go before the table turns into row blocks: its
 * longest word (header or cell, up to 16 columns), so that words stay whole
 * unless they are very long; never less than 4.
 */
function minWidth(natural: number, cells: readonly string[]): number {
  const longestWord = Math.max(0, ...cells.flatMap((c) => stripAnsi(c).split(/\s+/).map((x) => displayWidth(x))));
  return Math.min(natural, Math.max(4, Math.min(longestWord, 16)));
}

/**
 * Column widths (content only, without padding) that fit `budget` columns of
 * content in all: the widest column gives up a column at a time, down to its
 * minimum. Null when even the minimums do not fit.
 */
export function fitWidths(natural: readonly number[], mins: readonly number[], budget: number): number[] | null {
  const w = [...natural];
  let total = w.reduce((a, b) => a + b, 0);
  if (total <= budget) return w;
  if (mins.reduce((a, b) => a + b, 0) > budget) return null;
  while (total > budget) {
    let k = -1;
    for (let i = 0; i < w.length; i++) {
      if ((w[i] as number) > (mins[i] as number) && (k < 0 || (w[i] as number) > (w[k] as number))) k = i;
    }
    if (k < 0) return null;
    w[k] = (w[k] as number) - 1;
    total--;
  }
  return w;
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
