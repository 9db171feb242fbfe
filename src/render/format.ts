/** Number and cell formatting shared by the text and Markdown renderers. */
import type { Cell, Column } from '../core/report.js';

/** Significant digits without exponent noise: 1234 -> "1234", 0.012345 -> "0.0123". */
export function fmtNum(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '–' : v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  if (Number.isInteger(v)) return Math.abs(v) >= 1e6 ? v.toLocaleString('en-US') : String(v);
  const abs = Math.abs(v);
  if (abs >= 10 ** digits) return Math.round(v).toLocaleString('en-US');
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(abs)));
  return v.toFixed(Math.min(decimals, 6));
}

function withUnit(s: string, unit: string | undefined): string {
  if (unit === 'x') return `${s}x`;
  if (unit === '%') return `${s}%`;
  return s;
}

export function fmtCell(c: Cell | undefined, col: Column): string {
  if (c === undefined || c === null) return '–';
  if (typeof c === 'boolean') return c ? 'yes' : 'no';
  if (typeof c === 'string') return c;
  const d = col.digits ?? 3;
  if (typeof c === 'number') return withUnit(fmtNum(c, d), col.unit);
  const main = withUnit(fmtNum(c.value, d), col.unit);
  if (c.low === undefined || c.high === undefined) return main;
  return `${main} (${fmtNum(c.low, d)}–${fmtNum(c.high, d)})`;
}

export function headerLabel(col: Column): string {
  return col.unit && col.unit !== 'x' && col.unit !== '%' ? `${col.label} (${col.unit})` : col.label;
}

export function fmtDuration(ms: number): string {
  if (ms < 1000) return `${fmtNum(ms)} ms`;
  if (ms < 60_000) return `${fmtNum(ms / 1000)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms - m * 60_000) / 1000)} s`;
}

/** Wrap text to width, at most maxLines lines (the last one ends with … when cut). */
export function wrap(text: string, width: number, maxLines = Infinity): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1]}…`;
    return kept;
  }
  return lines;
}
