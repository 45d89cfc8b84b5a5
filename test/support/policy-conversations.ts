// Part of the conversation suite (conversation-suite.ts): PIN policies in chat, and the verify
// API, in whatever world the PINs and policies live in. The policy commands change the
// authority's own policies (PinDesk's store, or the server through New/Set/Grant/Remove-CsPinPolicy).
import { describe, expect, it } from 'vitest';
import { VERIFY_NOT_APPLICABLE } from '../../src/http/openapi.js';
import { action, cardOf, cardText, sentText, type Harness } from './harness.js';
import type { ConversationWorld } from './worlds/conversation-world.js';

const pinOnCard = (card: any): string | undefined =>
  card.body.filter((b: any) => b.type === 'TextBlock' && b.fontType === 'Monospace' && b.size === 'ExtraLarge')[0]?.text;

export function policyConversations(harness: () => Harness, world: ConversationWorld, verifyKey: string): void {
  describe('PIN policies, where the authority keeps them', () => {
    it('creates, changes, grants, revokes and removes a per-user policy; the authority records each change', async () => {
      const h = harness();
      const reply = async (user: string, text: string) => sentText(await h.emulator(user).say(text));
      const before = await reply('vera', 'pin policy Oscar Ward');

      expect(await reply('anne', 'New-CsPinPolicy -Identity Execs -MinPasswordLength 8 -PINHistoryCount 2 -MaximumLogonAttempts 10 -Description "Board"')).toContain('PIN policy tag:Execs');
      expect(await world.policy(h, 'tag:Execs')).toEqual({ identity: 'tag:Execs', minPasswordLength: 8, pinHistoryCount: 2, pinLifetimeDays: 0, allowCommonPatterns: false, maximumLogonAttempts: 10, description: 'Board' });
      expect(await reply('anne', 'new pin policy Execs min 9')).toMatch(/Policy tag:Execs already exists/);

      expect(await reply('anne', 'grant pin policy Execs to Oscar Ward')).toContain('Granted PIN policy **Execs** to Oscar Ward. Their PINs now follow **tag:Execs**.');
      expect(await world.grantOf(h, 'oward')).toBe('Execs');
      const shown = await reply('vera', 'pin policy Oscar Ward');
      expect(shown).toContain('PIN policy for Oscar Ward: tag:Execs');
      expect(shown).toContain('It comes from a per-user policy granted to them.');

      const set = await h.emulator('pilar').say('set pin Oscar Ward');
      expect(cardText(cardOf(set.sent[0]))).toContain('Policy: tag:Execs');
      const pin = pinOnCard(cardOf((await h.emulator('pilar').submit(action(cardOf(set.sent[0]), 'Reveal PIN'))).sent[0]))!;
      expect(pin).toMatch(/^\d{8}$/);
      expect(await world.pinIs(h, 'oward', pin)).toBe(true);

      expect(await reply('anne', 'set pin policy Execs min 9 attempts unset')).toContain('MaximumLogonAttempts: unset (by PIN length)');
      expect(await world.policy(h, 'tag:Execs')).toEqual({ identity: 'tag:Execs', minPasswordLength: 9, pinHistoryCount: 2, pinLifetimeDays: 0, allowCommonPatterns: false, description: 'Board' });
      expect(await reply('anne', 'set pin policy Execs lifetime 30 history 0')).toMatch(/Policy not changed: PINHistoryCount/);
      expect((await world.policy(h, 'tag:Execs'))?.pinHistoryCount).toBe(2);

      expect(await reply('anne', 'revoke pin policy from Oscar Ward')).toContain('Revoked the per-user PIN policy of Oscar Ward');
      expect(await world.grantOf(h, 'oward')).toBeUndefined();
      expect(await reply('vera', 'pin policy Oscar Ward')).toBe(before);

      expect(await reply('anne', 'remove pin policy Execs')).toContain('Removed PIN policy **tag:Execs**');
      expect(await world.policy(h, 'tag:Execs')).toBeUndefined();
      expect(await reply('vera', 'pin policies')).not.toContain('Execs');
      expect(await reply('anne', 'remove pin policy Execs')).toMatch(/There is no PIN policy tag:Execs/);
      expect(await reply('vera', 'grant pin policy Execs to Oscar Ward')).toMatch(/can't grant PIN policies/);
    });
  });

  describe('the verify API', () => {
    it(world.verify === 'server' ? 'does not apply: the server verifies dial-in PINs itself (404, with the reason)' : 'checks the PIN PinDesk holds', async () => {
      const h = harness();
      expect(cardText(cardOf((await h.emulator('pilar').say('set pin Kendra Sato 730194')).sent[0]))).toContain('PIN set for Kendra Sato');
      const verify = async (pin: string) => {
        const response = await fetch(`${h.app.url}/api/pins/verify`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${verifyKey}` },
          body: JSON.stringify({ sip: 'sip:kendra.sato@contoso.com', pin }),
        });
        return { status: response.status, body: (await response.json()) as unknown };
      };
      if (world.verify === 'pindesk') {
        expect(await verify('730194')).toEqual({ status: 200, body: { result: 'ok' } });
        expect(await verify('730195')).toEqual({ status: 200, body: { result: 'invalid' } });
      } else {
        for (const pin of ['730194', '730195']) expect(await verify(pin)).toEqual({ status: 404, body: { error: VERIFY_NOT_APPLICABLE } });
        expect(VERIFY_NOT_APPLICABLE).toContain('dial-in PINs are verified by the Skype for Business server itself');
        // The description says so too.
        const doc = (await (await fetch(`${h.app.url}/api/openapi.json`)).json()) as any;
        expect(doc.paths['/api/pins/verify'].post.responses['404'].description).toMatch(/PIN_AUTHORITY=sfb.*verified by the Skype for Business server itself/);
      }
    });
  });
}
