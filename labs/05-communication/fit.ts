/**
 * Check details and skip reasons that fit the terminal. The renderer prints
 * a check on one line, `  ✓ name — detail` (`  - name (skipped: reason)`),
 * without wrapping it, so the lab breaks its own text: each line, the first
 * one after the name included, fits COLUMNS, and the rest are indented.
 */
import type { LabContext } from '../../src/core/lab.js';

export const COLUMNS = 80;
const MARK = 4; // "  ✓ "
const INDENT = '    ';

/** `text` with line breaks, so that MARK + name + joint + text (+ tail) fits `width` columns on every line. */
export function fitAfter(name: string, joint: string, text: string, tail = '', width = COLUMNS): string {
  const words = `${text}${tail}`.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let room = width - MARK - name.length - joint.length;
  let line = '';
  for (const w of words) {
    const next = line ? `${line} ${w}` : w;
    // A word longer than a whole line stays whole: nothing better can be done with it.
    if (next.length <= room || (line === '' && lines.length > 0)) line = next;
    else {
      lines.push(line);
      line = w;
      room = width - INDENT.length;
    }
  }
  lines.push(line);
  const out = lines.join(`\n${INDENT}`);
  return tail && out.endsWith(tail) ? out.slice(0, out.length - tail.length) : out;
}

/** ctx.check, its detail fitted. */
export function check(ctx: LabContext<unknown>, name: string, ok: boolean, detail: string): void {
  ctx.check(name, ok, fitAfter(name, ' — ', detail));
}

/** ctx.skip, its reason fitted. */
export function skip(ctx: LabContext<unknown>, name: string, reason: string): void {
  ctx.skip(name, fitAfter(name, ' (skipped: ', reason, ')'));
}
