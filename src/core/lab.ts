/**
 * The lab contract. Every labs/NN-slug/lab.ts default-exports one value made
 * by defineLab. This module is type-only at run time apart from defineLab, so
 * a lab.ts that imports it stays cheap to load (conc list imports every lab).
 */
import type { ChildProcess, ForkOptions, SpawnOptions } from 'node:child_process';
import type { Worker, WorkerOptions } from 'node:worker_threads';
import type { OptionTable, OptionValues } from './options.js';
import type { Better, Chart, Check, Column, Cell, GpuInfo, HostKind, Table, Variant } from './report.js';
import type { Machine } from '../measure/machine.js';
import type { Summary } from '../measure/stats.js';
import type { Rng } from './rng.js';
import type { Emitter } from './wait.js';

export interface SampleOptions {
  /** Untimed runs first (default: ctx.warmup). */
  warmup?: number;
  /** At least this many timed runs (default: ctx.repeat). */
  repeat?: number;
  /** Keep sampling until at least this much time has passed (default 0). */
  minTimeMs?: number;
  /** Never sample past this (default 30 s), whatever repeat says. */
  maxTimeMs?: number;
}

export interface Samples {
  /** Wall time of each run, ms. */
  wall: number[];
  /** CPU time (user + system, this process, all its threads) of each run, ms. */
  cpu: number[];
}

export interface MetricInput {
  name: string;
  unit: string;
  better: Better;
  variant?: Variant;
  samples: readonly number[];
}

export interface LabContext<V> {
  /** Resolved lab options (defaults, --quick overrides, then the user's flags). */
  readonly options: V;
  readonly quick: boolean;
  readonly repeat: number;
  readonly warmup: number;
  readonly seed: number;
  /** Seeded by --seed: the same seed gives the same sequence on every machine. */
  readonly rng: Rng;
  /** Aborted on --timeout or Ctrl-C: stop early; tracked workers/processes are killed regardless. */
  readonly signal: AbortSignal;
  readonly machine: Machine;
  readonly host: HostKind;

  /** Progress text for the spinner (fraction 0..1 when known). */
  progress(text: string, fraction?: number): void;

  /** Time fn: warm-up runs, then >= repeat samples and >= minTimeMs. */
  sample(fn: () => unknown, opts?: SampleOptions): Promise<Samples>;
  /** Record a metric with its raw samples; returns its summary. */
  metric(m: MetricInput): Summary;
  table(t: { title: string; columns: Column[]; rows: Record<string, Cell>[]; highlight?: number[]; note?: string }): Table;
  chart(c: Chart): void;
  /** Assert an invariant on measured data. */
  check(name: string, ok: boolean, detail?: string): Check;
  /** A check that cannot be shown on this machine: recorded as skipped, never as passed. */
  skip(name: string, reason: string): Check;
  /** A deterministic result that must be equal on every machine for the same seed and options. */
  output(key: string, value: unknown): void;
  note(text: string): void;
  /** The lab's one headline figure, shown in the `conc lab all` summary. */
  headline(label: string, value: number | string, unit?: string): void;
  /** What a GPU lab ran on (the report's `gpu`); a later call replaces an earlier one. */
  gpu(info: GpuInfo): void;

  /** Start a worker thread that is terminated when the lab ends, throws or is cancelled. */
  worker(file: URL, opts?: WorkerOptions): Worker;
  /** Fork a Node child process (own process group, IPC) that is killed when the lab ends. */
  fork(file: URL, args?: readonly string[], opts?: ForkOptions): ChildProcess;
  /** Spawn any command (own process group) that is killed when the lab ends. */
  spawn(command: string, args?: readonly string[], opts?: SpawnOptions): ChildProcess;
  /**
   * Run fn at cleanup: close a server, remove a temp dir, and above all tear
   * down anything with threads or processes of its own that conc did not start
   * (`ctx.defer(() => pool.destroy())` for a piscina pool). Deferred functions
   * run in reverse order when run() settles, and at once on --timeout or
   * Ctrl-C, before the lab's thread or process is killed.
   */
  defer(fn: () => unknown): void;

  // Bounded waits, bound to ctx.signal: each rejects when its time runs out,
  // and with the signal's reason on --timeout or Ctrl-C.
  /** The next message from a worker or child that satisfies pred; rejects first if it errors or exits. */
  nextMessage<T = unknown>(src: Emitter, ms: number, what: string, pred?: (m: unknown) => boolean): Promise<T>;
  /** The exit code (or signal name) of a worker or child, within ms. */
  waitForExit(src: Emitter, ms: number, what: string): Promise<number | string>;
  /** p, or a WaitTimeoutError naming `what` after ms. */
  withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T>;
  sleep(ms: number): Promise<void>;
}

/**
 * What a context needs from its host to start and clean up workers and
 * processes: implemented by the hosts' Tracker, owned here so that core does
 * not depend on hosts.
 */
export interface LabResources {
  worker(file: URL, opts?: WorkerOptions): Worker;
  fork(file: URL, args?: readonly string[], opts?: ForkOptions): ChildProcess;
  spawn(command: string, args?: readonly string[], opts?: SpawnOptions): ChildProcess;
  defer(fn: () => unknown): void;
  /** Stop everything started and run the deferred functions; bounded, never throws; safe to call twice. */
  cleanup(): Promise<void>;
}

export interface LabDefinition<O extends OptionTable = OptionTable> {
  id: number;
  slug: string;
  title: string;
  /** One line for `conc list`. */
  summary: string;
  /** The chapter's idea in two or three sentences. */
  chapter: string;
  /** Where run() executes by default, and the hosts --host may choose. */
  host: HostKind;
  hosts?: readonly HostKind[];
  options: O;
  /** Overrides that --quick applies to the lab's options. */
  quick?: Partial<OptionValues<O>>;
  /** --repeat / --warmup defaults, full and --quick. */
  repeat?: { default: number; quick: number };
  warmup?: { default: number; quick: number };
  /** Default --timeout in seconds (120 if not given). */
  timeout?: number;
  run(ctx: LabContext<OptionValues<O>>): Promise<void>;
}

export type AnyLab = LabDefinition<OptionTable>;

/** Identity at run time; gives the lab's run() typed options. */
export function defineLab<const O extends OptionTable>(def: LabDefinition<O>): LabDefinition<O> {
  return def;
}
