// Mutation testing (npm run mutate; npm run mutate:domain for the domain rules alone). Too slow
// for CI: run it by hand after changing the rules, the store or the use cases, and read
// reports/mutation/. Sized for two cores: two runners, and only the tests that cover a mutant.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts', related: true },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // The domain rules, and the code that guards races: the store, the built-in authority, the use cases.
  mutate: ['src/domain/**/*.ts', 'src/adapters/sql/**/*.ts', 'src/adapters/builtin-authority.ts', 'src/desk/**/*.ts'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // A static mutant (module-level code) runs every related suite, end-to-end ones included: far too
  // slow here. The domain run (stryker.domain.config.mjs) keeps them, against the unit tests.
  ignoreStatic: true,
  timeoutMS: 10_000,
  thresholds: { high: 85, low: 70, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
