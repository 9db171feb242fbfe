/**
 * `conc compare a.json b.json [c.json ...] [options]`: read report
 * (conc.report/1) or suite (conc.suite/1) files from any machine, check them
 * at the edge, and hand them to the pure comparison in src/measure/compare.ts.
 * Every later file is compared with the first.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../core/errors.js';
import { parseOptionValue, type OptionSpec } from '../../core/options.js';
import type { Machine } from '../../measure/machine.js';
import type { InputFile, InputMetric, InputReport } from '../../measure/compare.js';
import { newCommand, parseWith } from '../parse.js';

export const COMPARE_SCHEMA = 'conc.compare/1';
const REPORT = 'conc.report/1';
const SUITE = 'conc.suite/1';

const SPECS = {
  alpha: { type: 'number', default: 0.05, min: 0.0001, max: 0.5, help: 'significance level' },
  threshold: { type: 'number', default: 0, min: 0, max: 10000, help: 'smallest change worth flagging, percent' },
  format: { type: 'choice', default: 'text', choices: ['text', 'md', 'json'], help: 'output format' },
} as const satisfies Record<string, OptionSpec>;

export const COMPARE_HELP = `Usage: conc compare <a.json> <b.json> [c.json ...] [options]

Compare conc report (conc.report/1) or suite (conc.suite/1) files, from this
machine or others. Metrics are matched by lab, name and variant; each later
file is compared with the first: the change of the median, the p-value of a
Mann-Whitney U test on the raw samples, and ~ where the change is not
significant. Deterministic outputs that differ are shown as correctness
problems.

Options:
  --alpha <p>             significance level, a number from 0.0001 to 0.5 (default: 0.05)
  --threshold <percent>   ignore changes of the median smaller than this, e.g. 5 or 5% (default: 0)
  --fail-on-regression    exit 1 on a significant change beyond the threshold in the wrong
                          direction, or on a deterministic output that differs
  --json                  print one JSON document (conc.compare/1) on stdout and nothing else
  --format <text|md|json> output format; md suits a CI job summary (default: text)
  --no-color              no colour (also: NO_COLOR, or stdout not a TTY)
  -h, --help              this help

Exit codes: 0 compared; 1 --fail-on-regression found a regression; 2 bad input.
`;

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parse JSON text; a clear reason when it is not JSON, or was cut short. */
function parseJson(text: string, file: string): unknown {
  if (text.trim() === '') throw new UsageError(`${file}: empty file, not a conc report`);
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = ((e as Error).message || 'invalid JSON').replace(/\s+/g, ' ').slice(0, 120);
    const pos = /at position (\d+)/.exec(msg);
    const end = text.trimEnd().length;
    if (/end of JSON input/i.test(msg) || (pos && Number(pos[1]) >= end)) {
      throw new UsageError(`${file}: truncated: the JSON ends early (${msg}); was the file written completely?`);
    }
    throw new UsageError(`${file}: not JSON (${msg})`);
  }
}

/** Check one conc.report/1 (as much as compare relies on); `where` prefixes messages for suites. */
function checkReport(v: unknown, file: string, where: string): InputReport {
  const bad = (what: string): never => {
    throw new UsageError(`${file}: not a valid ${REPORT}: ${where}${what}`);
  };
  if (!isObj(v)) return bad('the report is not an object');
  if (v.schema !== REPORT) {
    if (typeof v.schema === 'string' && /^conc\.report\//.test(v.schema))
      throw new UsageError(`${file}: ${where}schema ${v.schema} is not supported; this conc reads ${REPORT} and ${SUITE}`);
    return bad(`schema must be "${REPORT}", got ${JSON.stringify(v.schema)}`);
  }
  const lab = v.lab;
  if (!isObj(lab) || !Number.isInteger(lab.id) || typeof lab.slug !== 'string') return bad('lab must be {id, slug, title}');
  if (!Array.isArray(v.metrics)) return bad('metrics must be an array');
  const metrics: InputMetric[] = v.metrics.map((m, i) => {
    const at = `metrics[${i}]`;
    if (!isObj(m)) return bad(`${at} is not an object`);
    if (typeof m.name !== 'string' || !m.name) return bad(`${at}.name must be a non-empty string`);
    if (typeof m.unit !== 'string') return bad(`${at}.unit must be a string`);
    if (m.better !== 'lower' && m.better !== 'higher') return bad(`${at}.better must be "lower" or "higher"`);
    if (!isObj(m.variant) || !Object.values(m.variant).every((x) => ['string', 'number', 'boolean'].includes(typeof x)))
      return bad(`${at}.variant must be an object of strings, numbers and booleans`);
    if (!Array.isArray(m.samples) || !m.samples.every((x) => typeof x === 'number' && Number.isFinite(x)))
      return bad(`${at}.samples must be an array of numbers`);
    return { name: m.name, unit: m.unit, better: m.better, variant: m.variant as InputMetric['variant'], samples: m.samples as number[] };
  });
  if (!isObj(v.outputs)) return bad('outputs must be an object');
  if (!isObj(v.options)) return bad('options must be an object');
  if (typeof v.seed !== 'number') return bad('seed must be a number');
  if (!['ok', 'failed', 'error', 'timeout', 'interrupted'].includes(v.status as string)) return bad('status must be ok, failed, error, timeout or interrupted');
  if (!isObj(v.machine)) return bad('machine must be an object');
  return {
    lab: { id: lab.id as number, slug: lab.slug, ...(typeof lab.title === 'string' ? { title: lab.title } : {}) },
    options: v.options,
    seed: v.seed,
    status: v.status as InputReport['status'],
    metrics,
    outputs: v.outputs,
  };
}

/** Read one file given on the command line as a report or a suite; UsageError naming the file otherwise. */
export function readCompareFile(file: string): { reports: InputReport[]; machine: Machine | null; schema: string } {
  let text: string;
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`${file}: is a directory, not a report file`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    if (code === 'EACCES') throw new UsageError(`${file}: permission denied`);
    throw new UsageError(`${file}: cannot read (${(e as Error).message})`);
  }
  const doc = parseJson(text, file);
  if (!isObj(doc)) throw new UsageError(`${file}: not a conc report or suite (a JSON ${Array.isArray(doc) ? 'array' : typeof doc}, not an object)`);
  const schema = doc.schema;
  if (typeof schema !== 'string') throw new UsageError(`${file}: not a conc report or suite (no "schema" field)`);
  if (schema === REPORT) {
    const r = checkReport(doc, file, '');
    return { reports: [r], machine: doc.machine as Machine, schema };
  }
  if (schema === SUITE) {
    if (!Array.isArray(doc.reports)) throw new UsageError(`${file}: not a valid ${SUITE}: reports must be an array`);
    const reports = doc.reports.map((r, i) => checkReport(r, file, `reports[${i}]: `));
    const machine = isObj(doc.machine) ? (doc.machine as unknown as Machine) : ((doc.reports[0] as Json | undefined)?.machine as Machine | undefined) ?? null;
    return { reports, machine, schema };
  }
  if (/^conc\.(report|suite)\//.test(schema))
    throw new UsageError(`${file}: schema ${schema} is not supported; this conc reads ${REPORT} and ${SUITE}`);
  throw new UsageError(`${file}: not a conc report or suite (schema ${JSON.stringify(schema).slice(0, 60)})`);
}

/** Short, distinct column labels: base names, else the paths as given, else numbered. */
export function fileLabels(files: readonly string[]): string[] {
  const base = files.map((f) => path.basename(f));
  let labels = new Set(base).size === base.length ? base : [...files];
  const seen = new Map<string, number>();
  labels = labels.map((l) => {
    const n = (seen.get(l) ?? 0) + 1;
    seen.set(l, n);
    return n > 1 ? `${l} #${n}` : l;
  });
  return labels;
}

export async function compareCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(COMPARE_HELP);
    return 0;
  }
  const cmd = newCommand('conc compare')
    .argument('[files...]')
    .option('--alpha <p>')
    .option('--threshold <percent>')
    .option('--fail-on-regression')
    .option('--json')
    .option('--format <text|md|json>')
    .option('--no-color')
    .option('--verbose');
  const describe = (flag: string): string | undefined => {
    const key = flag.replace(/^--/, '') as keyof typeof SPECS;
    return key in SPECS ? `${SPECS[key].help}: ` + (SPECS[key].type === 'choice' ? 'one of text, md, json' : `a number from ${SPECS[key].min} to ${SPECS[key].max}`) : undefined;
  };
  const raw = parseWith(cmd, args, 'for conc compare', describe);
  const files = cmd.args;
  const str = (k: string): string | undefined => (typeof raw[k] === 'string' ? (raw[k] as string) : undefined);

  const alphaRaw = str('alpha');
  const alpha = alphaRaw === undefined ? SPECS.alpha.default : (parseOptionValue('--alpha', SPECS.alpha, alphaRaw) as number);
  const thrRaw = str('threshold');
  const thresholdPct = thrRaw === undefined ? 0 : (parseOptionValue('--threshold', SPECS.threshold, thrRaw.replace(/%\s*$/, '')) as number);
  const fmtRaw = str('format');
  if (fmtRaw !== undefined) parseOptionValue('--format', SPECS.format, fmtRaw);
  if (raw.json && fmtRaw !== undefined && fmtRaw !== 'json') throw new UsageError(`--json conflicts with --format ${fmtRaw}`);
  const format = raw.json ? 'json' : (fmtRaw ?? 'text');

  if (files.length < 2)
    throw new UsageError(
      `compare needs at least two report or suite files (the first is the base), got ${files.length === 0 ? 'none' : `only ${files[0]}`}`,
    );

  const labels = fileLabels(files);
  const read = files.map((f) => readCompareFile(f));
  const inputs: InputFile[] = read.map((r, i) => ({ label: labels[i] as string, machine: r.machine, reports: r.reports }));

  const { compareFiles, regressionReasons } = await import('../../measure/compare.js');
  const cmp = compareFiles(inputs, { alpha, thresholdPct });

  if (format === 'json') {
    const doc = {
      schema: COMPARE_SCHEMA,
      settings: { ...cmp.settings, failOnRegression: raw.failOnRegression === true },
      files: files.map((f, i) => ({
        path: f,
        label: labels[i] as string,
        schema: read[i]?.schema,
        labs: (read[i]?.reports ?? []).map((r) => r.lab.id),
      })),
      machines: read.map((r, i) => ({ file: labels[i] as string, ...(r.machine ?? {}) })),
      machineDifferences: cmp.machines.filter((m) => m.differs).map((m) => m.key),
      rows: cmp.rows,
      geomeans: cmp.geomeans,
      unmatched: cmp.unmatched,
      outputs: cmp.outputs,
      labs: cmp.labs,
      warnings: cmp.warnings,
      summary: cmp.summary,
    };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  } else {
    const { colorWanted, makeStyle, outputWidth } = await import('../../render/style.js');
    const render = await import('../../render/compare.js');
    if (format === 'md') process.stdout.write(render.renderCompareMarkdown(cmp));
    else {
      const st = makeStyle(colorWanted({ noColor: raw.color === false }), outputWidth());
      process.stdout.write(render.renderCompareText(cmp, st));
    }
  }
  if (!cmp.rows.length) process.stderr.write('conc: compare: no metric is in more than one file; nothing was compared\n');
  if (raw.failOnRegression === true) {
    const reasons = regressionReasons(cmp);
    if (reasons.length) {
      process.stderr.write(`conc: compare: ${reasons.join(' and ')} (--fail-on-regression)\n`);
      return 1;
    }
  }
  return 0;
}
