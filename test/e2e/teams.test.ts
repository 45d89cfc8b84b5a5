import { teamsSuite } from '../support/teams-suite.js';

teamsSuite('demo directory file', () => ({}));
