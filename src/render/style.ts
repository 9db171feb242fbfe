/**
 * Colour on or off, decided once by the CLI (colorWanted: --no-color, --json,
 * FORCE_COLOR, NO_COLOR, then chalk's detection). Renderers take a Style and never look
 * at the environment themselves.
 */
import { Chalk, supportsColor, supportsColorStderr, type ChalkInstance } from 'chalk';
import type { Paint } from './chart.js';

export { outputWidth } from './fit.js';

export interface Style extends Paint {
  color: boolean;
  /** Columns of the terminal the output goes to; Infinity without a terminal (full width). */
  width: number;
  ok(s: string): string;
  bad(s: string): string;
  warn(s: string): string;
  chalk: ChalkInstance;
}

const SERIES = ['cyan', 'yellow', 'magenta', 'green', 'blue', 'red'] as const;

export function makeStyle(color: boolean, width = Infinity): Style {
  const c = new Chalk({ level: color ? 1 : 0 });
  return {
    color,
    width,
    chalk: c,
    ok: (s) => c.green(s),
    bad: (s) => c.red(s),
    warn: (s) => c.yellow(s),
    dim: (s) => c.dim(s),
    bold: (s) => c.bold(s),
    series: (i, s) => c[SERIES[i % SERIES.length] as (typeof SERIES)[number]](s),
  };
}

/**
 * Should a stream get colour? The conventions, in order: --no-color (and
 * --json, whose output is data) turn it off; FORCE_COLOR forces it on or off
 * (as in Node itself, it wins over NO_COLOR); NO_COLOR turns it off; else
 * chalk's own detection decides (off for a non-terminal and TERM=dumb, on
 * for a colour terminal and the CI systems it knows).
 */
export function colorWanted(opts: { noColor?: boolean; json?: boolean; stream?: 'stdout' | 'stderr' }): boolean {
  if (opts.noColor || opts.json) return false;
  const env = process.env;
  const stream = opts.stream ?? 'stdout';
  if (!('FORCE_COLOR' in env) && 'NO_COLOR' in env && env.NO_COLOR !== '') return false;
  const level = stream === 'stdout' ? supportsColor : supportsColorStderr;
  return level !== false && level.level > 0;
}

/**
 * Prose (notes, the chapter, check details, legends) wraps at the terminal's
 * width; without a terminal a line is never broken, so that a CI log can be
 * searched line by line.
 */
export function proseWidth(st: { width: number }): number {
  return st.width;
}
