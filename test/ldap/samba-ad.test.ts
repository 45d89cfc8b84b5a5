// The same suites against a real Samba Active Directory domain controller (port 389 is fixed, so
// this file is the only one that starts it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationSuite } from '../support/conversation-suite.js';
import { directorySuite } from '../support/directory-suite.js';
import { cardOf, cardText, startHarness } from '../support/harness.js';
import { sambaAvailable, startSambaFixture, type LdapFixture } from '../support/ldap/fixtures.js';
import { ldapSuite } from '../support/ldap/ldap-suite.js';
import type { Samba } from '../support/ldap/samba.js';
import { teamsSuite } from '../support/teams-suite.js';

describe.runIf(sambaAvailable())('Samba AD DC (throwaway domain)', () => {
  let fixture: LdapFixture;
  beforeAll(async () => {
    fixture = await startSambaFixture();
  }, 120_000);
  afterAll(async () => fixture?.stop());

  conversationSuite('Samba AD', () => fixture.env);
  directorySuite('Samba AD', () => fixture.env);
  teamsSuite('Samba AD', () => fixture.env);
  ldapSuite(() => fixture);

  describe('LDAPS', () => {
    it('works on 636 with the CA file', async () => {
      const samba = fixture.server as Samba;
      const h = await startHarness({ ...fixture.env, LDAP_URL: samba.ldapsUrl, LDAP_CA_FILE: samba.certificates.caFile });
      try {
        expect(cardText(cardOf((await h.emulator('vera').say('pin status Ken Myer')).sent[0]))).toContain('PIN status for Ken Myer');
      } finally {
        await h.stop();
      }
    });
  });
});
