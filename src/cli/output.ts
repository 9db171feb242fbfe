/**
 * The output flags (--json, --format, --out, --no-color, --verbose) that
 * conc lab, conc lab all and conc compare share, each with its own JSON
 * schema in the words of --json; and their check against each other.
 */
import { UsageError } from '../core/errors.js';
import type { Flag, FlagTable } from './flags.js';

/** junit and csv are for reports (a lab's or a suite's); compare prints text, md or json. */
export type Format = 'text' | 'md' | 'json' | 'junit' | 'csv';
const REPORT_FORMATS = ['text', 'md', 'json', 'junit', 'csv'] as const;
const COMPARE_FORMATS = ['text', 'md', 'json'] as const;

/** How the output goes: what the CLI does with a report, beside the run settings. */
export interface OutputOptions {
  format: Format;
  out: string | undefined;
  color: boolean;
  verbose: boolean;
}

/** The output flags, for a command whose JSON document is `schema`; `reports` adds --format junit and csv. */
export function outputFlags(schema: string, kind: 'reports' | 'compare' = 'reports') {
  return {
    json: { type: 'boolean', default: false, help: `print one JSON document (${schema}) on stdout and nothing else` },
    format: {
      type: 'choice',
      default: 'text',
      choices: kind === 'reports' ? REPORT_FORMATS : COMPARE_FORMATS,
      help: kind === 'reports' ? 'output format: junit has a test case per check, csv a row per sample' : 'output format',
    },
    color: { type: 'boolean', default: true, negate: true, help: 'no colour and no spinner (also: NO_COLOR, TERM=dumb, or no terminal; FORCE_COLOR forces colour)' },
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

/** --json, --format, --out, --no-color and --verbose, checked against each other. */
export function parseOutput(v: { json: boolean; format: Format | undefined; out?: string | undefined; color: boolean; verbose: boolean }): OutputOptions {
  if (v.json && v.format !== undefined && v.format !== 'json') throw new UsageError(`--json conflicts with --format ${v.format}`);
  return { format: v.json ? 'json' : (v.format ?? 'text'), out: v.out, color: v.color, verbose: v.verbose };
}
