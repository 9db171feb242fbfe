/**
 * Reading the files `conc compare` is given: a report (conc.report/1) or a
 * suite (conc.suite/1) from any machine, checked at the edge as far as the
 * comparison relies on it. Anything else is refused with a UsageError that
 * names the file and the problem (exit 2).
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../core/errors.js';
import { REPORT_SCHEMA, SUITE_SCHEMA } from '../core/report.js';
import type { Machine } from '../measure/machine.js';
import type { InputFile, InputMetric, InputReport } from './model.js';

const REPORT = REPORT_SCHEMA;
const SUITE = SUITE_SCHEMA;

/** Larger than any report or suite conc writes (a few MB): refused before it is read. */
export const MAX_FILE_BYTES = 256 * 1024 * 1024;
/** Deeper than any report or suite conc writes (under 10 levels): refused before it is compared. */
export const MAX_DEPTH = 64;

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Does a parsed JSON value nest arrays and objects more than `limit` deep?
 * Without recursion, so that any depth can be checked; comparing a deeper one
 * would overflow the stack of the functions that walk it (canonicalJson).
 */
export function deeperThan(v: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[v, 1]];
  while (stack.length) {
    const [x, d] = stack.pop() as [unknown, number];
    if (x === null || typeof x !== 'object') continue;
    if (d > limit) return true;
    for (const y of Array.isArray(x) ? x : Object.values(x)) if (y !== null && typeof y === 'object') stack.push([y, d + 1]);
  }
  return false;
}

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
    const st = statSync(file);
    if (st.isDirectory()) throw new UsageError(`${file}: is a directory, not a report file`);
    // A FIFO, a socket or a device (/dev/zero) would block or never end.
    if (!st.isFile()) throw new UsageError(`${file}: is ${kindOf(st)}, not a report file`);
    if (st.size > MAX_FILE_BYTES)
      throw new UsageError(`${file}: too big for a conc report (${(st.size / 2 ** 20).toFixed(1)} MiB; at most ${MAX_FILE_BYTES / 2 ** 20} MiB)`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`${file}: no such file`);
    if (code === 'EACCES') throw new UsageError(`${file}: permission denied`);
    throw new UsageError(`${file}: cannot read (${(e as Error).message})`);
  }
  const doc = parseJson(text, file);
  if (deeperThan(doc, MAX_DEPTH)) throw new UsageError(`${file}: nested more than ${MAX_DEPTH} levels deep: not a conc report or suite`);
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

/** A file as read: its path and label, its schema, its reports and machine. */
export interface ReadFile extends InputFile {
  path: string;
  schema: string;
}

/** Read every file given (labelled by fileLabels); the first bad one throws its UsageError. */
export function readCompareFiles(files: readonly string[]): ReadFile[] {
  const labels = fileLabels(files);
  return files.map((f, i) => ({ path: f, label: labels[i] as string, ...readCompareFile(f) }));
}
