// Issue 12, items 8 and 9, with credentials configured so the CloudAdapter really checks tokens:
// the token metadata (OpenID configuration and signing keys) comes from a local fake, so nothing
// but loopback is contacted. Forged tokens are a 401 without the library's text, unreachable
// metadata a 503 with a short reason, both logged at warn without the token; activities from a
// tenant not in ALLOWED_TENANTS are a 403 before any roster or directory look-up, and audited
// (actor: the sender's id) at a bounded rate. On SQLite and PostgreSQL.
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenId } from '../support/fake-openid.js';
import { startHarness, type Harness } from '../support/harness.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

const APP_ID = '6c0b2c3e-4f0a-4e7b-9a53-0d6e1f2a3b4c';
const TENANT = '9f3c2c57-3c5e-4a53-9c1f-1c2d3e4f5a6b';
const OTHER_TENANT = '0a1b2c3d-0000-4000-8000-000000000bad';
const key = Buffer.alloc(32, 7).toString('base64');
const production = {
  MICROSOFT_APP_ID: APP_ID,
  MICROSOFT_APP_PASSWORD: 'not-a-real-secret',
  PIN_HASH_KEY: key,
  PIN_SEAL_KEY: key,
  ALLOW_DEMO_DIRECTORY: 'true',
  ALLOWED_TENANTS: TENANT,
  HOST: '127.0.0.1',
};

function teamsActivity(h: Harness, tenantId: string | undefined, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: `in-${Math.random()}`,
    text: 'pin status Ken Myer',
    channelId: 'msteams',
    serviceUrl: h.connector.url,
    from: { id: '29:attacker', name: 'Mallory', aadObjectId: '00000000-0000-0000-0000-00000000dead' },
    recipient: { id: `28:${APP_ID}`, name: 'PinDesk' },
    conversation: { id: 'a:personal-mallory', conversationType: 'personal', ...(tenantId ? { tenantId } : {}) },
    channelData: tenantId ? { tenant: { id: tenantId } } : {},
    ...extra,
  };
}

async function postWith(h: Harness, activity: Record<string, unknown>, authorization?: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${h.app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: JSON.stringify(activity),
  });
  return { status: response.status, text: await response.text() };
}

function auditRows(h: Harness, action: string): Promise<Array<{ actor: string; target: string; outcome: string; reason: string }>> {
  return h.rows('select actor, target, outcome, reason from audit where action = ? order by id', action);
}

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

eachStoreDialect((dialect) => {
  describe('item 9: tokens, with credentials', () => {
    let openid: FakeOpenId;
    let h: Harness;
    beforeAll(async () => {
      openid = await new FakeOpenId().start();
      h = await startHarness({ ...production, ...(await databaseEnv(dialect)) }, { tokenMetadata: { channelOpenIdMetadataUrl: openid.metadataUrl, emulatorOpenIdMetadataUrl: openid.metadataUrl } });
    });
    afterAll(async () => {
      await h?.stop();
      await openid?.stop();
    });

    it('forged tokens (attacker key, alg none, HS256, garbage, none at all) are a 401 with no library text, logged at warn without the token', async () => {
      const serviceUrl = h.connector.url;
      const attacker = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const publicPem = openid.keys.publicKey.export({ format: 'pem', type: 'spki' });
      const forged = {
        'attacker key': openid.channelToken(APP_ID, serviceUrl, { key: attacker }),
        'alg none': openid.channelToken(APP_ID, serviceUrl, { alg: 'none' }),
        'HS256 keyed with the public key': openid.channelToken(APP_ID, serviceUrl, { alg: 'HS256', secret: publicPem }),
        'another bot': openid.channelToken('11111111-2222-3333-4444-555555555555', serviceUrl),
        expired: openid.channelToken(APP_ID, serviceUrl, { expiresIn: -3600 }),
        garbage: 'eyJhbGciOiJSUzI1NiJ9.not-a-token.at-all',
      };
      const logsBefore = h.logLines.length;
      for (const [what, token] of Object.entries(forged)) {
        const answer = await postWith(h, teamsActivity(h, TENANT), `Bearer ${token}`);
        expect({ what, ...answer }).toEqual({ what, status: 401, text: '{"error":"Unauthorized."}' });
      }
      expect(await postWith(h, teamsActivity(h, TENANT))).toEqual({ status: 401, text: '{"error":"Unauthorized."}' });
      expect(h.connector.requests).toEqual([]);
      const logged = h.logLines.slice(logsBefore).map((line) => JSON.parse(line));
      const refusals = logged.filter((l) => l.refusal === 'bad-token');
      expect(refusals.length).toBeGreaterThanOrEqual(Object.keys(forged).length);
      expect(refusals.every((l) => l.level === 40 && l.msg === 'token refused')).toBe(true);
      const text = h.logLines.slice(logsBefore).join('\n');
      for (const token of Object.values(forged)) {
        expect(text).not.toContain(token);
        expect(text).not.toContain(token.split('.')[2] || token);
      }
    });

    it('a genuine token passes the token check (here the tenant check then refuses it)', async () => {
      // From another tenant, so the turn never runs: its calls out would need Microsoft's login service.
      const refusedBefore = h.logLines.filter((l) => l.includes('"refusal":"bad-token"')).length;
      const answer = await postWith(h, teamsActivity(h, OTHER_TENANT), `Bearer ${openid.channelToken(APP_ID, h.connector.url)}`);
      expect(answer.status).toBe(403);
      expect(h.logLines.filter((l) => l.includes('"refusal":"bad-token"')).length).toBe(refusedBefore);
    });
  });

  describe('item 9: token metadata that cannot be fetched', () => {
    let h: Harness;
    beforeAll(async () => {
      const url = `http://127.0.0.1:${await closedPort()}/.well-known/openidconfiguration`;
      h = await startHarness({ ...production, ...(await databaseEnv(dialect)) }, { tokenMetadata: { channelOpenIdMetadataUrl: url, emulatorOpenIdMetadataUrl: url } });
    });
    afterAll(async () => h?.stop());

    it('is a 503 with a short reason (no library text), logged at warn', async () => {
      const openid = new FakeOpenId();
      const token = openid.channelToken(APP_ID, h.connector.url);
      const answer = await postWith(h, teamsActivity(h, TENANT), `Bearer ${token}`);
      expect(answer).toEqual({ status: 503, text: '{"error":"Cannot check the request\'s token right now (the token signing keys cannot be fetched)."}' });
      const warned = h.logLines.map((line) => JSON.parse(line)).filter((l) => l.refusal === 'token-metadata');
      expect(warned).toHaveLength(1);
      expect(warned[0]).toMatchObject({ level: 40, msg: 'cannot check tokens: metadata unreachable' });
      expect(h.logLines.join('\n')).not.toContain(token);
    });
  });

  describe('item 8: ALLOWED_TENANTS, with credentials', () => {
    let openid: FakeOpenId;
    let h: Harness;
    beforeAll(async () => {
      openid = await new FakeOpenId().start();
      h = await startHarness({ ...production, ...(await databaseEnv(dialect)) }, { tokenMetadata: { channelOpenIdMetadataUrl: openid.metadataUrl, emulatorOpenIdMetadataUrl: openid.metadataUrl } });
    });
    afterAll(async () => {
      await h?.stop();
      await openid?.stop();
    });

    it('another tenant, or a Teams activity naming none, is a 403 before any roster or directory look-up, audited with the sender id at a bounded rate', async () => {
      const token = () => `Bearer ${openid.channelToken(APP_ID, h.connector.url)}`;
      expect((await postWith(h, teamsActivity(h, OTHER_TENANT), token())).status).toBe(403);
      expect((await postWith(h, teamsActivity(h, undefined), token())).status).toBe(403);
      // A tenant id in one place and another in the other: every one named must be allowed.
      expect((await postWith(h, teamsActivity(h, TENANT, { channelData: { tenant: { id: OTHER_TENANT } } }), token())).status).toBe(403);
      expect(h.connector.requests).toEqual([]);
      const rows = await auditRows(h, 'tenant-refused');
      expect(rows[0]).toEqual({ actor: '29:attacker', target: `tenant:${OTHER_TENANT}`, outcome: 'refused', reason: 'tenant-not-allowed' });
      expect(rows).toHaveLength(3);

      // A flood: every request refused, at most 30 records a minute, the rest counted in one summary.
      const answers = await Promise.all(Array.from({ length: 60 }, async () => (await postWith(h, teamsActivity(h, OTHER_TENANT), token())).status));
      expect(new Set(answers)).toEqual(new Set([403]));
      expect(await auditRows(h, 'tenant-refused')).toHaveLength(30);
      await h.app.sweep();
      expect(await auditRows(h, 'audit-suppressed')).toEqual([{ actor: 'pindesk', target: 'tenant-refused', outcome: 'refused', reason: '33 tenant-refused records over the budget of 30 per 1 min' }]);
      h.clock.advance(60_000);
      expect((await postWith(h, teamsActivity(h, OTHER_TENANT), token())).status).toBe(403);
      expect(await auditRows(h, 'tenant-refused')).toHaveLength(31);
      expect(h.connector.requests).toEqual([]);
    });
  });

  describe('item 8: ALLOWED_TENANTS in local development', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ ALLOWED_TENANTS: TENANT, ...(await databaseEnv(dialect)) });
    });
    afterAll(async () => h?.stop());

    it('is honoured too: the listed tenant is served, another refused before the roster is asked', async () => {
      h.connector.roster.set('29:pilar', { id: '29:pilar', name: 'Pilar Ackerman', userPrincipalName: 'pilar.ackerman@contoso.com', email: 'pilar.ackerman@contoso.com' });
      const pilar = (tenantId: string) => teamsActivity(h, tenantId, { text: 'whoami', from: { id: '29:pilar', name: 'Pilar Ackerman' } });
      const refused = await postWith(h, pilar(OTHER_TENANT));
      expect(refused).toEqual({ status: 403, text: '{"error":"This tenant is not allowed to use PinDesk."}' });
      expect(h.connector.requests).toEqual([]);
      expect(await auditRows(h, 'tenant-refused')).toEqual([{ actor: '29:pilar', target: `tenant:${OTHER_TENANT}`, outcome: 'refused', reason: 'tenant-not-allowed' }]);
      const served = await postWith(h, pilar(TENANT.toUpperCase()));
      expect(served.status).toBe(200);
      expect(h.connector.activities.at(-1)!.activity.text).toContain('You are **Pilar Ackerman**');
    });
  });
});
