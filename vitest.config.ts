import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Server logs go to one file per test process; after the run they are grepped for credentials.
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-log.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
