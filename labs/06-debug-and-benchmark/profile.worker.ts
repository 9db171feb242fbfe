/** The profiled worker (profiler.ts), doing its work 6 : 3 : 1. */
import { WORK, serveProfiler } from './profiler.js';

serveProfiler(WORK);
