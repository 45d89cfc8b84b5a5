import { afterAll, describe } from 'vitest';
import { conversationSuite } from '../support/conversation-suite.js';
import { directorySuite } from '../support/directory-suite.js';
import { postgresAvailable } from '../support/postgres.js';
import { databaseEnv, stopPostgresCluster } from '../support/store.js';

conversationSuite('demo directory file', () => ({}));
directorySuite('demo directory file', () => ({}));

// The same conversations with the store on PostgreSQL (skipped loudly without its binaries).
describe.runIf(postgresAvailable())('on PostgreSQL', () => {
  afterAll(stopPostgresCluster);
  conversationSuite('demo directory file, PostgreSQL', () => databaseEnv('postgres'));
});
