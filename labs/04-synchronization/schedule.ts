/** The schedule a seed plans, computed as the philosophers draw it (philosopher.ts). */
import { createRng } from '../../src/core/rng.js';

export interface Plan {
  n: number;
  meals: number;
  think: [number, number];
  eat: [number, number];
  reach: [number, number];
}

/** Total think + eat + reach time the seed planned for all philosophers, ms. */
export function plannedMs(derive: (label: number) => number, p: Plan): number {
  let total = 0;
  for (let i = 0; i < p.n; i++) {
    const rng = createRng(derive(i));
    for (let m = 0; m < p.meals; m++) {
      total += rng.float(p.think[0], p.think[1]) + rng.float(p.eat[0], p.eat[1]) + rng.float(p.reach[0], p.reach[1]);
    }
  }
  return Math.round(total * 1000) / 1000;
}
