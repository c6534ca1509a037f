// The tests `npm run mutation` judges mutants by: the unit tests of the mutated files, the verify
// verdicts and the order-rule property (the slower whole-lifecycle replays are left out to keep a run
// within an hour on 2 cores).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/lifecycle/*.test.ts',
      'test/machines/*.test.ts',
      'test/modifiers/modifier.test.ts',
      'test/modifiers/modifier.contract.test.ts',
      'test/core/operators/*.test.ts',
      'test/core/order.test.ts',
      'test/verify/verify.test.ts',
      'property-tests/order-rule.test.ts',
    ],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
