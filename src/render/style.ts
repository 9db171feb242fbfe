/**
 * Colour on or off, decided once by the CLI: off when stdout is not a TTY,
 * under NO_COLOR, --no-color or --json. Renderers take a Style and never look
 * at the environment themselves.
 */
import { Chalk, type ChalkInstance } from 'chalk';
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

/** Should stdout get colour (and stderr a spinner)? */
export function colorWanted(opts: { noColor?: boolean; json?: boolean }): boolean {
  if (opts.noColor || opts.json) return false;
  if ('NO_COLOR' in process.env && process.env.NO_COLOR !== '') return false;
  return Boolean(process.stdout.isTTY);
}

/**
 * Prose (notes, the chapter, check details, legends) wraps at the terminal's
 * width; without a terminal a line is never broken, so that a CI log can be
 * searched line by line.
 */
export function proseWidth(st: { width: number }): number {
  return st.width;
}
