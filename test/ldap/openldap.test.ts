// The whole conversation suite, search, scoped roles and LDAP behaviour against a real slapd.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationSuite } from '../support/conversation-suite.js';
import { directorySuite } from '../support/directory-suite.js';
import { cardOf, cardText, startHarness } from '../support/harness.js';
import { openLdapAvailable, startOpenLdapFixture, type LdapFixture } from '../support/ldap/fixtures.js';
import { ldapSuite } from '../support/ldap/ldap-suite.js';
import type { Slapd } from '../support/ldap/slapd.js';
import { teamsSuite } from '../support/teams-suite.js';

describe.runIf(openLdapAvailable())('OpenLDAP (throwaway slapd)', () => {
  let fixture: LdapFixture;
  beforeAll(async () => {
    fixture = await startOpenLdapFixture();
  }, 60_000);
  afterAll(async () => fixture?.stop());

  conversationSuite('OpenLDAP', () => fixture.env);
  directorySuite('OpenLDAP', () => fixture.env);
  teamsSuite('OpenLDAP', () => fixture.env);
  ldapSuite(() => fixture);

  describe('StartTLS', () => {
    it('works with the CA file, and refuses a server it cannot verify', async () => {
      const { certificates } = fixture.server as Slapd;
      const trusted = await startHarness({ ...fixture.env, LDAP_STARTTLS: 'true', LDAP_CA_FILE: certificates.caFile });
      try {
        expect(cardText(cardOf((await trusted.emulator('vera').say('pin status Ken Myer')).sent[0]))).toContain('PIN status for Ken Myer');
      } finally {
        await trusted.stop();
      }
      const untrusted = await startHarness({ ...fixture.env, LDAP_STARTTLS: 'true' });
      try {
        const ready = await fetch(`${untrusted.app.url}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toEqual({ status: 'unavailable', reason: 'directory-tls-refused' });
      } finally {
        await untrusted.stop();
      }
    });
  });
});
