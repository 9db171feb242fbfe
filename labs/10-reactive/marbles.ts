/**
 * Marble diagrams from recorded notifications, in rxjs's own marble syntax
 * (run mode: 1 character = 1 frame = 1 virtual ms), so that
 * TestScheduler.parseMarbles reads them back:
 *
 *   -   one frame passes          a   a value (see the legend)
 *   |   complete                  #   error
 *   (ab|)  several at one frame; the group takes as many frames as characters
 *   ' 12ms '  twelve frames pass (time progression, to keep long gaps short)
 */
import { isDeepStrictEqual } from 'node:util';
import type { Note, Recorded } from './virtual.js';

/** The characters a value can be drawn with (none has a meaning in the syntax). */
export const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Draws one recording: the seam a fault test replaces with a printer that is off by a frame. */
export type MarblePrinter = (messages: readonly Recorded[], letterOf: (value: unknown) => string, maxDashes: number) => string;

const symbol = (n: Note, letterOf: (v: unknown) => string): string => (n.kind === 'N' ? letterOf(n.value) : n.kind === 'C' ? '|' : '#');

/** Frames are drawn as dashes up to maxDashes in a row; longer gaps as time progression (' 12ms '). */
export const printMarble: MarblePrinter = (messages, letterOf, maxDashes) => {
  const frames = [...new Set(messages.map((m) => m.frame))].sort((a, b) => a - b);
  let out = '';
  let cursor = 0;
  for (const f of frames) {
    const gap = f - cursor;
    if (gap < 0) throw new RangeError(`frame ${f} cannot be drawn: the group before it runs to frame ${cursor}`);
    if (gap > maxDashes) out += `${out && !out.endsWith(' ') ? ' ' : ''}${gap}ms `;
    else out += '-'.repeat(gap);
    const syms = messages.filter((m) => m.frame === f).map((m) => symbol(m.notification, letterOf));
    out += syms.length === 1 ? syms[0] : `(${syms.join('')})`;
    cursor = f + (syms.length === 1 ? 1 : syms.length + 2);
  }
  return out;
};

/** The widest gap drawn as dashes, tried in turn until the diagram fits. */
const DASH_STEPS = [Infinity, 12, 8, 5, 3, 1];

export function fitMarble(printer: MarblePrinter, messages: readonly Recorded[], letterOf: (v: unknown) => string, width: number): string {
  let last = '';
  for (const d of DASH_STEPS) {
    last = printer(messages, letterOf, d);
    if (last.length <= width) return last;
  }
  return last;
}

/** Letters for the values of a group of diagrams, in order of first appearance; equal values share a letter. */
export class Legend {
  private readonly byKey = new Map<string, string>();
  readonly values: Record<string, unknown> = {};
  letterOf = (v: unknown): string => {
    const k = JSON.stringify(v);
    let l = this.byKey.get(k);
    if (l === undefined) {
      l = LETTERS[this.byKey.size];
      if (l === undefined) throw new RangeError(`more than ${LETTERS.length} distinct values in one group of diagrams`);
      this.byKey.set(k, l);
      this.values[l] = v;
    }
    return l;
  };
  /** The values a marble string uses. */
  valuesIn(marble: string): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.values).filter(([l]) => marble.includes(l)));
  }
}

/** The comparable form of a message: what parseMarbles and a recording must agree on. */
export function normalize(m: { frame: number; notification: { kind: string; value?: unknown; error?: unknown } }): unknown {
  const n = m.notification;
  return { frame: m.frame, kind: n.kind, value: n.kind === 'N' ? n.value : undefined, error: n.kind === 'E' ? n.error : undefined };
}

/** '' when the parsed messages equal the recorded ones, else where they first differ. */
export function compareMessages(parsed: readonly Recorded[], recorded: readonly Recorded[]): string {
  const a = parsed.map(normalize);
  const b = [...recorded].sort((x, y) => x.frame - y.frame).map(normalize);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (!isDeepStrictEqual(a[i], b[i])) return `message ${i + 1}: read back ${JSON.stringify(a[i])}, recorded ${JSON.stringify(b[i])}`;
  }
  return '';
}

/** Cut a diagram into lines of at most width characters for display (outputs keep it whole). */
export function displayLines(marble: string, width: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < marble.length; i += width) lines.push(marble.slice(i, i + width));
  return lines.length ? lines : [''];
}
