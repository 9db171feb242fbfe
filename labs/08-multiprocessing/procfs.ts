/**
 * What the kernel says about a process: alive, a zombie (dead, waiting for
 * its parent to reap it), or gone (kill(pid, 0) answers ESRCH); its parent and
 * session from /proc/<pid>/stat; and which processes carry a mark in their
 * environment. /proc is Linux's: elsewhere the readers return null and only
 * kill(pid, 0) is used.
 */
import { readFileSync, readdirSync } from 'node:fs';

export interface ProcStat {
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
export function parseStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  const f = text.slice(close + 2).trim().split(/\s+/);
  const [state, ppid, pgrp, session] = [f[0], Number(f[1]), Number(f[2]), Number(f[3])];
  if (!state || !Number.isInteger(ppid) || !Number.isInteger(session)) return null;
  return { state, ppid, pgrp, session };
}

export function procStat(pid: number): ProcStat | null {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

export type Liveness = 'alive' | 'zombie' | 'gone';

/** kill(pid, 0): ESRCH is gone; a zombie still answers, so /proc tells it apart. */
export function liveness(pid: number): Liveness {
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH' ? 'gone' : 'alive';
  }
  return procStat(pid)?.state === 'Z' ? 'zombie' : 'alive';
}

/** The command line of a process, '' when it cannot be read. */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** Pids of the processes whose environment holds name=value; null without /proc. */
export function findMarked(name: string, value: string): number[] | null {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return null;
  }
  const needle = `${name}=${value}\0`;
  const found: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      if (`${readFileSync(`/proc/${e}/environ`, 'latin1')}\0`.includes(needle)) found.push(Number(e));
    } catch {
      /* gone meanwhile, or not ours to read */
    }
  }
  return found;
}
