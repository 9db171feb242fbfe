/** The smallest child process: says hello over IPC as soon as it runs, then leaves (the fork start-up probe). */
import { clockMs, type HelloReport } from './messages.js';

const r: HelloReport = { type: 'hello', pid: process.pid, at: clockMs() };
process.send?.(r, () => process.disconnect());
