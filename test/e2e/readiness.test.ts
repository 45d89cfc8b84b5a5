// /readyz answers anyone, so it says only a short reason code; what failed, and why, is in the log
// at error level (issue 12, item 13). The directory here is an LDAP server that is not there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    DIRECTORY: 'ldap',
    LDAP_URL: 'ldap://127.0.0.1:1',
    LDAP_BIND_DN: 'cn=pindesk,dc=contoso,dc=com',
    LDAP_BIND_PASSWORD: 'secret',
    LDAP_BASE_DN: 'dc=contoso,dc=com',
    LDAP_CONNECT_TIMEOUT: '1s',
  });
});
afterAll(async () => h?.stop());

describe('13. /readyz without authentication', () => {
  it('answers 503 with a reason code only, and logs the cause at error level', async () => {
    const response = await fetch(`${h.app.url}/readyz`);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ status: 'unavailable', reason: 'directory-unreachable' });
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|connect|ldap/i);
    const logged = h.logLines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'not ready');
    expect(logged.at(-1)).toMatchObject({ level: 50, reason: 'directory-unreachable' });
    expect(JSON.stringify(logged.at(-1))).toMatch(/ECONNREFUSED 127\.0\.0\.1:1/);
  });
});
