// npm run mutate:domain: the pure domain rules against their own unit tests (test/domain), which
// must kill their mutants without help from the end-to-end suites.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  mutate: ['src/domain/**/*.ts'],
  ignoreStatic: false,
  vitest: { ...base.vitest, configFile: 'vitest.stryker-domain.config.ts' },
  htmlReporter: { fileName: 'reports/mutation/domain.html' },
  jsonReporter: { fileName: 'reports/mutation/domain.json' },
};
