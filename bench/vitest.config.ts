// The harness's own tests (bench/test), apart from the project's suite: npx vitest run --config bench/vitest.config.ts
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { root: 'bench', include: ['test/**/*.test.ts'], pool: 'forks', maxWorkers: 1 },
});
