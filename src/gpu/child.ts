/**
 * Entry point of the GPU child process (started by src/gpu/job.ts with
 * ctx.fork): gpu.js, Dawn and headless GL load here and nowhere else.
 */
import { serveGpuChild } from './serve.js';

serveGpuChild();
