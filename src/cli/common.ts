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
import { parseFlags, type FlagTable, type RawFlags } from './flags.js';
import { OUT_FLAG, outputFlags, parseOutput, type OutputOptions } from './output.js';

export interface CommonOptions extends RunSettings, OutputOptions {}

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
