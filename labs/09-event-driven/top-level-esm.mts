/**
 * An ES module main module (compiled to top-level-esm.mjs): schedules the
 * callbacks at its own top level and reports the order they ran in.
 * Run by hand: node dist/labs/09-event-driven/top-level-esm.mjs
 */
import { reportTopLevel } from './schedule.cjs';

// import.meta exists only in an ES module; `module` and `require` do not.
reportTopLevel(typeof import.meta.url === 'string' && typeof require === 'undefined' ? 'module' : 'commonjs');
