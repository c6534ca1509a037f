// The tests `npm run mutation` judges mutants by: those of the mutated files (stryker.config.mjs).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/lifecycle/*.test.ts',
      'test/machines/*.test.ts',
      'test/modifiers/modifier.test.ts',
      'test/core/operators/*.test.ts',
      'test/verify/model.test.ts',
      'test/verify/verify.test.ts',
      'property-tests/lifecycle-model.test.ts',
      'property-tests/order-rule.test.ts',
    ],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
