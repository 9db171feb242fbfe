/**
 * The dining checks, each over every dinner that ran (as set and stressed),
 * from the replayed event log and the shared counters. Details stay short:
 * the first failure, else a count.
 */
import type { LabContext } from '../../src/core/lab.js';
import { fmtNum } from '../../src/render/format.js';
import type { DinnerConfig } from './dining.js';
import { replayPrefix } from './replay.js';
import { label, type Shown } from './show-dining.js';

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const ms = (v: number): string => `${fmtNum(v < 10 ? v : Math.round(v), 2)} ms`;
const fmt = (v: number): string => v.toLocaleString('en-US');

/** The first failing dinner's story, or the summary when none fails. */
function firstBad(shown: Shown[], bad: (s: Shown) => string | null, ok: string): string {
  for (const s of shown) {
    const why = bad(s);
    if (why) return `${label(s.dinner)}: ${why}`;
  }
  return ok;
}

export function checkDining(ctx: LabContext<unknown>, shown: Shown[], cfg: DinnerConfig): void {
  const { n, meals } = cfg;
  const events = sum(shown.map((s) => s.log.events));

  const overlap = (s: Shown): string | null =>
    s.dinner.overflow ? `log overflowed by ${s.dinner.overflow}` : s.log.neighbourCount ? (s.log.neighbourViolations[0] ?? 'overlap') : s.log.events === 0 ? 'empty log' : null;
  ctx.check(
    'no two neighbours ever eat at once',
    shown.every((s) => !overlap(s)),
    firstBad(shown, overlap, `${shown.length} dinners, ${fmt(events)} events, 0 overlaps`),
  );

  const forks = (s: Shown): string | null => (s.log.forkCount ? (s.log.forkViolations[0] ?? 'fork fault') : null);
  ctx.check('no fork in two hands, no meal without both', shown.every((s) => !forks(s)), firstBad(shown, forks, `${shown.length} dinners, 0 faults`));

  const accounted = (s: Shown): string | null => {
    const d = s.dinner;
    const counted = sum(d.meals);
    const pairs = sum(s.log.meals);
    const replied = sum(d.replies.map((r) => r.meals));
    const finished = d.replies.length === n && d.replies.every((r) => r.completed);
    if (s.log.unpaired) return `${s.log.unpaired} unpaired eat-start/end`;
    if (pairs !== counted || replied !== counted) return `${pairs} in the log, ${counted} counted, ${replied} reported`;
    if (finished && counted !== n * meals) return `finished with ${counted} of ${n * meals} meals`;
    return null;
  };
  const eaten = sum(shown.map((s) => sum(s.dinner.meals)));
  ctx.check('every meal is accounted for', shown.every((s) => !accounted(s)), firstBad(shown, accounted, `${fmt(eaten)} meals: log = counters = replies`));

  const free = shown.filter((s) => s.dinner.strategy !== 'naive');
  if (free.length) {
    const stuck = (s: Shown): string | null => {
      const d = s.dinner;
      if (d.deadlock) return 'deadlocked';
      if (d.unfinished) return 'did not finish';
      if (!d.replies.every((r) => r.completed) || sum(d.meals) !== n * meals) return `${sum(d.meals)} of ${n * meals} meals`;
      return null;
    };
    ctx.check(
      'deadlock-free strategies finish, also stressed',
      free.every((s) => !stuck(s)),
      firstBad(free, stuck, `${free.length} dinners × ${fmt(n * meals)} meals`),
    );
  }

  for (const s of shown.filter((x) => x.dinner.strategy === 'naive')) {
    const d = s.dinner;
    const finished = d.replies.length === n && d.replies.every((r) => r.completed);
    const caught = d.deadlock ? `cycle of ${d.deadlock.cycle.length} caught at ${ms(d.deadlock.detectedMs)}` : null;
    if (d.stressed) {
      // Forced: all N hold their left fork, so the cycle is all N, every run.
      ctx.check(
        'naive deadlocks under stress and is caught',
        d.deadlock?.cycle.length === n,
        caught ?? (finished ? 'finished: the stress forced nothing' : (d.unfinished ?? 'not caught')),
      );
    } else {
      ctx.check('naive as set finishes or its deadlock is caught', finished || Boolean(d.deadlock), caught ?? (finished ? 'finished' : (d.unfinished ?? 'neither')));
    }
  }

  const locked = shown.filter((s) => s.dinner.deadlock);
  if (locked.length) {
    // The log as it stood at the verdict must tell the same story as the snapshot.
    const unconfirmed = (s: Shown): string | null => {
      const dl = s.dinner.deadlock;
      if (!dl) return null;
      const then = replayPrefix(s.dinner.entries, n, dl.cursor);
      const bad = dl.cycle.find((e) => then.states[e.phil] !== 'hungry' || !e.holds.every((f) => then.holders[f] === e.phil) || then.holders[e.waitsFor] !== e.heldBy);
      if (dl.cycle.length < 2) return `a cycle of ${dl.cycle.length}`;
      return bad ? `the log disagrees at P${bad.phil} (waits for F${bad.waitsFor})` : null;
    };
    ctx.check(
      'each deadlock matches the event log',
      locked.every((s) => !unconfirmed(s)),
      firstBad(locked, unconfirmed, `${locked.length} of ${locked.length}: all hungry, forks as seen`),
    );
    const unclean = (s: Shown): string | null => {
      const d = s.dinner;
      if (d.terminated) return `${d.terminated} terminated`;
      if (d.replies.length !== n) return `${d.replies.length} of ${n} left`;
      const held = s.log.holders.flatMap((h, f) => (h === -1 ? [] : [`F${f}`]));
      return held.length ? `${held.join(',')} still held` : null;
    };
    const slowest = Math.max(...locked.map((s) => s.dinner.stopMs ?? 0));
    ctx.check(
      'deadlocks ended by the stop flag, none killed',
      locked.every((s) => !unclean(s)),
      firstBad(locked, unclean, `${locked.length === 1 ? 'the table' : `${locked.length} tables`} empty in ≤ ${ms(slowest)}`),
    );
  }

  const waiters = shown.filter((x) => x.dinner.strategy === 'waiter');
  if (waiters.length) {
    ctx.check(
      `the waiter never seats more than N-1 = ${n - 1}`,
      waiters.every((s) => s.dinner.maxSeated <= n - 1 && s.dinner.maxSeated >= 1),
      `at most ${waiters.map((s) => s.dinner.maxSeated).join(' and ')} seated`,
    );
  }
}
