/**
 * For the lab 7, 8 and 12 tests: find every process a CLI run started, by a mark
 * in its environment (children inherit the CLI's environment, including a
 * daemon that is nobody's child any more), and check that none is left.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { isRunning, runCli, type CliResult } from '../helpers/run-lab.js';

export const MARK = 'CONC_TEST_MARK';
export const newMark = (): string => randomUUID();

/** Pids whose environment carries MARK=mark (Linux /proc); [] where there is no /proc. */
export function marked(mark: string): number[] {
  const needle = `${MARK}=${mark}\0`;
  const out: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (`${readFileSync(`/proc/${e}/environ`, 'latin1')}\0`.includes(needle)) out.push(Number(e));
    } catch {
      /* gone, or not ours */
    }
  }
  return out;
}

/** The command line of a pid ('' when gone). */
export function cmdOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Polls the marked processes while a run goes on: everything seen, with its command line. */
export function watch(mark: string, everyMs = 25): { seen: Map<number, string>; stop(): void } {
  const seen = new Map<number, string>();
  const look = (): void => {
    // Read the command line again while the process lives: one seen between its fork and its
    // exec still shows its parent's (a GPU child first looks like `conc lab 12`).
    for (const p of marked(mark)) {
      const cmd = cmdOf(p);
      if (cmd || !seen.has(p)) seen.set(p, cmd);
    }
  };
  look();
  const timer = setInterval(look, everyMs);
  return { seen, stop: () => clearInterval(timer) };
}

/** Wait until pred holds (polling), up to ms; returns whether it did. */
export async function until(pred: () => boolean, ms: number): Promise<boolean> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return pred();
}

/** The pids among these still running (zombies count as gone), after up to ms for stragglers. */
export async function survivors(pids: Iterable<number>, ms = 2000): Promise<number[]> {
  const all = [...pids];
  await until(() => all.every((p) => !isRunning(p)), ms);
  return all.filter(isRunning);
}

export interface MarkedRun {
  r: CliResult;
  /** Every marked process seen while it ran, with its command line. */
  seen: Map<number, string>;
  /** For interrupted runs: whether the process the interrupt waited for was seen. */
  found: boolean;
}

/**
 * Run `conc ...args` with a fresh mark and watch every process it starts. With
 * `interruptWhen`, send the CLI SIGINT as soon as a marked process whose command
 * line holds that text is seen (up to 90 s; `found` says whether it was).
 */
export async function runMarked(args: string[], o: { env?: Record<string, string>; interruptWhen?: string } = {}): Promise<MarkedRun> {
  const mark = newMark();
  const w = watch(mark);
  let cli = 0;
  const run = runCli(args, { env: { [MARK]: mark, ...o.env }, onSpawn: (p) => (cli = p), timeoutMs: 110_000 });
  let found = false;
  if (o.interruptWhen !== undefined) {
    const text = o.interruptWhen;
    found = await until(() => [...w.seen.values()].some((c) => c.includes(text)), 90_000);
    if (found) process.kill(cli, 'SIGINT');
  }
  const r = await run;
  w.stop();
  if (o.interruptWhen !== undefined && !found)
    throw new Error(`no process running ${o.interruptWhen} was seen (${[...w.seen.values()].join('; ')}); the run ended ${r.code}: ${r.stderr.slice(-400)}`);
  return { r, seen: w.seen, found };
}
