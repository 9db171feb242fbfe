/**
 * The race hunter's model: what a seeded run must end with, written apart
 * from the code the worker threads run (bank.ts's transfers generator and
 * nextTurn), so that a bug there shows as a difference from the model instead
 * of being copied into it. It shares only the input (planTransfers, the
 * constants) and the project's PRNG (src/core/rng.ts; the threads draw from
 * their own copy of it on a shared word).
 *
 * The rules, once more in plain steps. A transfer is five steps, each ending
 * at a scheduling point: (0) [fixed: take the lock, or report blocked] read
 * the balance; (1) if it covers the amount read it again, else end the
 * transfer [fixed: unlock]; (2) debit; (3) read the other account; (4) credit
 * [fixed: unlock], end. At each point the scheduler keeps the worker with
 * probability 1 - preempt (one draw), else hands the turn to another active
 * worker (a second draw picks which); a blocked or finished worker always
 * hands over, without the first draw.
 */
import { createRng } from '../../src/core/rng.js';
import { ACCOUNTS, INITIAL_BALANCE, planTransfers, type RunConfig } from './bank.js';

export interface ModelRun {
  balances: number[];
  steps: number;
  switches: number;
  applied: number;
}

export function model(seed: number, cfg: RunConfig): ModelRun {
  const acc = new Array<number>(ACCOUNTS).fill(INITIAL_BALANCE);
  const rng = createRng(createRng(seed).derive('schedule'));
  const fixed = cfg.program === 'fixed';
  let lockedBy = -1;
  const ws = Array.from({ length: cfg.workers }, (_, w) => ({ plan: planTransfers(seed, w, cfg.transfers), k: 0, pc: 0, seen: 0, got: 0 }));
  let applied = 0;

  /** Runs worker w to its next scheduling point. */
  const step = (w: number): 'ran' | 'blocked' | 'done' => {
    const s = ws[w] as (typeof ws)[number];
    const t = s.plan[s.k];
    if (!t) return 'done';
    switch (s.pc) {
      case 0:
        if (fixed) {
          if (lockedBy !== -1) return 'blocked';
          lockedBy = w;
        }
        s.seen = acc[t.from] as number;
        s.pc = 1;
        return 'ran';
      case 1:
        if (s.seen < t.amount) {
          if (fixed) lockedBy = -1;
          s.k++;
          s.pc = 0;
          return 'ran';
        }
        s.got = acc[t.from] as number;
        s.pc = 2;
        return 'ran';
      case 2:
        acc[t.from] = s.got - t.amount;
        s.pc = 3;
        return 'ran';
      case 3:
        s.got = acc[t.to] as number;
        s.pc = 4;
        return 'ran';
      default:
        acc[t.to] = s.got + t.amount;
        applied++;
        if (fixed) lockedBy = -1;
        s.k++;
        s.pc = 0;
        return 'ran';
    }
  };

  const active = new Set(ws.map((_, w) => w));
  let steps = 0;
  let switches = 0;
  for (let turn = 0; turn >= 0 && steps <= 1_000_000; ) {
    const r = step(turn);
    if (r === 'done') active.delete(turn);
    steps++;
    if (r === 'ran' && rng.next() >= cfg.preempt) continue;
    const others = [...active].filter((w) => w !== turn).sort((a, b) => a - b);
    if (others.length === 0) {
      turn = active.has(turn) ? turn : -1;
      continue;
    }
    switches++;
    turn = others[Math.floor(rng.next() * others.length)] as number;
  }
  return { balances: acc, steps, switches, applied };
}
