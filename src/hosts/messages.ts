/**
 * Messages between the CLI's host and the lab running in a worker thread or
 * child process. Defined once here; both sides import these types.
 */
import type { HostKind, Report } from '../core/report.js';

export interface LabStart {
  type: 'start';
  /** file:// URL of the compiled lab module. */
  labUrl: string;
  options: Record<string, unknown>;
  common: { quick: boolean; repeat: number; warmup: number; seed: number };
  host: HostKind;
}

export type HostToLab = LabStart | { type: 'abort'; reason: string };

export type LabToHost =
  | { type: 'ready' }
  | { type: 'progress'; text: string; fraction?: number }
  /** A child process the lab started (or that ended), so the host can kill it if the lab is killed. */
  | { type: 'pid'; pid: number; alive: boolean }
  | { type: 'report'; report: Report };
