import { defineConfig } from 'vitest/config';

// forks (the default pool) because headless-gl cannot load in a second worker thread.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'property-tests/**/*.test.ts'],
    pool: 'forks',
    reporters: ['default', './test/reporters/summaryLine.ts'],
    testTimeout: 60_000,
  },
});
