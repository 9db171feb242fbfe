/**
 * Lab options declared as data: one entry per option, from which `conc lab N
 * --help`, parsing and validation are generated (in the manner of vitest's
 * cli-config.ts). A lab never parses argv itself.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

interface BaseSpec {
  /** One line for --help. */
  help: string;
}
export interface IntegerSpec extends BaseSpec {
  type: 'integer';
  /** A number, or a function for machine-dependent defaults (e.g. availableParallelism). */
  default: number | (() => number);
  min: number;
  max: number;
}
export interface NumberSpec extends BaseSpec {
  type: 'number';
  default: number;
  min: number;
  max: number;
}
export interface ChoiceSpec<C extends string = string> extends BaseSpec {
  type: 'choice';
  default: C;
  choices: readonly C[];
}
/** A comma-separated list of numbers, e.g. --sizes 64,4096,1048576. */
export interface ListSpec extends BaseSpec {
  type: 'list';
  default: readonly number[];
  min: number;
  max: number;
  /** Items must be integers (default true). */
  integer?: boolean;
  minItems?: number;
  maxItems?: number;
}
export interface BooleanSpec extends BaseSpec {
  type: 'boolean';
  default: boolean;
}
/** A duration, stored in milliseconds; accepts 250, 250ms, 1.5s, 2m. */
export interface DurationSpec extends BaseSpec {
  type: 'duration';
  default: number;
  min: number;
  max: number;
}
/** A range of milliseconds "lo-hi" or a single value "v" (lo = hi = v). */
export interface RangeSpec extends BaseSpec {
  type: 'range';
  default: readonly [number, number];
  min: number;
  max: number;
}

/** A free string such as a directory (--cpu-prof DIR); '' means not given. */
export interface StringSpec extends BaseSpec {
  type: 'string';
  default: string;
  /** What the value is, for messages and --help (e.g. "a directory"). */
  meta: string;
  /** The value is a directory to write into: it must be one, or be creatable in a writable one. */
  dir?: boolean;
  /** The value is a file to write: its directory must exist and be writable, and it must not be a directory. */
  file?: boolean;
}

export type OptionSpec =
  | StringSpec
  | IntegerSpec
  | NumberSpec
  | ChoiceSpec
  | ListSpec
  | BooleanSpec
  | DurationSpec
  | RangeSpec;

export type OptionTable = Record<string, OptionSpec>;

export type OptionValue<S> = S extends { type: 'integer' | 'number' | 'duration' }
  ? number
  : S extends { type: 'string' }
    ? string
  : S extends { type: 'choice'; choices: readonly (infer C)[] }
    ? C
    : S extends { type: 'list' }
      ? number[]
      : S extends { type: 'boolean' }
        ? boolean
        : S extends { type: 'range' }
          ? [number, number]
          : never;

export type OptionValues<T extends OptionTable> = { -readonly [K in keyof T]: OptionValue<T[K]> };

/** camelCase key -> --kebab-case flag. */
export function flagName(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());
}

/** --kebab-case (without dashes) -> camelCase key. */
export function keyName(flag: string): string {
  return flag.replace(/^--?/, '').replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function defaultValue(spec: OptionSpec): unknown {
  switch (spec.type) {
    case 'integer':
      return typeof spec.default === 'function' ? spec.default() : spec.default;
    case 'list':
      return [...spec.default];
    case 'range':
      return [spec.default[0], spec.default[1]];
    default:
      return spec.default;
  }
}

/** What the option accepts, as written in messages and --help. */
export function describeAccepted(spec: OptionSpec): string {
  switch (spec.type) {
    case 'string':
      return spec.meta;
    case 'integer':
      return `an integer from ${spec.min} to ${spec.max}`;
    case 'number':
      return `a number from ${spec.min} to ${spec.max}`;
    case 'choice':
      return `one of ${spec.choices.join(', ')}`;
    case 'list': {
      const what = spec.integer === false ? 'numbers' : 'integers';
      const n =
        spec.minItems !== undefined || spec.maxItems !== undefined
          ? ` (${spec.minItems ?? 1} to ${spec.maxItems ?? 'any number of'} items)`
          : '';
      return `a comma-separated list of ${what} from ${spec.min} to ${spec.max}${n}`;
    }
    case 'boolean':
      return 'a flag (no value)';
    case 'duration':
      return `a duration from ${formatMs(spec.min)} to ${formatMs(spec.max)} (e.g. 20, 20ms, 1.5s)`;
    case 'range':
      return `a range in ms from ${spec.min} to ${spec.max}, as LO-HI or a single value (e.g. 10-50)`;
  }
}

export function formatMs(ms: number): string {
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)}s`;
  return `${ms}ms`;
}

/** Display a default / resolved value the way a user would type it. */
export function formatValue(spec: OptionSpec, v: unknown): string {
  if (spec.type === 'list' && Array.isArray(v)) return v.join(',');
  if (spec.type === 'range' && Array.isArray(v)) return v[0] === v[1] ? String(v[0]) : `${v[0]}-${v[1]}`;
  if (spec.type === 'duration' && typeof v === 'number') return formatMs(v);
  return String(v);
}

function fail(flag: string, spec: OptionSpec, raw: string): never {
  throw new UsageError(`${flag} must be ${describeAccepted(spec)}, got "${raw}"`);
}

const INT = /^[+-]?\d+$/;
const NUM = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parse and validate one raw string for one option; throws UsageError with an exact message. */
export function parseOptionValue(flag: string, spec: OptionSpec, raw: string): unknown {
  const s = raw.trim();
  switch (spec.type) {
    case 'string':
      if (s === '') fail(flag, spec, raw);
      if (spec.dir) checkWritableDir(flag, s);
      if (spec.file) checkWritableFile(flag, s);
      return s;
    case 'integer': {
      if (!INT.test(s)) fail(flag, spec, raw);
      const v = Number(s);
      if (!Number.isSafeInteger(v) || v < spec.min || v > spec.max) fail(flag, spec, raw);
      return v;
    }
    case 'number': {
      if (!NUM.test(s)) fail(flag, spec, raw);
      const v = Number(s);
      if (!Number.isFinite(v) || v < spec.min || v > spec.max) fail(flag, spec, raw);
      return v;
    }
    case 'choice':
      if (!(spec.choices as readonly string[]).includes(s)) fail(flag, spec, raw);
      return s;
    case 'list': {
      const parts = s.split(',').map((p) => p.trim());
      if (parts.length === 0 || parts.some((p) => p === '')) fail(flag, spec, raw);
      const out: number[] = [];
      for (const p of parts) {
        const ok = spec.integer === false ? NUM.test(p) : INT.test(p);
        const v = Number(p);
        if (!ok || !Number.isFinite(v) || v < spec.min || v > spec.max) fail(flag, spec, raw);
        out.push(v);
      }
      if (spec.minItems !== undefined && out.length < spec.minItems) fail(flag, spec, raw);
      if (spec.maxItems !== undefined && out.length > spec.maxItems) fail(flag, spec, raw);
      return out;
    }
    case 'boolean': {
      if (/^(true|1|yes|on)$/i.test(s)) return true;
      if (/^(false|0|no|off)$/i.test(s)) return false;
      return fail(flag, spec, raw);
    }
    case 'duration': {
      const m = /^(\d+\.?\d*|\.\d+)\s*(ms|s|m)?$/i.exec(s);
      if (!m) fail(flag, spec, raw);
      const unit = (m[2] ?? 'ms').toLowerCase();
      const v = Number(m[1]) * (unit === 's' ? 1000 : unit === 'm' ? 60_000 : 1);
      if (!Number.isFinite(v) || v < spec.min || v > spec.max) fail(flag, spec, raw);
      return v;
    }
    case 'range': {
      const m = /^(\d+\.?\d*)(?:\s*-\s*(\d+\.?\d*))?$/.exec(s);
      if (!m) fail(flag, spec, raw);
      const lo = Number(m[1]);
      const hi = m[2] === undefined ? lo : Number(m[2]);
      if (lo > hi || lo < spec.min || hi > spec.max) fail(flag, spec, raw);
      return [lo, hi];
    }
  }
}

/** A directory to write into: it is one and writable, or its nearest existing ancestor is (it will be created). */
function checkWritableDir(flag: string, dir: string): void {
  let p = path.resolve(dir);
  while (!existsSync(p) && path.dirname(p) !== p) p = path.dirname(p);
  const what = p === path.resolve(dir) ? `"${dir}"` : `"${dir}" (its parent ${p})`;
  if (!statSync(p).isDirectory()) throw new UsageError(`${flag} ${what} is not a directory`);
  try {
    accessSync(p, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${what} is not writable`);
  }
}

/** A file to write: its directory exists and is writable, and the path is not a directory. */
function checkWritableFile(flag: string, file: string): void {
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  if (!existsSync(dir)) throw new UsageError(`${flag} "${file}": directory ${dir} does not exist`);
  if (!statSync(dir).isDirectory()) throw new UsageError(`${flag} "${file}": ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} "${file}": directory ${dir} is not writable`);
  }
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new UsageError(`${flag} "${file}" is a directory`);
}

/** Check a table is well-formed (used by the registry); returns problems, empty when fine. */
export function validateTable(table: OptionTable): string[] {
  const problems: string[] = [];
  for (const [key, spec] of Object.entries(table)) {
    const flag = flagName(key);
    if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) problems.push(`option key "${key}" must be camelCase`);
    if (!spec || typeof spec !== 'object' || typeof spec.help !== 'string' || !spec.help) {
      problems.push(`${flag} needs a help text`);
      continue;
    }
    const d = defaultValue(spec);
    if (spec.type === 'string' && d === '') continue;
    try {
      parseOptionValue(flag, spec, formatValue(spec, d));
    } catch (e) {
      problems.push(`default of ${flag} is not valid: ${(e as Error).message}`);
    }
  }
  return problems;
}
