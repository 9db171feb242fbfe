/**
 * A small box table without dependencies, for `conc list`: that command is
 * run often and from scripts, and loading chalk and cli-table3 costs about
 * half of Node's own start-up. Lab reports use the full renderer (box.ts).
 * It fits `width` the same way: the widest columns narrow and their cells
 * wrap (unless `wrap` is false); null when it cannot fit, so the caller
 * can drop a column.
 */
import { fitWidths, minWidth, wrapCell } from './fit.js';
import { displayWidth } from './format.js';

export function plainTable(headers: string[], rows: string[][], rightAlign: boolean[] = [], width = Infinity, wrap = true): string | null {
  const natural = headers.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  if (!wrap && natural.reduce((a, b) => a + b, 0) + 3 * headers.length + 1 > width) return null;
  const widths = Number.isFinite(width)
    ? fitWidths(natural, natural.map((w, i) => minWidth(w, [headers[i] ?? '', ...rows.map((r) => r[i] ?? '')])), width - 3 * headers.length - 1)
    : natural;
  if (!widths) return null;
  const pad = (s: string, i: number): string => {
    const gap = ' '.repeat(Math.max(0, (widths[i] ?? 0) - displayWidth(s)));
    return ` ${rightAlign[i] ? gap + s : s + gap} `;
  };
  const line = (l: string, m: string, r: string): string => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r;
  const row = (r: string[]): string[] => {
    const cells = headers.map((_, i) => wrapCell(r[i] ?? '', widths[i] ?? 0));
    const height = Math.max(...cells.map((c) => c.length));
    return Array.from({ length: height }, (_, k) => `│${cells.map((c, i) => pad(c[k] ?? '', i)).join('│')}│`);
  };
  return [line('┌', '┬', '┐'), ...row(headers), line('├', '┼', '┤'), ...rows.flatMap(row), line('└', '┴', '┘')].join('\n');
}
