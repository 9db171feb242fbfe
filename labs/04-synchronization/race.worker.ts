/**
 * One racer: increments the shared counter `increments` times by the method
 * asked, after all racers met at the barrier, and reports when it started and
 * finished (racer.ts).
 */
import { METHODS, serveRacer } from './racer.js';

serveRacer(METHODS);
