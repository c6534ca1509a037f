// @ts-check
/**
 * `npm run mutation`: StrykerJS over the lifecycle, the order rule, the modifier base and the
 * machines, judged by the tests that exercise them (stryker.vitest.config.mjs). Not run in CI (it
 * takes many minutes); results and the survivors judged equivalent are in docs/verify.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'stryker.vitest.config.mjs', related: false },
  mutate: ['src/lifecycle/lifecycle.ts', 'src/core/order.ts', 'src/modifiers/modifier.ts', 'machines/*.ts'],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency: 4,
  timeoutMS: 20000,
  reporters: ['clear-text', 'progress', 'json'],
  // One file per target when run file by file (scripts in docs/verify.md): STRYKER_REPORT names it.
  jsonReporter: { fileName: `reports/mutation/${process.env.STRYKER_REPORT ?? 'mutation'}.json` },
  incrementalFile: `reports/stryker-incremental-${process.env.STRYKER_REPORT ?? 'all'}.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
