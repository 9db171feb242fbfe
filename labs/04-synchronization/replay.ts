/**
 * Replays the shared event log in slot order and checks it. Pure: the lab
 * reads the log out of shared memory once the philosophers have stopped.
 *
 * Why slot order is the right order: a philosopher logs TAKE after locking a
 * fork and PUT before unlocking it, EAT_START after taking both and EAT_END
 * before putting either down, and claims each slot with Atomics.add. The
 * unlock and the next lock of the same fork synchronise, so everything the
 * first philosopher logged before the unlock gets a lower slot than anything
 * the next one logs after the lock. With working forks, two neighbours' meals
 * can therefore never overlap in slot order; if they do, the forks failed.
 * (Times come from each thread's clock and only draw the timeline.)
 */
import { EV, type LogEntry } from './table.js';

export type PhilState = 'thinking' | 'hungry' | 'eating';

export interface Segment {
  start: number;
  end: number;
  state: PhilState;
}

export interface Replay {
  events: number;
  /** Two neighbours eating at once (first few described) and how often. */
  neighbourViolations: string[];
  neighbourCount: number;
  /** A fork taken while held, put down by a non-holder, or a meal without both forks. */
  forkViolations: string[];
  forkCount: number;
  /** Completed meals (EAT_START followed by EAT_END) per philosopher. */
  meals: number[];
  /**
   * Meals per philosopher when the first one finished all of its meals (or at
   * the end of the log if none did): the shares a time-limited dinner would
   * have served. At the very end every finished run has equal shares.
   */
  sharesAtFirstDone: number[];
  /** EAT_END without an open EAT_START, or a meal never ended. */
  unpaired: number;
  /** Every wait, hungry to eating, ms. */
  waits: number[];
  /** Waits that never ended in a meal (hungry until the philosopher left or the log ended), ms. */
  openWaits: number[];
  /** Fork -> holder (-1) and philosopher -> last state, after the replayed prefix. */
  holders: number[];
  states: (PhilState | 'done')[];
  segments: Segment[][];
  end: number;
}

const KEEP = 3;

export function replay(entries: readonly LogEntry[], n: number): Replay {
  const holders = new Array<number>(n).fill(-1);
  const states = new Array<PhilState | 'done'>(n).fill('thinking');
  const eating = new Array<boolean>(n).fill(false);
  const hungrySince = new Array<number>(n).fill(NaN);
  const since = new Array<number>(n).fill(NaN);
  const segments: Segment[][] = Array.from({ length: n }, () => []);
  const r: Replay = {
    events: entries.length,
    neighbourViolations: [],
    neighbourCount: 0,
    forkViolations: [],
    forkCount: 0,
    meals: new Array<number>(n).fill(0),
    sharesAtFirstDone: [],
    unpaired: 0,
    waits: [],
    openWaits: [],
    holders,
    states,
    segments,
    end: 0,
  };
  const forkBad = (what: string): void => {
    if (r.forkCount++ < KEEP) r.forkViolations.push(what);
  };
  const enter = (p: number, state: PhilState | 'done', t: number): void => {
    if (state === 'done' && !Number.isNaN(hungrySince[p] as number)) {
      r.openWaits.push(t - (hungrySince[p] as number));
      hungrySince[p] = NaN;
    }
    const from = since[p] as number;
    const prev = states[p];
    if (!Number.isNaN(from) && prev !== 'done' && prev !== undefined) segments[p]?.push({ start: from, end: t, state: prev });
    states[p] = state;
    since[p] = t;
  };
  for (const e of entries) {
    const p = e.phil;
    r.end = Math.max(r.end, e.t);
    switch (e.ev) {
      case EV.THINK:
        enter(p, 'thinking', e.t);
        break;
      case EV.HUNGRY:
        enter(p, 'hungry', e.t);
        hungrySince[p] = e.t;
        break;
      case EV.TAKE:
        if (holders[e.fork] !== -1) forkBad(`P${p} took F${e.fork} while P${holders[e.fork]} held it (slot ${e.slot})`);
        holders[e.fork] = p;
        break;
      case EV.PUT:
        if (holders[e.fork] !== p) forkBad(`P${p} put down F${e.fork}, held by ${holders[e.fork] === -1 ? 'nobody' : `P${holders[e.fork]}`} (slot ${e.slot})`);
        holders[e.fork] = -1;
        break;
      case EV.EAT_START: {
        const l = p;
        const rf = (p + 1) % n;
        if (holders[l] !== p || holders[rf] !== p) forkBad(`P${p} ate without holding F${l} and F${rf} (slot ${e.slot})`);
        for (const q of new Set([(p - 1 + n) % n, (p + 1) % n])) {
          if (q !== p && eating[q] && r.neighbourCount++ < KEEP) r.neighbourViolations.push(`P${p} began eating in P${q}'s meal (slot ${e.slot})`);
        }
        if (eating[p]) r.unpaired++;
        eating[p] = true;
        const h = hungrySince[p] as number;
        if (!Number.isNaN(h)) r.waits.push(e.t - h);
        hungrySince[p] = NaN;
        enter(p, 'eating', e.t);
        break;
      }
      case EV.EAT_END:
        if (eating[p]) r.meals[p] = (r.meals[p] as number) + 1;
        else r.unpaired++;
        eating[p] = false;
        enter(p, 'thinking', e.t);
        break;
      case EV.DONE:
        if (r.sharesAtFirstDone.length === 0) r.sharesAtFirstDone = [...r.meals];
        enter(p, 'done', e.t);
        break;
      case EV.STOPPED:
        enter(p, 'done', e.t);
        break;
    }
  }
  r.unpaired += eating.filter(Boolean).length;
  r.states = [...states];
  if (r.sharesAtFirstDone.length === 0) r.sharesAtFirstDone = [...r.meals];
  // Close the lanes of those still at the table when the log ends.
  for (let p = 0; p < n; p++) if (states[p] !== 'done') enter(p, 'done', r.end);
  return r;
}

/** Replays only the first `slots` entries (the log as it stood at a moment). */
export function replayPrefix(entries: readonly LogEntry[], n: number, slots: number): Replay {
  return replay(
    entries.filter((e) => e.slot < slots),
    n,
  );
}
