import { defineConfig } from 'vitest/config';

// Tests that start labs, workers and child processes run against the compiled
// dist/ (worker entry files must be .js); `npm test` builds first (pretest).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // 2-core machines: keep lab tests from fighting each other for the cores,
    // which would make their timing checks measure the test runner instead.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
