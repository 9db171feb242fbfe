/**
 * Fitting text and tables to a width, without dependencies (conc list uses it
 * and must load fast): the width to render for, wrapping a cell, and the
 * column widths that fit a table into a terminal.
 */
import { breakWord, displayWidth, stripAnsi } from './format.js';

/**
 * The width to render for: $COLUMNS when set to a positive integer (so a
 * pipe can ask for a width too), else the terminal's columns, else Infinity:
 * without a terminal nothing is wrapped or narrowed.
 */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number {
  const env = Number(process.env.COLUMNS);
  if (Number.isInteger(env) && env > 0) return env;
  if (stream.isTTY && (stream.columns ?? 0) > 0) return stream.columns as number;
  return Infinity;
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
export function minWidth(natural: number, cells: readonly string[]): number {
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

