/** Number and cell formatting shared by the text and Markdown renderers. */
import type { Cell, Column } from '../core/report.js';

/** Significant digits without exponent noise, thousands separated: 1234 -> "1,234", 0.012345 -> "0.0123". */
export function fmtNum(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '–' : v > 0 ? '∞' : '-∞';
  if (v === 0) return '0';
  if (Number.isInteger(v)) return Math.abs(v) >= 1000 ? v.toLocaleString('en-US') : String(v);
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

/** A number with its unit as prose writes it everywhere: `1.14x`, `44.1%` close up, `12.5 ms` spaced. */
export function fmtQuantity(v: number, unit: string | undefined, digits = 3): string {
  const s = fmtNum(v, digits);
  if (!unit) return s;
  return unit === 'x' || unit === '%' ? withUnit(s, unit) : `${s} ${unit}`;
}

export function fmtCell(c: Cell | undefined, col: Column): string {
  if (c === undefined || c === null) return '–';
  if (typeof c === 'boolean') return c ? 'yes' : 'no';
  if (typeof c === 'string') return c;
  const d = col.digits ?? 3;
  if (typeof c === 'number') return withUnit(fmtNum(c, d), col.unit);
  const main = withUnit(fmtNum(c.value, d), col.unit);
  // A range of no width (one sample) says nothing beside the value.
  if (c.low === undefined || c.high === undefined || (c.low === c.value && c.high === c.value)) return main;
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

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

export function stripAnsi(s: string): string {
  return s.replace(ANSI, '');
}

/** Terminal columns taken by one code point: 2 for East Asian wide and most emoji, 0 for combining marks. */
export function charWidth(cp: number): number {
  if (cp < 0x300) return 1;
  if ((cp >= 0x300 && cp <= 0x36f) || (cp >= 0x200b && cp <= 0x200f) || cp === 0xfe0f || cp === 0xfe0e) return 0;
  if (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
    return 2;
  return 1;
}

/** Columns a string takes in a terminal (ANSI colour codes take none). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of stripAnsi(s)) w += charWidth(ch.codePointAt(0) as number);
  return w;
}

/** Split a word wider than width into pieces of at most width columns, keeping colour codes with their text. */
export function breakWord(word: string, width: number): string[] {
  const pieces: string[] = [];
  let cur = '';
  let w = 0;
  for (const tok of word.split(/(\x1b\[[0-9;]*m)/)) {
    if (tok.startsWith('\x1b[')) {
      cur += tok;
      continue;
    }
    for (const ch of tok) {
      const cw = charWidth(ch.codePointAt(0) as number);
      if (w + cw > width && w > 0) {
        pieces.push(cur);
        cur = '';
        w = 0;
      }
      cur += ch;
      w += cw;
    }
  }
  if (cur) pieces.push(cur);
  return pieces;
}

/**
 * Wrap text to width columns (colour codes take none), at most maxLines lines
 * (the last one ends with … when cut). A word wider than the line is broken.
 */
export function wrap(text: string, width: number, maxLines = Infinity): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  let curW = 0;
  const w = Number.isFinite(width) ? Math.max(1, Math.floor(width)) : Infinity;
  for (const word of words) {
    const ww = displayWidth(word);
    if (cur && curW + 1 + ww <= w) {
      cur = `${cur} ${word}`;
      curW += 1 + ww;
      continue;
    }
    if (cur) lines.push(cur);
    if (ww <= w) {
      cur = word;
      curW = ww;
    } else {
      const pieces = breakWord(word, w);
      lines.push(...pieces.slice(0, -1));
      cur = pieces.at(-1) ?? '';
      curW = displayWidth(cur);
    }
  }
  if (cur) lines.push(cur);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = `${kept[maxLines - 1]}…`;
    return kept;
  }
  return lines;
}

/**
 * A string from outside (a report file from another machine, a user's argument)
 * made safe to print: control characters (C0, DEL, C1) and the bidirectional
 * overrides that reorder what a terminal shows are written as escapes (\x1b,
 * \n, \u202e), so an ESC[2J or an OSC title sequence in a CPU model cannot
 * clear a screen or retitle a terminal. Printable text, Unicode included, is kept.
 */
export function visible(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    const cp = ch.codePointAt(0) as number;
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/** A deep copy of a value with every string in it (keys too) passed through visible(). */
export function visibleDeep<T>(v: T): T {
  if (typeof v === 'string') return visible(v) as T;
  if (Array.isArray(v)) return v.map((x) => visibleDeep(x)) as T;
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[visible(k)] = visibleDeep(x);
    return out as T;
  }
  return v;
}
