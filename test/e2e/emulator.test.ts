import { conversationSuite } from '../support/conversation-suite.js';
import { directorySuite } from '../support/directory-suite.js';

conversationSuite('demo directory file', () => ({}));
directorySuite('demo directory file', () => ({}));
