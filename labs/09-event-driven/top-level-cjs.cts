/**
 * A CommonJS main module (compiled to top-level-cjs.cjs): schedules the
 * callbacks at its own top level and reports the order they ran in.
 * Run by hand: node dist/labs/09-event-driven/top-level-cjs.cjs
 */
import { reportTopLevel } from './schedule.cjs';

reportTopLevel(typeof module === 'object' && typeof require === 'function' ? 'commonjs' : 'module');
