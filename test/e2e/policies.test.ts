// PIN policy administration and the audit trail, in chat, end to end. On SQLite and PostgreSQL.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardOf, cardText, startHarness, type Harness } from '../support/harness.js';
import { databaseEnv, eachStoreDialect } from '../support/store.js';

let h: Harness;

const reply = async (user: string, text: string) => {
  const turn = await h.emulator(user).say(text);
  return turn.sent[0]!.activity.text ?? cardText(cardOf(turn.sent[0]));
};

/** The policies most tests lean on, made as an administrator would. */
async function createRedmondAndStrictPin(): Promise<void> {
  expect(await reply('anne', 'new pin policy site:Redmond min 6 history 3 lifetime 90 attempts 10 common-patterns no')).toContain('MinPasswordLength: 6');
  expect(await reply('anne', 'New-CsPinPolicy -Identity StrictPin -MinPasswordLength 8 -PINHistoryCount 5 -AllowCommonPatterns $false -Description "Executives"')).toContain(
    'PIN policy tag:StrictPin',
  );
}

async function auditReasons(action: string): Promise<string[]> {
  return (await h.rows('select reason from audit where action = ? order by id', action)).map((r: { reason: string }) => r.reason);
}

eachStoreDialect((dialect) => {
  // Every test starts its own server (a fresh store: only the Global policy, at its defaults) and
  // creates the policies it needs, so each runs alone, in any order.
  beforeEach(async () => {
    h = await startHarness(await databaseEnv(dialect));
  });
  afterEach(async () => h?.stop());

  describe('PIN policies in chat', () => {
    it('shows the Global policy with the Skype for Business defaults, and your own', async () => {
      const list = await reply('vera', 'pin policies');
      expect(list).toContain('Global');
      expect(list).toContain('MinPasswordLength: 5');
      expect(list).toContain('AllowCommonPatterns: False');
      expect(await reply('kmyer', 'pin policy')).toContain('PIN policy for Ken Myer: Global');
      expect(await reply('vera', 'Get-CsPinPolicy -Identity Global')).toContain('PINHistoryCount: 0');
    });

    it('creates a site policy that then governs the site, with every setting', async () => {
      const card = await reply('anne', 'new pin policy site:Redmond min 6 history 3 lifetime 90 attempts 10 common-patterns no');
      for (const line of ['MinPasswordLength: 6', 'PINHistoryCount: 3', 'PINLifetime: 90 days', 'MaximumLogonAttempts: 10', 'AllowCommonPatterns: False']) expect(card).toContain(line);
      const ken = await reply('vera', 'pin policy Ken Myer');
      expect(ken).toContain('PIN policy for Ken Myer: site:Redmond');
      expect(ken).toContain('It comes from their site.');
      expect(await reply('vera', 'pin policy Ken Meyer')).toContain('Global');
      expect(await reply('pilar', 'set pin Ken Myer 73019')).toMatch(/at least 6 digits/);
      const created = await auditReasons('new-policy');
      expect(created).toHaveLength(1);
      expect(created[0]).toContain('"MinPasswordLength":[null,6]');
    });

    it('creates, grants and revokes a per-user policy (cmdlet forms)', async () => {
      expect(await reply('anne', 'new pin policy site:Redmond min 6')).toContain('MinPasswordLength: 6');
      expect(await reply('anne', 'New-CsPinPolicy -Identity StrictPin -MinPasswordLength 8 -PINHistoryCount 5 -AllowCommonPatterns $false -Description "Executives"')).toContain(
        'PIN policy tag:StrictPin',
      );
      expect(await reply('pilar', 'Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName StrictPin')).toMatch(/Granted PIN policy \*\*StrictPin\*\* to Ken Myer.*tag:StrictPin/);
      expect(await reply('vera', 'pin policy Ken Myer')).toContain('It comes from a per-user policy granted to them.');
      expect(await reply('pilar', 'set pin Ken Myer 730194')).toMatch(/at least 8 digits/);
      expect(await reply('pilar', 'Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName $null')).toMatch(/Revoked .* Ken Myer\. Their PINs now follow \*\*site:Redmond\*\*/);
      expect(await auditReasons('revoke-policy')).toEqual(['{"PinPolicy":["StrictPin",null]}']);
      expect(await reply('pilar', 'grant pin policy StrictPin to Ken Myer')).toContain('Granted');
      expect(await reply('pilar', 'revoke pin policy from Ken Myer')).toContain('Revoked');
    });

    it('changes Global with Set-CsPinPolicy, removes a site policy, resets Global', async () => {
      await createRedmondAndStrictPin();
      expect(await reply('vera', 'pin policy Ken Myer')).toContain('site:Redmond');
      expect(await reply('anne', 'Set-CsPinPolicy -MinPasswordLength 7')).toContain('MinPasswordLength: 7');
      expect(await auditReasons('set-policy')).toEqual(['{"MinPasswordLength":[5,7]}']);
      expect(await reply('anne', 'Remove-CsPinPolicy -Identity site:Redmond')).toMatch(/Removed PIN policy \*\*site:Redmond\*\*/);
      expect(await reply('vera', 'pin policy Ken Myer')).toContain('Global');
      expect(await reply('anne', 'Remove-CsPinPolicy -Identity Global')).toContain('MinPasswordLength: 5');
    });

    it.each([
      ['new pin policy site:Dublin min 3', /MinPasswordLength must be from 4 to 24/],
      ['new pin policy site:Dublin min 25', /MinPasswordLength must be from 4 to 24/],
      ['new pin policy site:Dublin min six', /MinPasswordLength must be a whole number/],
      ['new pin policy site:Dublin history 21', /PINHistoryCount must be from 0 to 20/],
      ['new pin policy site:Dublin lifetime 1000', /PINLifetime must be from 0 to 999/],
      ['new pin policy site:Dublin lifetime 90', /PINLifetime greater than 0 requires PINHistoryCount greater than 0/],
      ['new pin policy site:Dublin attempts 0', /MaximumLogonAttempts must be from 1 to 999/],
      ['new pin policy site:Dublin common-patterns maybe', /AllowCommonPatterns must be \$true or \$false/],
      ['new pin policy site:Dublin colour blue', /"colour" is not a policy setting/],
      ['new pin policy site:Atlantis min 6', /There is no site "Atlantis"\. Sites: Dublin, Redmond/],
      ['new pin policy Global min 6', /The Global policy always exists/],
      ['New-CsPinPolicy -Identity StrictPin -MinPasswordLength 6', /already exists/],
      ['Set-CsPinPolicy -Identity Nope -MinPasswordLength 6', /There is no PIN policy tag:Nope/],
      ['Remove-CsPinPolicy -Identity site:Dublin', /There is no PIN policy site:Dublin/],
      ['grant pin policy Nope to Ken Myer', /There is no PIN policy tag:Nope/],
      ['Grant-CsPinPolicy -Identity kmyer -PolicyName site:Redmond', /Only per-user policies are granted/],
      ['new pin policy bad/name min 6', /is not a policy identity/],
      ['New-CsPinPolicy -MinPasswordLength 6', /-Identity is required/],
    ])('%s is refused: %s', async (command, message) => {
      await createRedmondAndStrictPin();
      const before = await reply('vera', 'pin policies');
      const kenBefore = await reply('vera', 'pin policy Ken Myer');
      expect(await reply('anne', command)).toMatch(message);
      expect(await reply('vera', 'pin policies')).toBe(before);
      expect(await reply('vera', 'pin policy Ken Myer')).toBe(kenBefore);
    });

    it('only CsAdministrator changes policies; granting needs CsAdministrator or CsUserAdministrator', async () => {
      await createRedmondAndStrictPin();
      const before = await reply('vera', 'pin policies');
      expect(await reply('pilar', 'new pin policy site:Dublin min 6')).toMatch(/can't change PIN policies: that needs CsAdministrator/);
      expect(await reply('chris', 'grant pin policy StrictPin to Ken Myer')).toMatch(/can't grant PIN policies/);
      expect(await reply('kmyer', 'pin policies')).toMatch(/can't view PIN status/);
      expect(await reply('vera', 'pin policies')).toBe(before);
      expect(await reply('vera', 'pin policy Ken Myer')).toContain('PIN policy for Ken Myer: site:Redmond');
    });
  });

  describe('audit in chat', () => {
    it('shows the last actions on a user, and your own', async () => {
      await h.emulator('pilar').say('lock pin Ken Meyer');
      await h.emulator('chris').say('set pin Ken Meyer');
      const onKen = await reply('pilar', 'audit Ken Meyer');
      expect(onKen).toContain('Last actions on Ken Meyer');
      expect(onKen).toMatch(/\*\*lock-pin\*\* · ok/);
      expect(onKen).toMatch(/\*\*set-pin\*\* · refused \(missing-role:pin\.set\)/);
      expect(onKen).toContain('by chris.cannon@contoso.com');
      const own = await reply('chris', 'audit');
      expect(own).toContain('Your recent actions');
      expect(own).toContain('on sip:ken.meyer@contoso.com');
      expect(await reply('chris', 'audit Ken Meyer')).toMatch(/can't see the audit/);
    });
  });
});
