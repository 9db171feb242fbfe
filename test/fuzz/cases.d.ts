/** Types of fuzz/cases.js, for the tests (test/cli/fuzz.test.ts). */
export const ROOT: string;
export const LIMIT_MS: number;
export const BUSY_CORES: number;
export const KINDS: string[];

export interface FuzzFile {
  name: string;
  content?: string | Uint8Array;
  fifo?: boolean;
}

export interface FuzzCase {
  id: number;
  seed: number;
  kind: string;
  args: string[];
  files: FuzzFile[];
}

export interface FuzzResult extends Omit<FuzzCase, 'files'> {
  files: string[];
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  killed: boolean;
  ms: number;
  /** CPU time of the case's process (exact when it ran alone, as re-runs do); null without /proc. */
  cpuMs: number | null;
  /** Cores' worth of others' load while it ran (see cpuMs); null without /proc. */
  othersCores: number | null;
  attempts: number;
  /** Failed only its time limit, with others' load of at least BUSY_CORES and its own CPU within the limit. */
  slowUnderLoad: boolean;
  problems: string[];
}

export interface FuzzFigures {
  cases: number;
  failures: number;
  retried: number;
  slowUnderLoad: number;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  byKind: Record<string, number>;
}

export type FuzzContext = object;

export function random(seed: number): { next(): number; int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean };
export function loadContext(dir: string): Promise<FuzzContext>;
export function generate(ctx: FuzzContext, seed: number, count: number): FuzzCase[];
export function problems(res: { killed: boolean; code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }): string[];
export interface RunOptions {
  /** Where hostile files are written (a temporary directory). */
  dir: string;
  jobs?: number;
  retries?: number;
  /** The CLI to run (default: this repository's bin/conc.js). */
  bin?: string;
  onResult?: (r: FuzzResult) => void;
}
export function runCase(c: FuzzCase, o: RunOptions): Promise<FuzzResult>;
export function runCases(cases: FuzzCase[], o: RunOptions): Promise<FuzzResult[]>;
export function figures(results: FuzzResult[]): FuzzFigures;
export function describeFailure(r: FuzzResult): string;
export function badValue(r: ReturnType<typeof random>, spec: object, accepts?: (spec: object, v: string) => boolean): string;
