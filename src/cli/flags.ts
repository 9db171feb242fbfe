/**
 * Command-line flags declared as tables, the way lab options are (an
 * OptionTable in src/core/options.ts), with what only the command line needs:
 * the placeholder in --help, the default as --help shows it, --no-X flags.
 * From one table come the commander flags, the rows of --help, the message
 * for a flag given without its value, and the validated values.
 */
import type { Command } from 'commander';
import { defaultValue, describeAccepted, flagName, formatValue, parseOptionValue, type OptionSpec, type OptionValue } from '../core/options.js';
import { wrap } from '../render/format.js';

export type Flag = OptionSpec & {
  /** The placeholder in --help, as in `--timeout <seconds>` (default: from the type). */
  metavar?: string;
  /**
   * The default as --help shows it, e.g. 'per lab' where each lab has its
   * own; null: no "(...)" part at all (default: the spec's default).
   */
  shown?: string | null;
  /** A boolean given only as --no-<flag> (key `color`, flag --no-color, true unless given). */
  negate?: boolean;
  /** A suffix the value may end with, dropped before it is parsed (e.g. '%' for 5%). */
  suffix?: string;
};

export type FlagTable = Record<string, Flag>;

/** Raw values by key, as commander leaves them: strings for valued flags, booleans for the others. */
export type RawFlags = Record<string, string | boolean | undefined>;

/** The flag as typed: --quick, --no-color, --timeout. */
export function flagOf(key: string, f: Flag): string {
  return f.type === 'boolean' && f.negate ? `--no-${flagName(key).slice(2)}` : flagName(key);
}

function metavar(f: Flag): string {
  if (f.metavar) return f.metavar;
  switch (f.type) {
    case 'choice':
      return f.choices.join('|');
    case 'list':
      return 'a,b,...';
    case 'range':
      return 'lo-hi';
    case 'duration':
      return 'time';
    case 'string':
      return 'value';
    default:
      return 'n';
  }
}

/** The flag with its placeholder, as --help lists it: `--count <n>`, `--quick`. */
export function flagUsage(key: string, f: Flag): string {
  return f.type === 'boolean' ? flagOf(key, f) : `${flagName(key)} <${metavar(f)}>`;
}

/**
 * Register a table's flags on a commander Command (values stay raw strings;
 * parseFlags validates them). `negatable`: each boolean also gets --no-X
 * (lab options: --fresh and --no-fresh).
 */
export function registerFlags(cmd: Command, table: FlagTable, o: { negatable?: boolean } = {}): Command {
  for (const [key, f] of Object.entries(table)) {
    if (f.type !== 'boolean') cmd.option(`${flagName(key)} <value>`, f.help);
    else if (f.negate) cmd.option(flagOf(key, f), f.help);
    else {
      cmd.option(flagName(key), f.help);
      if (o.negatable) cmd.option(`--no-${flagName(key).slice(2)}`, `not ${f.help}`);
    }
  }
  return cmd;
}

/** The flags a table registers, as typed (--no-X included where registered), in order. */
export function flagsOf(table: FlagTable, o: { negatable?: boolean } = {}): string[] {
  return Object.entries(table).flatMap(([key, f]) =>
    f.type === 'boolean' && !f.negate && o.negatable ? [flagName(key), `--no-${flagName(key).slice(2)}`] : [flagOf(key, f)],
  );
}

/** The flags of a table that take a value. */
export function valuedFlags(table: FlagTable): string[] {
  return Object.entries(table)
    .filter(([, f]) => f.type !== 'boolean')
    .map(([key]) => flagName(key));
}

/** What a flag of the table accepts, for "--x needs a value: ..."; undefined when it is not in the table. */
export function acceptedBy(table: FlagTable, flag: string): string | undefined {
  const hit = Object.entries(table).find(([key, f]) => flagOf(key, f) === flag);
  return hit ? describeAccepted(hit[1]) : undefined;
}

/**
 * One --help row per flag: `--count <n>` and "loop length (an integer from 1
 * to 1000000; default: 1000; --quick: 10)". The accepted values are named
 * for numbers, lists, durations and ranges (a choice names them in its
 * placeholder); `quick` adds the --quick override of a lab option. A boolean
 * shows its default only where it is `negatable` (--x and --no-x, as lab
 * options are); a plain switch (--quick) is off unless given.
 */
export function helpRows(table: FlagTable, o: { quick?: Record<string, unknown>; negatable?: boolean } = {}): [string, string][] {
  const { quick } = o;
  return Object.entries(table).map(([key, f]): [string, string] => {
    const usage = flagUsage(key, f);
    if ((f.type === 'boolean' && !o.negatable) || f.shown === null) return [usage, f.help];
    const accepted = f.type === 'choice' || f.type === 'string' || f.type === 'boolean' ? '' : `${describeAccepted(f)}; `;
    const def = f.shown ?? (f.type === 'string' && f.default === '' ? 'none' : formatValue(f, defaultValue(f)));
    const q = quick && key in quick ? `; --quick: ${formatValue(f, quick[key])}` : '';
    return [usage, `${f.help} (${accepted}default: ${def}${q})`];
  });
}

/**
 * The width of the flag column for these rows: the widest flag and two
 * spaces; flags longer than `cap` do not count (their text goes below them).
 */
export function flagColumn(rows: readonly [string, string][], cap = Infinity): number {
  return Math.max(0, ...rows.map(([f]) => f.length).filter((n) => n <= cap)) + 2;
}

/** Flags longer than this have their text on the lines below them, on a terminal. */
const LONG_FLAG = 30;

/** The flag column for help at a width: every flag counts without a terminal, only the short ones with one. */
export function helpColumn(rows: readonly [string, string][], width?: number): number {
  return flagColumn(rows, width ? LONG_FLAG : Infinity);
}

/**
 * Help rows as aligned lines: the flags in a column (`col` wide, so that
 * several lists can line up), their text beside them. With a width (a
 * terminal's), text wraps under itself to fit, and a flag longer than the
 * column (helpColumn leaves out the very long ones) has its text on the
 * lines below; without one, a row is a line.
 */
export function formatRows(rows: readonly [string, string][], width?: number, col = helpColumn(rows, width)): string[] {
  if (!width) return rows.map(([f, h]) => `  ${f.padEnd(col)}${h}`);
  const room = Math.max(20, width - 3 - col);
  return rows.flatMap(([f, h]) => {
    const lines = wrap(h, room);
    if (f.length + 2 > col) return [`  ${f}`, ...lines.map((l) => ' '.repeat(2 + col) + l)];
    return lines.map((l, i) => (i === 0 ? `  ${f.padEnd(col)}` : ' '.repeat(2 + col)) + l);
  });
}

/** Typed values of a table: booleans, and for a valued flag its value or undefined when not given. */
export type FlagValues<T extends FlagTable> = { -readonly [K in keyof T]: T[K] extends { type: 'boolean' } ? boolean : OptionValue<T[K]> | undefined };

/** A table's values from raw flags: undefined where a valued flag was not given, validated where it was. */
export function parseFlags<T extends FlagTable>(table: T, raw: RawFlags): FlagValues<T> {
  const out: Record<string, unknown> = {};
  for (const [key, f] of Object.entries(table)) {
    const v = raw[key];
    if (f.type === 'boolean') out[key] = f.negate ? v !== false : v === true;
    else if (typeof v === 'string') {
      const s = f.suffix && v.trimEnd().endsWith(f.suffix) ? v.trimEnd().slice(0, -f.suffix.length) : v;
      out[key] = parseOptionValue(flagName(key), f, s);
    } else out[key] = undefined;
  }
  return out as FlagValues<T>;
}

/** A paragraph of help as lines that fit the terminal, and 80 columns at most (also when stdout is not a terminal). */
export function prose(text: string, width?: number): string[] {
  return wrap(text, Math.min(width ?? 80, 80) - 1);
}

/** The width to wrap help at, from outputWidth(): none (undefined) without a terminal or $COLUMNS. */
export function helpWidthOf(outputWidth: number): number | undefined {
  return Number.isFinite(outputWidth) ? outputWidth : undefined;
}
