/**
 * The execution models and workloads of the matrix, as data: their names,
 * what each is, the order of simplicity that breaks a tie, and why a model
 * does not apply to a workload. No measuring here.
 */

export type ModelId = 'one-thread' | 'thread-pool' | 'process-pool' | 'gpu';
export type WorkloadId = 'cpu-small' | 'cpu-large' | 'io' | 'shared-state' | 'data-parallel';

export const WORKLOADS: readonly WorkloadId[] = ['cpu-small', 'cpu-large', 'io', 'shared-state', 'data-parallel'];

/**
 * Simplest first: what a tie is resolved to. One thread: no second thread,
 * nothing to share or send. A thread pool: workers in the same process,
 * memory shareable (SharedArrayBuffer), one crash takes the process. A
 * process pool: separate memory, every argument and result serialised over
 * IPC, children to start and reap. A GPU job: a kernel language subset,
 * float32, native drivers (in conc, a child process of its own).
 */
export const SIMPLICITY: readonly ModelId[] = ['one-thread', 'thread-pool', 'process-pool', 'gpu'];

export const MODEL_LABEL: Record<ModelId, string> = {
  'one-thread': 'one thread',
  'thread-pool': 'thread pool',
  'process-pool': 'process pool',
  gpu: 'GPU job',
};

/** Shorter, for check details (a check line fits 80 columns on its own). */
export const MODEL_SHORT: Record<ModelId, string> = {
  'one-thread': '1 thread',
  'thread-pool': 'threads',
  'process-pool': 'processes',
  gpu: 'GPU',
};

/** Why the GPU job is not measured on a workload (null where it applies). */
export const GPU_NOT_APPLICABLE: Record<WorkloadId, string | null> = {
  'cpu-small': 'trial division needs exact integers past 2^24; kernels are float32',
  'cpu-large': 'trial division needs exact integers past 2^24; kernels are float32',
  io: 'a kernel cannot wait on a socket',
  'shared-state': 'a kernel writes only its own output cell: no shared updates',
  'data-parallel': null,
};

export const isModel = (x: string): x is ModelId => (SIMPLICITY as readonly string[]).includes(x);
