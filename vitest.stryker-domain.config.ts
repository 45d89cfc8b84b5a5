// The test run for npm run mutate:domain: the domain rules' own unit tests, nothing else.
// (Not Stryker's testFiles option: with it, StrykerJS 9.6 activates static mutants too late and
// reports them as survived — stryker-js issue #6144.)
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({ ...base, test: { ...base.test, include: ['test/domain/**/*.test.ts'] } });
