/**
 * `conc lab all [--only ids] [--skip ids] [common options]`: every lab in
 * order, each in its own host with its own --timeout, one line per lab while
 * it runs, then a summary. A lab that fails, throws, times out or is broken
 * is a row of the summary, never the end of the suite; Ctrl-C ends it (the
 * running lab's host kills what it started; the labs after it are not run).
 */
import { performance } from 'node:perf_hooks';
import { UsageError, toSerializedError } from '../../core/errors.js';
import { flagName } from '../../core/options.js';
import { labsDir, loadRegistry, type BrokenLab, type LoadedLab, type Registry } from '../../core/registry.js';
import { REPORT_SCHEMA, STATUS_RANK, exitCodeOf, type Report, type Status } from '../../core/report.js';
import { machine } from '../../measure/machine.js';
import { COMMON_HELP, addCommonFlags, parseCommon, type CommonOptions } from '../common.js';
import { checkOutPath, writeAtomic } from '../io.js';
import { newCommand, parseWith } from '../parse.js';
import { installSignals } from '../signals.js';
import { startSpinner } from '../spinner.js';
import { resolveLabOptions, runInvocation } from './lab.js';

export const SUITE_SCHEMA = 'conc.suite/1';

/** A row of the suite: one selected lab. 'not-run': the suite was interrupted before it. */
export interface SuiteLab {
  id: number | null;
  slug: string;
  title: string | null;
  status: Status | 'not-run';
  /** The lab could not be loaded (registry.broken); it has no report. */
  broken: boolean;
  checks: { passed: number; failed: number; skipped: number };
  /** Wall time of the lab in its host, start to cleanup, as the suite saw it (ms); null if not run. */
  wallMs: number | null;
  headline: Report['headline'] | null;
  error: { name: string; message: string } | null;
}

export interface Suite {
  schema: typeof SUITE_SCHEMA;
  status: Status;
  startedAt: string;
  /** Wall time of the whole suite, ms. */
  durationMs: number;
  machine: ReturnType<typeof machine>;
  settings: {
    quick: boolean;
    repeat: number | null;
    warmup: number | null;
    seed: number;
    timeoutS: number | null;
    host: 'worker' | 'process' | null;
    only: number[] | null;
    skip: number[] | null;
  };
  labs: SuiteLab[];
  counts: Record<Status | 'not-run', number>;
  reports: Report[];
}

type Item = { kind: 'lab'; entry: LoadedLab } | { kind: 'broken'; broken: BrokenLab };

const idOf = (it: Item): number | null => (it.kind === 'lab' ? it.entry.id : it.broken.id);
const slugOf = (it: Item): string => (it.kind === 'lab' ? it.entry.slug : it.broken.slug);

export function suiteHelp(): string {
  const rows: [string, string][] = [
    ['--only <labs>', 'run only these labs: ids or slugs, comma-separated (e.g. 1,2,speed-it-up)'],
    ['--skip <labs>', 'leave these labs out: ids or slugs, comma-separated'],
    ...COMMON_HELP.filter(([f]) => f !== '-h, --help').map(([f, h]): [string, string] => {
      if (f === '--timeout <seconds>') return [f, 'stop each lab after this many seconds (default: per lab)'];
      if (f === '--json') return [f, 'print one JSON document (conc.suite/1) on stdout and nothing else'];
      if (f === '--out <file>') return [f, 'also write the JSON suite to FILE, atomically'];
      if (f === '--host <worker|process>') return [f, 'run every lab in this host (each must support it; default: per lab)'];
      return [f, h];
    }),
    ['-h, --help', 'this help'],
  ];
  const w = Math.max(...rows.map(([f]) => f.length)) + 2;
  return [
    'Usage: conc lab all [--only ids] [--skip ids] [common options]',
    '',
    'Run every lab in order, each with its defaults (or --quick), and print a summary:',
    'status, checks, wall time and headline figure of each lab, and the total wall time.',
    'A lab that fails, errors, times out or is broken does not stop the others.',
    'Lab-specific options are refused here: run that lab on its own (conc lab <id> --help).',
    '',
    'Options:',
    ...rows.map(([f, h]) => `  ${f.padEnd(w)}${h}`),
    '',
    'Exit codes: 0 all ok; 1 a lab failed or errored; 2 usage error; 3 a lab timed out; 130 interrupted.',
    '',
  ].join('\n');
}

/** Resolve "1,2,speed-it-up" against the labs (broken ones included); UsageError on an unknown one. */
function selectIds(flag: string, raw: string, items: Item[]): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.some((p) => p === '')) throw new UsageError(`${flag} must be a comma-separated list of lab ids or slugs, got "${raw}"`);
  const known = items.map((it) => `${idOf(it) ?? '?'} ${slugOf(it)}`).join(', ');
  return parts.map((p) => {
    const byId = /^\d+$/.test(p) ? Number(p) : null;
    const hit = items.find((it) => (byId !== null ? idOf(it) === byId : slugOf(it) === p));
    if (!hit) throw new UsageError(`${flag}: unknown lab "${p}"; labs: ${known || 'none found'} (see conc list)`);
    return idOf(hit) ?? -1;
  });
}

/** Refuse a lab's own option (e.g. --philosophers) by name, before commander calls it unknown. */
function refuseLabOptions(args: string[], known: Set<string>, valued: Set<string>, reg: Registry): void {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') break;
    if (!a.startsWith('--')) continue;
    const flag = a.split('=')[0] as string;
    if (known.has(flag)) {
      if (valued.has(flag) && !a.includes('=')) i++;
      continue;
    }
    const owners = reg.labs.filter(({ lab }) =>
      Object.entries(lab.options).some(([k, spec]) => flagName(k) === flag || (spec.type === 'boolean' && `--no-${flagName(k).slice(2)}` === flag)),
    );
    if (owners.length) {
      const who = owners.map((o) => `${o.id} (${o.slug})`).join(', ');
      const one = owners[0] as LoadedLab;
      throw new UsageError(
        `${flag} is an option of lab ${who}; conc lab all takes only common options (run that lab on its own: conc lab ${one.id} ${flag} ...)`,
      );
    }
  }
}

/** A report for a lab whose run could not even start (runInHost itself never throws). */
function errorReport(entry: LoadedLab, common: CommonOptions, e: unknown, ms: number): Report {
  const err = toSerializedError(e);
  return {
    schema: REPORT_SCHEMA,
    lab: { id: entry.id, slug: entry.slug, title: entry.lab.title },
    options: { quick: common.quick },
    seed: common.seed,
    host: common.host ?? entry.lab.host,
    machine: machine(),
    startedAt: new Date(Date.now() - ms).toISOString(),
    durationMs: ms,
    metrics: [],
    tables: [],
    charts: [],
    checks: [],
    outputs: {},
    notes: [],
    status: 'error',
    error: err,
  };
}

function countChecks(r: Report): SuiteLab['checks'] {
  return {
    passed: r.checks.filter((c) => c.ok && !c.skipped).length,
    failed: r.checks.filter((c) => !c.ok && !c.skipped).length,
    skipped: r.checks.filter((c) => c.skipped).length,
  };
}

export async function suiteCommand(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(suiteHelp());
    return 0;
  }
  const reg = await loadRegistry();
  const cmd = addCommonFlags(newCommand('conc lab all')).option('--only <labs>').option('--skip <labs>');
  const known = new Set<string>();
  const valued = new Set<string>();
  for (const o of cmd.options) {
    if (o.long) known.add(o.long);
    if (o.long && (o.required || o.optional)) valued.add(o.long);
    if (o.negate && o.long) known.add(o.long);
  }
  refuseLabOptions(args, known, valued, reg);
  const raw = parseWith(cmd, args, 'for conc lab all', (flag) =>
    flag === '--only' || flag === '--skip' ? 'a comma-separated list of lab ids or slugs' : undefined,
  );
  const common: CommonOptions = parseCommon(raw);

  const all: Item[] = [
    ...reg.labs.map((entry): Item => ({ kind: 'lab', entry })),
    ...reg.broken.map((broken): Item => ({ kind: 'broken', broken })),
  ].sort((a, b) => (idOf(a) ?? 1e9) - (idOf(b) ?? 1e9) || slugOf(a).localeCompare(slugOf(b)));
  if (!all.length) throw new UsageError(`no labs found in ${labsDir()} (not built? run npm run build)`);
  const only = typeof raw.only === 'string' ? selectIds('--only', raw.only, all) : null;
  const skip = typeof raw.skip === 'string' ? selectIds('--skip', raw.skip, all) : null;
  const selected = all.filter((it) => (only === null || only.includes(idOf(it) ?? -1)) && !(skip ?? []).includes(idOf(it) ?? -1));
  if (!selected.length) throw new UsageError('no labs selected: --only and --skip leave nothing to run');
  if (common.host) {
    for (const it of selected) {
      if (it.kind !== 'lab') continue;
      const hosts = it.entry.lab.hosts ?? [it.entry.lab.host];
      if (!hosts.includes(common.host))
        throw new UsageError(
          `--host ${common.host} is not supported by lab ${it.entry.id} (${it.entry.slug}), which runs in ${hosts.join(' or ')}; leave --host out or --skip ${it.entry.id}`,
        );
    }
  }
  const outPath = common.out ? checkOutPath(common.out) : undefined;

  const { colorWanted, makeStyle, outputWidth } = await import('../../render/style.js');
  const { labLine, renderSuiteMarkdown, renderSuiteText } = await import('../../render/suite.js');
  const color = colorWanted({ noColor: !common.color, json: common.format === 'json' });
  const style = makeStyle(color, outputWidth());
  // Progress goes to stderr: a spinner there when it is a terminal, a plain line per lab otherwise.
  const errTty = Boolean(process.stderr.isTTY) && common.color && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
  const errStyle = makeStyle(errTty, outputWidth(process.stderr));

  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const rows: SuiteLab[] = [];
  const reports: Report[] = [];
  const signals = installSignals();
  try {
    for (const it of selected) {
      if (signals.signal.aborted) {
        // Ctrl-C stopped the suite: the labs after the interrupted one are listed, not run.
        rows.push({
          id: idOf(it),
          slug: slugOf(it),
          title: it.kind === 'lab' ? it.entry.lab.title : null,
          status: 'not-run',
          broken: it.kind === 'broken',
          checks: { passed: 0, failed: 0, skipped: 0 },
          wallMs: null,
          headline: null,
          error: null,
        });
        continue;
      }
      let row: SuiteLab;
      if (it.kind === 'broken') {
        row = {
          id: it.broken.id,
          slug: it.broken.slug,
          title: null,
          status: 'error',
          broken: true,
          checks: { passed: 0, failed: 0, skipped: 0 },
          wallMs: null,
          headline: null,
          error: { name: 'BrokenLabError', message: it.broken.problem },
        };
      } else {
        const { entry } = it;
        const spinner = await startSpinner(errTty, `lab ${entry.id} · ${entry.slug}`);
        const l0 = performance.now();
        let report: Report;
        try {
          // A default computed by the lab (e.g. from the machine) may throw: that lab errors, the suite goes on.
          const options = resolveLabOptions(entry.lab, {}, common.quick);
          report = await runInvocation({ entry, options, common }, { signal: signals.signal, onProgress: (t, f) => spinner.update(t, f) });
        } catch (e) {
          report = errorReport(entry, common, e, performance.now() - l0);
        } finally {
          spinner.stop();
        }
        reports.push(report);
        row = {
          id: entry.id,
          slug: entry.slug,
          title: entry.lab.title,
          status: report.status,
          broken: false,
          checks: countChecks(report),
          wallMs: performance.now() - l0,
          headline: report.headline ?? null,
          error: report.error ? { name: report.error.name, message: report.error.message } : null,
        };
        if (common.verbose && report.error?.stack) process.stderr.write(report.error.stack + '\n');
      }
      rows.push(row);
      process.stderr.write(labLine(row, errStyle) + '\n');
    }
  } finally {
    signals.dispose();
  }

  const ran = rows.filter((r): r is SuiteLab & { status: Status } => r.status !== 'not-run');
  const status: Status = ran.reduce<Status>((w, r) => (STATUS_RANK[r.status] > STATUS_RANK[w] ? r.status : w), 'ok');
  const counts: Suite['counts'] = { ok: 0, failed: 0, error: 0, timeout: 0, interrupted: 0, 'not-run': 0 };
  for (const r of rows) counts[r.status]++;
  const suite: Suite = {
    schema: SUITE_SCHEMA,
    status,
    startedAt,
    durationMs: performance.now() - t0,
    machine: machine(),
    settings: {
      quick: common.quick,
      repeat: common.repeat ?? null,
      warmup: common.warmup ?? null,
      seed: common.seed,
      timeoutS: common.timeoutMs === undefined ? null : common.timeoutMs / 1000,
      host: common.host ?? null,
      only,
      skip,
    },
    labs: rows,
    counts,
    reports,
  };

  const json = JSON.stringify(suite, null, 2) + '\n';
  if (common.format === 'json') process.stdout.write(json);
  else if (common.format === 'md') process.stdout.write(renderSuiteMarkdown(suite));
  else process.stdout.write(renderSuiteText(suite, style));
  if (outPath) writeAtomic(outPath, json);
  return exitCodeOf(status);
}
