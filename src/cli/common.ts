/**
 * The options every `conc lab` run takes (DESIGN.md, "The command line"),
 * declared once as a flag table, the way lab options are: flags, --help and
 * validation all come from it. `conc lab all` and `conc compare` take the
 * same output flags, with their own words where they differ.
 */
import { EXIT, UsageError } from '../core/errors.js';
import { DEFAULT_SEED, DEFAULT_TIMEOUT_S, type RunSettings } from '../core/invocation.js';
import type { AnyLab } from '../core/lab.js';
import { REPORT_SCHEMA } from '../core/report.js';
import { parseFlags, type Flag, type FlagTable, type RawFlags } from './flags.js';

export type Format = 'text' | 'md' | 'json';

/** How the output goes: what the CLI does with a report, beside the run settings. */
export interface OutputOptions {
  format: Format;
  out: string | undefined;
  color: boolean;
  verbose: boolean;
}

export interface CommonOptions extends RunSettings, OutputOptions {}

/** The output flags, for a command whose JSON document is `schema`. */
export function outputFlags(schema: string) {
  return {
    json: { type: 'boolean', default: false, help: `print one JSON document (${schema}) on stdout and nothing else` },
    format: { type: 'choice', default: 'text', choices: ['text', 'md', 'json'], help: 'output format' },
    color: { type: 'boolean', default: true, negate: true, help: 'no colour and no spinner (also: NO_COLOR, or stdout not a TTY)' },
    verbose: { type: 'boolean', default: false, help: 'show stack traces of errors' },
  } as const satisfies FlagTable;
}

/** --out FILE: the JSON document written atomically, whatever is printed. */
export const OUT_FLAG = {
  type: 'string',
  default: '',
  meta: 'a file name',
  metavar: 'file',
  shown: null,
  help: 'also write the JSON report to FILE, atomically',
} as const satisfies Flag;

const LAB_OUTPUT = outputFlags(REPORT_SCHEMA);

export const COMMON_FLAGS = {
  quick: { type: 'boolean', default: false, help: 'a short run (about 5 s on 2 cores), for CI' },
  repeat: { type: 'integer', default: 5, min: 1, max: 1000, shown: 'per lab', help: 'timed runs per measurement' },
  warmup: { type: 'integer', default: 1, min: 0, max: 100, shown: 'per lab', help: 'untimed warm-up runs' },
  seed: { type: 'integer', default: DEFAULT_SEED, min: 0, max: 4294967295, help: 'seed of the random numbers; the same seed repeats a run' },
  timeout: {
    type: 'number',
    default: DEFAULT_TIMEOUT_S,
    min: 0.1,
    max: 86400,
    metavar: 'seconds',
    shown: 'per lab',
    help: `stop the lab after this many seconds, exit ${EXIT.timeout}`,
  },
  host: { type: 'choice', default: 'worker', choices: ['worker', 'process'], shown: 'per lab', help: 'run the lab in a worker thread or a child process' },
  json: LAB_OUTPUT.json,
  format: LAB_OUTPUT.format,
  out: OUT_FLAG,
  color: LAB_OUTPUT.color,
  verbose: LAB_OUTPUT.verbose,
} as const satisfies FlagTable;

/** The common options from raw flags: validated, with the lab's own checks (--host) when there is a lab. */
export function parseCommon(raw: RawFlags, lab?: AnyLab): CommonOptions {
  const v = parseFlags(COMMON_FLAGS, raw);
  if (v.host !== undefined && lab) {
    const allowed = lab.hosts ?? [lab.host];
    if (!allowed.includes(v.host)) throw new UsageError(`--host must be one of ${allowed.join(', ')} for lab ${lab.id} (${lab.slug}), got "${v.host}"`);
  }
  return {
    quick: v.quick,
    repeat: v.repeat,
    warmup: v.warmup,
    seed: v.seed ?? DEFAULT_SEED,
    timeoutMs: v.timeout === undefined ? undefined : v.timeout * 1000,
    host: v.host,
    ...parseOutput(v),
  };
}

/** --json, --format, --out, --no-color and --verbose, checked against each other. */
export function parseOutput(v: { json: boolean; format: Format | undefined; out?: string | undefined; color: boolean; verbose: boolean }): OutputOptions {
  if (v.json && v.format !== undefined && v.format !== 'json') throw new UsageError(`--json conflicts with --format ${v.format}`);
  return { format: v.json ? 'json' : (v.format ?? 'text'), out: v.out, color: v.color, verbose: v.verbose };
}
