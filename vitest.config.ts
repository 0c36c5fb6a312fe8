import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // the 2-core machines CI runs on have been seen 4x slower from one day to the next (a shared
    // host): the heaviest tests (summary folds, the browser) take 40-60 s there under load
    testTimeout: 150_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
