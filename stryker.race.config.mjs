// npm run mutate:race: the race-critical store and use-case code (the request decision and expiry,
// PIN issuing, continuations, the PIN-card outbox, their SQL repositories, the built-in authority's
// verify and setPin) against the desk and adapter suites plus the fast self-service end-to-end suite.
import base from './stryker.config.mjs';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  ...base,
  mutate: [
    'src/desk/requests/decide-request.ts',
    'src/desk/requests/request-expiry.ts',
    'src/desk/shared/pin-issuer.ts',
    'src/desk/shared/continuations.ts',
    'src/desk/deliveries/pin-card-outbox.ts',
    'src/adapters/sql/repositories/request-repository.ts',
    'src/adapters/sql/repositories/continuation-repository.ts',
    'src/adapters/sql/repositories/delivery-repository.ts',
    'src/adapters/sql/repositories/rate-limit-repository.ts',
    'src/adapters/builtin-authority.ts',
  ],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency: 2,
  // SQLite-backed suites on two shared cores: give a slow mutant room before calling it a timeout.
  timeoutMS: 20_000,
  vitest: { ...base.vitest, configFile: 'vitest.stryker-race.config.ts' },
  htmlReporter: { fileName: 'reports/mutation/race.html' },
  jsonReporter: { fileName: 'reports/mutation/race.json' },
};
