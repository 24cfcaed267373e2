import { availableParallelism } from 'node:os';

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most test files wait (on Redis, child processes, a browser, loopback servers) more than they
    // compute, so one fork more than there are cores keeps the CPU busy. Vitest's default is one
    // fewer: a single fork, every file after the other, on CI's 2 cores.
    maxWorkers: availableParallelism() + 1,
  },
});
