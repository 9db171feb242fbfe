/**
 * Node's documented ordering, as rules a recorded trace can be held to, and
 * the small pure pieces that summarise traces (the order most runs had, how
 * often each callback ran in its place). No I/O here: unit-tested directly.
 */
import type { Label } from './schedule.cjs';

/** Where the callbacks were scheduled from. */
export type Place = 'io' | 'microtask' | 'macrotask';

export const PLACES: readonly Place[] = ['io', 'microtask', 'macrotask'];

export const PLACE_TITLE: Record<Place, string> = {
  io: "inside an I/O callback (socket 'data', poll phase)",
  microtask: 'inside a promise reaction (a microtask, in an I/O callback)',
  macrotask: 'at the top of a macrotask (a setTimeout callback)',
};

/** `before` runs before `after` in every trace from these places. */
export interface Rule {
  before: Label;
  after: Label;
  places: readonly Place[];
}

export interface RuleGroup {
  /** The check's name. */
  name: string;
  rules: readonly Rule[];
}

const callbacks: readonly Place[] = ['io', 'macrotask'];
const all = PLACES;

/** The documented semantics, one group per check. */
export const RULES: readonly RuleGroup[] = [
  {
    name: 'callback: nextTick before promise reactions',
    rules: [
      { before: 'nextTick', after: 'promise', places: callbacks },
      { before: 'nextTick', after: 'queueMicrotask', places: callbacks },
    ],
  },
  {
    name: 'microtask: promise reactions before nextTick',
    rules: [
      { before: 'promise', after: 'nextTick', places: ['microtask'] },
      { before: 'queueMicrotask', after: 'nextTick', places: ['microtask'] },
    ],
  },
  {
    name: 'I/O callback: setImmediate before setTimeout(0)',
    rules: [{ before: 'setImmediate', after: 'setTimeout', places: ['io', 'microtask'] }],
  },
  {
    name: 'phases: microtasks, check, close, timers',
    rules: [
      { before: 'promise', after: 'queueMicrotask', places: all },
      { before: 'nextTick', after: 'setImmediate', places: all },
      { before: 'promise', after: 'setImmediate', places: all },
      { before: 'queueMicrotask', after: 'setImmediate', places: all },
      { before: 'setImmediate', after: 'close', places: all },
      { before: 'close', after: 'setTimeout', places: all },
    ],
  },
];

/** Labels whose place Node guarantees from every place traced here: all but the I/O callback (its threadpool finishes when it finishes). */
export const guaranteed = (order: readonly Label[]): Label[] => order.filter((l) => l !== 'io');

/** How each trace breaks the rules of a group: '' when none does. */
export function ruleViolations(traces: Partial<Record<Place, readonly (readonly Label[])[]>>, group: RuleGroup): string[] {
  const out: string[] = [];
  for (const r of group.rules) {
    for (const place of r.places) {
      for (const [i, t] of (traces[place] ?? []).entries()) {
        const b = t.indexOf(r.before);
        const a = t.indexOf(r.after);
        if (b < 0 || a < 0) out.push(`${place} run ${i + 1}: ${b < 0 ? r.before : r.after} never ran`);
        else if (b > a) out.push(`${place} run ${i + 1}: ${r.after} ran before ${r.before}`);
      }
    }
  }
  return out;
}

/** The order most traces had (the first seen on a tie), and how many had it. */
export function modalOrder<T>(traces: readonly (readonly T[])[]): { order: T[]; count: number } {
  const counts = new Map<string, { order: T[]; count: number }>();
  for (const t of traces) {
    const k = JSON.stringify(t);
    const c = counts.get(k);
    if (c) c.count++;
    else counts.set(k, { order: [...t], count: 1 });
  }
  let best = { order: [] as T[], count: 0 };
  for (const c of counts.values()) if (c.count > best.count) best = c;
  return best;
}

/** For each label of `order`, in how many traces it ran at that same position. */
export function samePlaceCounts(order: readonly Label[], traces: readonly (readonly Label[])[]): number[] {
  return order.map((l, i) => traces.filter((t) => t[i] === l).length);
}

/** Whether `a` ran before `b` in a trace. */
export const ranBefore = (t: readonly Label[], a: Label, b: Label): boolean => {
  const i = t.indexOf(a);
  const j = t.indexOf(b);
  return i >= 0 && j >= 0 && i < j;
};
