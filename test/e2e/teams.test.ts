// The Teams suite on the demo directory file, on SQLite and PostgreSQL.
import { teamsSuite } from '../support/teams-suite.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

eachStoreDialect((dialect) => teamsSuite('demo directory file', () => databaseEnv(dialect)));
