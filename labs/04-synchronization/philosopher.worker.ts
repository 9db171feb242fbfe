/** One philosopher thread (philosopher.ts), taking forks by the lab's strategies. */
import { servePhilosopher } from './philosopher.js';
import { POLICIES } from './strategies.js';

servePhilosopher(POLICIES);
