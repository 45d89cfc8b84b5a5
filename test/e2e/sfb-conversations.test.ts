// The whole conversation suite with PIN_AUTHORITY=sfb, SFB_TRANSPORT=local: the real server, real
// pwsh running sfb/pindesk-worker.ps1 against the fake SkypeForBusiness module (whose state file is
// the server: PINs, history, pools, policies, grants). Same assertions as the built-in authority,
// branching only where the issue says the behaviour differs (history on the server; no verify API).
import { describe } from 'vitest';
import { conversationSuite } from '../support/conversation-suite.js';
import { pwshAvailable } from '../support/sfb/pwsh.js';
import { sfbWorld } from '../support/sfb/sfb-world.js';

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb', () => {
  conversationSuite('demo directory file', () => ({}), sfbWorld());
});
