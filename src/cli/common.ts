/**
 * The options every `conc lab` run takes (DESIGN.md, "The command line"),
 * declared once as data with the same specs as lab options, so they are
 * validated with the same exact messages.
 */
import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { AnyLab } from '../core/lab.js';
import { describeAccepted, parseOptionValue, type OptionSpec } from '../core/options.js';

export type Format = 'text' | 'md' | 'json';

export interface CommonOptions {
  quick: boolean;
  repeat: number | undefined;
  warmup: number | undefined;
  seed: number;
  timeoutMs: number | undefined;
  host: 'worker' | 'process' | undefined;
  format: Format;
  out: string | undefined;
  color: boolean;
  verbose: boolean;
}

export const DEFAULT_SEED = 42;
export const DEFAULT_TIMEOUT_S = 120;

export const COMMON_SPECS = {
  repeat: { type: 'integer', default: 5, min: 1, max: 1000, help: 'timed runs per measurement (default: per lab)' },
  warmup: { type: 'integer', default: 1, min: 0, max: 100, help: 'untimed warm-up runs (default: per lab)' },
  seed: { type: 'integer', default: DEFAULT_SEED, min: 0, max: 4294967295, help: 'seed of the random numbers; the same seed repeats a run' },
  timeout: { type: 'number', default: DEFAULT_TIMEOUT_S, min: 0.1, max: 86400, help: 'seconds before the lab is stopped (exit 3)' },
  host: { type: 'choice', default: 'worker', choices: ['worker', 'process'], help: 'run the lab in a worker thread or a child process' },
  format: { type: 'choice', default: 'text', choices: ['text', 'md', 'json'], help: 'output format' },
} as const satisfies Record<string, OptionSpec>;

/** Register the common flags on a commander Command (values stay raw strings; parsed below). */
export function addCommonFlags(cmd: Command): Command {
  return cmd
    .option('--quick', 'a short run (about 5 s on 2 cores), for CI')
    .option('--repeat <n>', COMMON_SPECS.repeat.help)
    .option('--warmup <n>', COMMON_SPECS.warmup.help)
    .option('--seed <n>', COMMON_SPECS.seed.help)
    .option('--timeout <seconds>', COMMON_SPECS.timeout.help)
    .option('--host <worker|process>', COMMON_SPECS.host.help)
    .option('--json', 'print one JSON document on stdout and nothing else')
    .option('--format <text|md|json>', COMMON_SPECS.format.help)
    .option('--out <file>', 'also write the JSON report to FILE (atomically)')
    .option('--no-color', 'no colour, no spinner')
    .option('--verbose', 'show stack traces of errors');
}

export const COMMON_HELP: [string, string][] = [
  ['--quick', 'a short run (about 5 s on 2 cores), for CI'],
  ['--repeat <n>', `timed runs per measurement: ${describeAccepted(COMMON_SPECS.repeat)} (default: per lab)`],
  ['--warmup <n>', `untimed warm-up runs: ${describeAccepted(COMMON_SPECS.warmup)} (default: per lab)`],
  ['--seed <n>', `seed of the random numbers (default: ${DEFAULT_SEED}); the same seed repeats a run`],
  ['--timeout <seconds>', 'stop the lab after this many seconds, exit 3 (default: per lab)'],
  ['--host <worker|process>', 'run the lab in a worker thread or a child process (default: per lab)'],
  ['--json', 'print one JSON document (conc.report/1) on stdout and nothing else'],
  ['--format <text|md|json>', 'output format (default: text)'],
  ['--out <file>', 'also write the JSON report to FILE, atomically'],
  ['--no-color', 'no colour and no spinner (also: NO_COLOR, or stdout not a TTY)'],
  ['--verbose', 'show stack traces of errors'],
  ['-h, --help', "this lab's options"],
];

type Raw = Record<string, string | boolean | undefined>;

function opt(raw: Raw, key: string): string | undefined {
  const v = raw[key];
  return typeof v === 'string' ? v : undefined;
}

export function parseCommon(raw: Raw, lab?: AnyLab): CommonOptions {
  const num = (key: 'repeat' | 'warmup' | 'seed' | 'timeout'): number | undefined => {
    const v = opt(raw, key);
    return v === undefined ? undefined : (parseOptionValue(`--${key}`, COMMON_SPECS[key], v) as number);
  };
  const host = opt(raw, 'host');
  if (host !== undefined) {
    parseOptionValue('--host', COMMON_SPECS.host, host);
    if (lab) {
      const allowed = lab.hosts ?? [lab.host];
      if (!allowed.includes(host as 'worker' | 'process'))
        throw new UsageError(`--host must be one of ${allowed.join(', ')} for lab ${lab.id} (${lab.slug}), got "${host}"`);
    }
  }
  const fmt = opt(raw, 'format');
  if (fmt !== undefined) parseOptionValue('--format', COMMON_SPECS.format, fmt);
  if (raw.json && fmt !== undefined && fmt !== 'json') throw new UsageError(`--json conflicts with --format ${fmt}`);
  const out = opt(raw, 'out');
  if (raw.out !== undefined && !out) throw new UsageError('--out needs a file name');
  const timeout = num('timeout');
  return {
    quick: raw.quick === true,
    repeat: num('repeat'),
    warmup: num('warmup'),
    seed: num('seed') ?? DEFAULT_SEED,
    timeoutMs: timeout === undefined ? undefined : timeout * 1000,
    host: host as CommonOptions['host'],
    format: raw.json ? 'json' : ((fmt as Format | undefined) ?? 'text'),
    out,
    color: raw.color !== false,
    verbose: raw.verbose === true,
  };
}
