/**
 * The report: what a lab's run builds, what a host returns, what renderers
 * draw and what `compare` reads. Its JSON form is versioned (conc.report/1)
 * and described by schema/conc.report.schema.json.
 */
import { EXIT, type ExitCode, type SerializedError } from './errors.js';
import type { Machine } from '../measure/machine.js';
import type { Summary } from '../measure/stats.js';

export const REPORT_SCHEMA = 'conc.report/1';
/** The schema of a suite (`conc lab all`), core/suite.ts. */
export const SUITE_SCHEMA = 'conc.suite/1';

export type Status = 'ok' | 'failed' | 'error' | 'timeout' | 'interrupted';
export type HostKind = 'worker' | 'process';
export type Better = 'lower' | 'higher';
export type Variant = Record<string, string | number | boolean>;

export interface Metric {
  name: string;
  unit: string;
  variant: Variant;
  better: Better;
  samples: number[];
  summary: Summary;
}

/** A value with an optional range, e.g. a median with its CI, or a speedup with its range. */
export interface RangeCell {
  value: number;
  low?: number;
  high?: number;
}
export type Cell = string | number | boolean | null | RangeCell;

export interface Column {
  key: string;
  label: string;
  /** Shown in the header, e.g. "ms"; "x" formats as a ratio (1.95x), "%" as a percentage. */
  unit?: string;
  align?: 'left' | 'right';
  /** Significant digits for numbers (default 3). */
  digits?: number;
}

export interface Table {
  title: string;
  columns: Column[];
  rows: Record<string, Cell>[];
  /** Row indices to highlight (e.g. the fastest variant). */
  highlight?: number[];
  note?: string;
}

export interface LineChart {
  type: 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  series: { name: string; values: (number | null)[] }[];
}
export interface BarChart {
  type: 'bar';
  title: string;
  unit: string;
  bars: { label: string; value: number }[];
}
export interface HistogramChart {
  type: 'histogram';
  title: string;
  unit: string;
  bins: { low: number; high: number; count: number }[];
}
export interface TimelineChart {
  type: 'timeline';
  title: string;
  unit: string;
  start: number;
  end: number;
  /** state name -> one character used to draw it */
  states: Record<string, string>;
  lanes: { name: string; segments: { start: number; end: number; state: string }[] }[];
  /** Point events, drawn as a | marker on their lane (a lab lists their details in a table). */
  events?: { lane: string; at: number; label: string }[];
}
export type Chart = LineChart | BarChart | HistogramChart | TimelineChart;

export interface Check {
  name: string;
  ok: boolean;
  skipped: boolean;
  /** Why it was skipped. */
  reason?: string;
  detail?: string;
}

export interface Headline {
  label: string;
  value: number | string;
  unit?: string;
}

/** What a GPU lab ran on (lab 11): the backend asked for, the one that computed, and why the others were not used. */
export interface GpuInfo {
  requested: 'auto' | 'webgpu' | 'headlessgl' | 'webasm' | 'cpu';
  /** The backend that actually computed (read from the kernels' classes, not from gpu.mode). */
  ran: 'webgpu' | 'headlessgl' | 'webasm' | 'cpu';
  /** Adapter or renderer name (the CPU for webasm and cpu). */
  device: string;
  /** True on a software rasterizer or the CPU. */
  software: boolean;
  /** One entry per backend tried and not used. */
  skipped: { backend: 'webgpu' | 'headlessgl' | 'webasm' | 'cpu'; reason: string }[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  lab: { id: number; slug: string; title: string };
  options: Record<string, unknown>;
  seed: number;
  host: HostKind;
  machine: Machine;
  startedAt: string;
  durationMs: number;
  metrics: Metric[];
  tables: Table[];
  charts: Chart[];
  checks: Check[];
  outputs: Record<string, unknown>;
  notes: string[];
  headline?: Headline;
  gpu?: GpuInfo;
  status: Status;
  error?: SerializedError;
}

/** What a report says before anything is recorded: the lab, how it ran, where and when. */
export interface ReportHead {
  lab: { id: number; slug: string; title: string };
  options: Record<string, unknown>;
  seed: number;
  host: HostKind;
  machine: Machine;
  startedAt: string;
  durationMs: number;
}

/**
 * A report with nothing recorded: what a lab's context fills in, and what a
 * host or the suite returns for a run that recorded nothing (a timeout, a
 * crash, a lab that could not start), with its status and error.
 */
export function emptyReport(head: ReportHead, status: Status = 'ok', error?: SerializedError): Report {
  const report: Report = {
    schema: REPORT_SCHEMA,
    lab: { id: head.lab.id, slug: head.lab.slug, title: head.lab.title },
    options: head.options,
    seed: head.seed,
    host: head.host,
    machine: head.machine,
    startedAt: head.startedAt,
    durationMs: head.durationMs,
    metrics: [],
    tables: [],
    charts: [],
    checks: [],
    outputs: {},
    notes: [],
    status,
  };
  if (error) report.error = error;
  return report;
}

/** ok unless a non-skipped check failed (an error or a host verdict is set by whoever saw it). */
export function statusOf(checks: readonly Check[]): Status {
  return checks.some((c) => !c.ok && !c.skipped) ? 'failed' : 'ok';
}

/** The exit code of each status (a lab's, or a suite's: the worst of its labs'). */
export const STATUS_EXIT: Record<Status, ExitCode> = {
  ok: EXIT.ok,
  failed: EXIT.failed,
  error: EXIT.failed,
  timeout: EXIT.timeout,
  interrupted: EXIT.interrupted,
};

export function exitCodeOf(status: Status): ExitCode {
  return STATUS_EXIT[status];
}

/** Worst first: the suite's status is the worst of its labs. */
export const STATUS_RANK: Record<Status, number> = { ok: 0, failed: 1, error: 2, timeout: 3, interrupted: 4 };
