// The test run StrykerJS mutates against (npm run mutate): every suite that runs in-process.
// Left out: the browser and directory-server suites (they need Chromium, slapd, Samba), and the
// suites that run the built dist/ in child processes (a mutant in src/ never reaches them).
import { configDefaults, defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      exclude: [...configDefaults.exclude, 'test/browser/**', 'test/ldap/**', 'test/cli.test.ts', 'test/main.test.ts', 'test/e2e/verify-processes.test.ts'],
    },
  }),
);
