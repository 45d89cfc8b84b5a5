// The test run for npm run mutate:race: the use-case and adapter suites (test/desk, test/adapters),
// the store limits, and the fast self-service end-to-end suite. Left out: the browser and
// directory-server suites, the child-process suites, and the slow fault suites (restarts, timers).
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/desk/**/*.test.ts', 'test/adapters/**/*.test.ts', 'test/hardening/store-limits.test.ts', 'test/e2e/self-service.test.ts'],
  },
});
