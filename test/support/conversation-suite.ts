// The helpdesk admin's day in the Emulator: every bullet of the first issue, over HTTP, with the
// real server and SQLite; clicks arrive as Action.Submit messages. Parametrised by directory (the
// demo file, OpenLDAP and Samba AD run the same conversations) and by the world the PINs and
// policies live in (PinDesk's own store, or the Skype for Business server through the worker):
// the same assertions, branching only where the issue says the behaviour differs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isPinAcceptable } from '../../src/domain/pin-rules.js';
import { phoneNumberOf } from '../../src/domain/common-patterns.js';
import { GLOBAL_DEFAULTS } from '../../src/domain/policy.js';
import { action, actionsOf, cardOf, cardText, sentText, startHarness, type Harness } from './harness.js';
import { policyConversations } from './policy-conversations.js';
import { builtinWorld } from './worlds/builtin-world.js';
import type { ConversationWorld } from './worlds/conversation-world.js';

const VERIFY_KEY = 'conversation-suite-verify-key-0123456789';

export function conversationSuite(directory: string, env: () => Record<string, string> | Promise<Record<string, string>>, world: ConversationWorld = builtinWorld()): void {
  describe(`conversations (${directory}, ${world.name})`, () => {
    let h: Harness;
    beforeAll(async () => {
      await world.setUp();
      h = await startHarness({ VERIFY_API_KEYS: VERIFY_KEY, ...(await env()), ...world.env() });
    }, 90_000);
    afterAll(async () => {
      await h?.stop();
      await world.tearDown();
    });
    beforeEach(async () => world.syncClock(h));

    const pinOnCard = (card: any): string | undefined => {
      const blocks: any[] = card.body.filter((b: any) => b.type === 'TextBlock' && b.fontType === 'Monospace' && b.size === 'ExtraLarge');
      return blocks[0]?.text;
    };

    async function auditRows() {
      const store = await h.openStore();
      try {
        return await store.db.selectFrom('audit').selectAll().orderBy('id').execute();
      } finally {
        await store.close();
      }
    }

    describe('set pin, reveal, hide', () => {
      it('generates a PIN under the policy and shows it only after Reveal, in place', async () => {
        const pilar = h.emulator('pilar');
        const turn = await pilar.say('set pin Ken Myer');
        expect(turn.status).toBe(200);
        expect(turn.sent).toHaveLength(1);
        const card = cardOf(turn.sent[0]);
        expect(card.version).toBe('1.5');
        const text = cardText(card);
        expect(text).toContain('PIN set for Ken Myer');
        expect(text).toContain('SIP address: sip:ken.myer@contoso.com');
        expect(text).toContain('Line URI: tel:+14255550100');
        expect(text).toContain('Policy: Global');
        expect(text).toContain('PIN expires: never');
        expect(text).toContain('Set-CsClientPin -Identity "sip:ken.myer@contoso.com"');
        // Where the server keeps the PIN history, the card says so instead of implying PinDesk checked it.
        if (world.history === 'server') expect(text).toContain('PIN history: not checked by PinDesk. The Skype for Business server keeps it');
        else expect(text).not.toContain('PIN history');
        expect(pinOnCard(card)).toBeUndefined();
        const reveal = action(card, 'Reveal PIN');
        // Outside Teams, a plain Action.Submit: Web Chat and the Emulator never send Action.Execute.
        expect(reveal.type).toBe('Action.Submit');
        expect(reveal).not.toHaveProperty('fallback');
        expect(reveal).not.toHaveProperty('verb');
        expect(Object.keys(reveal.data).sort()).toEqual(['ref', 'verb']);

        const revealed = await pilar.submit(reveal);
        expect(revealed.sent).toHaveLength(1);
        expect(revealed.sent[0]).toMatchObject({ kind: 'update', activityId: turn.sent[0]!.activityId, conversationId: 'emulator-pilar' });
        const revealedCard = cardOf(revealed.sent[0]);
        const pin = pinOnCard(revealedCard)!;
        expect(pin).toMatch(/^\d{5}$/);
        expect(isPinAcceptable(pin, { policy: GLOBAL_DEFAULTS, phone: phoneNumberOf('tel:+14255550100') })).toBe(true);
        // The PIN revealed is the one the authority recorded.
        expect(await world.pinIs(h, 'kmyer', pin)).toBe(true);
        const mail = action(revealedCard, 'Email PIN to user');
        expect(mail.type).toBe('Action.OpenUrl');
        expect(mail.url).toMatch(/^mailto:ken\.myer%40contoso\.com\?subject=/);
        expect(decodeURIComponent(mail.url!)).toContain(pin);

        const hidden = await pilar.submit(action(revealedCard, 'Hide PIN'));
        const hiddenCard = cardOf(hidden.sent[0]);
        expect(hidden.sent[0]!.kind).toBe('update');
        expect(pinOnCard(hiddenCard)).toBeUndefined();
        expect(JSON.stringify(hiddenCard)).not.toContain(pin);
        expect(actionsOf(hiddenCard).map((a) => a.title)).toEqual(['Reveal PIN']);
      });

      it('takes a manual PIN, in plain and cmdlet form, and reports it in pin status', async () => {
        const pilar = h.emulator('pilar');
        const plain = await pilar.say('set pin kmeyer 730194');
        expect(cardText(cardOf(plain.sent[0]))).toContain('The PIN you typed was checked');
        const shown = await pilar.submit(action(cardOf(plain.sent[0]), 'Reveal PIN'));
        expect(pinOnCard(cardOf(shown.sent[0]))).toBe('730194');
        expect(await world.pinIs(h, 'kmeyer', '730194')).toBe(true);

        const cmdlet = await pilar.say('Set-CsClientPin -Identity "Ken Meyer" -Pin 481620');
        expect(cardText(cardOf(cmdlet.sent[0]))).toContain('PIN set for Ken Meyer');
        expect(await world.pinIs(h, 'kmeyer', '481620')).toBe(true);
        const status = await pilar.say('Get-CsClientPinInfo -Identity sip:ken.meyer@contoso.com');
        const statusText = cardText(cardOf(status.sent[0]));
        expect(statusText).toContain('IsPinSet: Yes');
        expect(statusText).toContain('IsLockedOut: No');
        expect(statusText).toContain('LastPinChangeTime: 27 Nov 2026 10:00 UTC');
        expect(statusText).toContain('PinExpirationTime: never');
        expect(statusText).toContain('Get-CsClientPinInfo -Identity "sip:ken.meyer@contoso.com"');
      });

      it.each([
        ['set pin Ken Myer 12a45', /digits only/],
        ['set pin Ken Myer 7301', /at least 5 digits \(MinPasswordLength\)/],
        ['set pin Ken Myer 123456', /4 or more consecutive digits/],
        ['set pin Ken Myer 225577', /repeated digits/],
        ['set pin Ken Myer 50103', /phone number/],
        ['Set-CsClientPin -Identity "Ken Myer" -Pin 0000', /at least 5 digits/],
      ])('refuses %s with the exact rule, changing nothing', async (command, rule) => {
        const before = await h.emulator('pilar').say('pin status Chris Cannon');
        const turn = await h.emulator('pilar').say(command.replace('Ken Myer', 'Chris Cannon'));
        expect(turn.sent).toHaveLength(1);
        expect(turn.sent[0]!.activity.text).toMatch(rule);
        expect(turn.sent[0]!.activity.text).toContain('Nothing was changed');
        expect(turn.sent[0]!.activity.attachments).toBeUndefined();
        const after = await h.emulator('pilar').say('pin status Chris Cannon');
        expect(cardText(cardOf(after.sent[0]))).toBe(cardText(cardOf(before.sent[0])));
      });

      it('applies the site and per-user policies, with history', async () => {
        await world.savePolicy(h, { identity: 'site:Dublin', minPasswordLength: 7, pinHistoryCount: 0, pinLifetimeDays: 0, allowCommonPatterns: false });
        await world.savePolicy(h, { identity: 'tag:StrictPin', minPasswordLength: 6, pinHistoryCount: 3, pinLifetimeDays: 90, allowCommonPatterns: false });
        await world.grant(h, 'asmith', 'StrictPin');
        const pilar = h.emulator('pilar');

        const dublin = await pilar.say('set pin Vera Lee');
        expect(cardText(cardOf(dublin.sent[0]))).toContain('Policy: site:Dublin');
        const veraPin = pinOnCard(cardOf((await pilar.submit(action(cardOf(dublin.sent[0]), 'Reveal PIN'))).sent[0]));
        expect(veraPin).toMatch(/^\d{7}$/);
        expect((await pilar.say('set pin Vera Lee 730194')).sent[0]!.activity.text).toMatch(/at least 7 digits/);

        const strict = await pilar.say('set pin Alice Smith 730194');
        const strictText = cardText(cardOf(strict.sent[0]));
        expect(strictText).toContain('Policy: tag:StrictPin');
        expect(strictText).toContain('PIN expires: 25 Feb 2027 10:00 UTC');
        // PINLifetime: the authority itself reports the same expiry.
        expect(cardText(cardOf((await pilar.say('pin status Alice Smith')).sent[0]))).toContain('PinExpirationTime: 25 Feb 2027 10:00 UTC');
        const again = await pilar.say('set pin Alice Smith 730194');
        const override = await pilar.say('set pin Alice Smith 730194 ignore-history');
        expect(cardText(cardOf(override.sent[0]))).toContain('PIN set for Alice Smith');
        if (world.history === 'pindesk') {
          expect(again.sent[0]!.activity.text).toMatch(/last 3 PINs \(PINHistoryCount\).*ignore-history/);
          expect(await world.timesInHistory(h, 'asmith', '730194')).toBe(2);
        } else {
          // The server keeps the history and skips it for a PIN an administrator sets: the same PIN
          // is set again, and the card says who keeps the history; ignore-history is explained.
          expect(cardText(cardOf(again.sent[0]))).toContain('PIN set for Alice Smith');
          expect(cardText(cardOf(again.sent[0]))).toContain('skips it for a PIN an administrator sets');
          expect(cardText(cardOf(override.sent[0]))).toContain('`ignore-history` changed nothing');
          expect(await world.timesInHistory(h, 'asmith', '730194')).toBe(3);
        }
        expect(await world.pinIs(h, 'asmith', '730194')).toBe(true);
      });
    });

    describe('lock, unlock, and setting a locked PIN', () => {
      it('refuses to set a locked PIN and offers Unlock and set, once', async () => {
        const anne = h.emulator('anne');
        expect(cardText(cardOf((await anne.say('lock pin Jeff Smith')).sent[0]))).toContain('PIN locked for Jeff Smith');
        expect(cardText(cardOf((await anne.say('pin status jsmith')).sent[0]))).toContain('IsLockedOut: Yes: locked by an administrator');

        const refused = await anne.say('set pin Jeff Smith');
        const refusal = cardOf(refused.sent[0]);
        expect(cardText(refusal)).toContain('If the PIN is locked, you must unlock the PIN before you can set it.');
        const both = action(refusal, 'Unlock and set');

        const done = await anne.submit(both);
        const result = done.sent.find((s) => s.kind === 'send');
        expect(cardText(cardOf(result))).toContain('PIN unlocked and set for Jeff Smith');
        const replaced = done.sent.find((s) => s.kind === 'update');
        expect(replaced?.activityId).toBe(refused.sent[0]!.activityId);
        expect(cardText(cardOf((await anne.say('pin status jsmith')).sent[0]))).toContain('IsLockedOut: No');

        const twice = await anne.submit(both);
        expect(sentText(twice)).toMatch(/expired or was already made/);
      });

      it('unlock resets the lock; helpdesk may lock and unlock', async () => {
        const chris = h.emulator('chris');
        await chris.say('Lock-CsClientPin -Identity kmyer');
        const unlocked = await chris.say('Unlock-CsClientPin -Identity "Ken Myer"');
        const text = cardText(cardOf(unlocked.sent[0]));
        expect(text).toContain('PIN unlocked for Ken Myer');
        expect(text).toContain('Unlock-CsClientPin -Identity "sip:ken.myer@contoso.com"');
        expect(cardText(cardOf((await chris.say('pin status Ken Myer')).sent[0]))).toContain('IsLockedOut: No');
      });
    });

    describe('roles', () => {
      it.each([
        ['chris', 'set pin Ken Myer', /can't set PINs: that needs CsAdministrator or CsUserAdministrator/],
        ['vera', 'unlock pin Ken Myer', /can't unlock PINs: that needs CsAdministrator or CsUserAdministrator or CsHelpDesk/],
        ['vera', 'lock pin Ken Myer', /can't lock PINs/],
        ['kmyer', 'pin status Ken Myer', /can't view PIN status/],
        ['kmyer', 'find user Ken', /can't find users/],
        ['kmeyer', 'set pin Ken Myer 730194', /can't set PINs/],
      ])('%s: %s is refused naming the role', async (user, command, message) => {
        const before = await h.emulator('anne').say('pin status Kendra Sato');
        const turn = await h.emulator(user).say(command.replace('Ken Myer', 'Kendra Sato'));
        expect(turn.sent[0]!.activity.text).toMatch(message);
        const after = await h.emulator('anne').say('pin status Kendra Sato');
        expect(cardText(cardOf(after.sent[0]))).toBe(cardText(cardOf(before.sent[0])));
      });

      it('help lists only what the role allows', async () => {
        const help = async (user: string) => (await h.emulator(user).say('help')).sent[0]!.activity.text as string;
        const pilar = await help('pilar');
        expect(pilar).toContain('CsUserAdministrator');
        expect(pilar).toContain('`set pin Ken Myer`');
        expect(pilar).toContain('`unlock pin Ken Myer`');
        const chris = await help('chris');
        expect(chris).not.toContain('set pin');
        expect(chris).toContain('`unlock pin Ken Myer`');
        expect(chris).toContain('`pin status kmyer`');
        const vera = await help('vera');
        expect(vera).not.toMatch(/unlock pin|lock pin|set pin/);
        expect(vera).toContain('`pin status kmyer`');
        const ken = await help('kmyer');
        expect(ken).toMatch(/can't change other people's PINs/);
        expect(ken).not.toMatch(/pin status|find user/);
        // Those who set PINs are told where the history rule lives, when it is the server's.
        const historyNote = /PIN history \(PINHistoryCount\) is kept by the Skype for Business server, which skips it for a PIN an administrator sets/;
        if (world.history === 'server') expect(pilar).toMatch(historyNote);
        else expect(pilar).not.toMatch(historyNote);
        for (const other of [chris, vera, ken]) expect(other).not.toMatch(historyNote);
      });

      it('an unknown caller is told who they appear to be', async () => {
        const turn = await h.emulator('mallory').say('set pin Ken Myer');
        expect(turn.sent[0]!.activity.text).toMatch(/You appear as "mallory", and that account is not in the directory/);
        expect(turn.sent[0]!.activity.text).toMatch(/Use your own user ID to communicate with the bot/);
      });

      it('whoami shows roles through nested groups', async () => {
        const text = (await h.emulator('pilar.ackerman@contoso.com').say('whoami')).sent[0]!.activity.text;
        expect(text).toContain('Pilar Ackerman');
        expect(text).toContain('PinDesk roles: CsUserAdministrator');
        expect(text).toContain('Helpdesk Tier 1');
      });
    });

    describe('finding exactly one user', () => {
      it.each([
        ['Ken Myer'],
        ['ken myer'],
        ['Myer'],
        ['kmyer'],
        ['CONTOSO\\kmyer'],
        ['ken.myer@contoso.com'],
        ['sip:ken.myer@contoso.com'],
        ['tel:+14255550100'],
        ['+14255550100'],
        ['"CN=Ken Myer,OU=Users,OU=Redmond,DC=contoso,DC=com"'],
      ])('pin status %s resolves to Ken Myer', async (identity) => {
        const turn = await h.emulator('vera').say(`pin status ${identity}`);
        expect(cardText(cardOf(turn.sent[0]))).toContain('PIN status for Ken Myer');
      });

      it('several matches show a picker; choosing continues the command, once', async () => {
        const pilar = h.emulator('pilar');
        const turn = await pilar.say('set pin Ken');
        const picker = cardOf(turn.sent[0]);
        expect(cardText(picker)).toContain('Several users match "Ken"');
        const choices = actionsOf(picker).filter((a) => a.title.startsWith('Choose'));
        expect(choices.map((c) => c.title).sort()).toEqual(['Choose Ken Meyer', 'Choose Ken Myer', 'Choose Kendra Sato']);
        for (const choice of choices) expect(Object.keys(choice.data).sort()).toEqual(['choice', 'ref', 'verb']);

        const chosen = await pilar.submit(action(picker, 'Choose Ken Meyer'));
        const result = chosen.sent.find((s) => s.kind === 'send');
        expect(cardText(cardOf(result))).toContain('PIN set for Ken Meyer');
        const update = chosen.sent.find((s) => s.kind === 'update');
        expect(update?.activityId).toBe(turn.sent[0]!.activityId);
        expect(cardText(cardOf(update))).toContain('Done for Ken Meyer');

        const again = await pilar.submit(action(picker, 'Choose Ken Myer'));
        expect(sentText(again)).toMatch(/expired or was already made/);
      });

      it('someone else cannot use my picker', async () => {
        const picker = cardOf((await h.emulator('pilar').say('pin status Ken')).sent[0]);
        const turn = await h.emulator('anne').submit(action(picker, 'Choose Ken Myer'));
        expect(sentText(turn)).toMatch(/This card is for Pilar Ackerman only/);
      });

      it('no match gives the closest hints', async () => {
        const turn = await h.emulator('pilar').say('set pin Kne Myer');
        expect(turn.sent[0]!.activity.text).toMatch(/No user matches "Kne Myer"\. Did you mean Ken Myer/);
      });

      it('filter characters and wildcards are plain text', async () => {
        for (const text of ['set pin *', 'set pin * Smith', 'pin status *)(cn=*', 'pin status Ken\\*']) {
          const turn = await h.emulator('pilar').say(text);
          expect(turn.sent[0]!.activity.text).toMatch(/No user matches/);
        }
      });

      it('a user not enabled for Skype for Business is refused with that reason', async () => {
        const turn = await h.emulator('pilar').say('set pin Mark Hanson');
        expect(turn.sent[0]!.activity.text).toMatch(/Mark Hanson is not enabled for Skype for Business/);
      });

      it('a user without a line URI can still get a PIN', async () => {
        const turn = await h.emulator('pilar').say('set pin Dana Box');
        expect(cardText(cardOf(turn.sent[0]))).toContain('Line URI: none');
      });

      it('find user lists matches', async () => {
        const turn = await h.emulator('vera').say('find user Smith');
        const text = cardText(cardOf(turn.sent[0]));
        expect(text).toContain('2 users match "Smith"');
        expect(text).toContain('Alice Smith');
        expect(text).toContain('Jeff Smith');
      });
    });

    describe('reveal rules', () => {
      it('only the addressee can reveal; others are refused and audited', async () => {
        const card = cardOf((await h.emulator('pilar').say('set pin Kendra Sato')).sent[0]);
        const turn = await h.emulator('anne').submit(action(card, 'Reveal PIN'));
        expect(turn.sent).toHaveLength(1);
        expect(turn.sent[0]!.kind).toBe('send');
        expect(turn.sent[0]!.activity.text).toMatch(/This card is for Pilar Ackerman only/);
        const rows = await auditRows();
        expect(rows.at(-1)).toMatchObject({ actor: 'anne.wallace@contoso.com', action: 'reveal', outcome: 'refused', reason: 'not-addressee', target: 'sip:kendra.sato@contoso.com' });
      });

      it(`expires after REVEAL_TTL: the sealed PIN is deleted and the card says so`, async () => {
        const pilar = h.emulator('pilar');
        const turn = await pilar.say('set pin Ken Myer');
        const card = cardOf(turn.sent[0]);
        h.clock.advance(10 * 60_000 + 1);
        const late = await pilar.submit(action(card, 'Reveal PIN'));
        const lateCard = cardOf(late.sent[0]);
        expect(cardText(lateCard)).toContain('can no longer be revealed');
        expect(actionsOf(lateCard)).toEqual([]);
        const store = await h.openStore();
        const ref = action(card, 'Reveal PIN').data.ref;
        expect((await store.reveals.get(ref))?.sealed).toBeUndefined();
        await store.close();
      });
    });

    describe('the periodic sweep', () => {
      it('deletes a sealed PIN past REVEAL_TTL with no click at all, and only such PINs', async () => {
        const pilar = h.emulator('pilar');
        const sealed = (ref: string) => sealedColumn(h, ref);
        const expiring = action(cardOf((await pilar.say('set pin Kendra Sato')).sent[0]), 'Reveal PIN').data.ref as string;
        expect(await sealed(expiring)).toEqual(expect.any(String));
        h.clock.advance(10 * 60_000 + 1);
        const fresh = action(cardOf((await pilar.say('set pin Dana Box')).sent[0]), 'Reveal PIN').data.ref as string;
        // What the server's timer runs every 30 s (the timer reads the same controlled clock).
        await h.app.sweep();
        expect(await sealed(expiring)).toBeNull();
        expect(await sealed(fresh)).toEqual(expect.any(String));
      });
    });

    describe('the audit trail', () => {
      it('has one record per attempt, allowed, refused or failed', async () => {
        const before = (await auditRows()).length;
        await h.emulator('pilar').say('pin status Ken Myer');
        await h.emulator('chris').say('set pin Ken Myer');
        await h.emulator('pilar').say('set pin Ken Myer 123');
        await h.emulator('pilar').say('gibberish');
        await h.emulator('mallory').say('help');
        // A real fault: the PIN store refuses every write to PIN records (the audit table still
        // works), so setting a PIN fails half-way through its transaction.
        const statusBefore = cardText(cardOf((await h.emulator('pilar').say('pin status Ken Myer')).sent[0]));
        const failed = await world.withPinWritesFailing(h, () => h.emulator('pilar').say('set pin Ken Myer'));
        expect(sentText(failed)).toMatch(world.failedWriteAnswer);
        expect(cardText(cardOf((await h.emulator('pilar').say('pin status Ken Myer')).sent[0]))).toBe(statusBefore);
        const rows = (await auditRows()).slice(before);
        expect(rows.map((r) => [r.actor, r.action, r.outcome, r.reason])).toEqual([
          ['pilar.ackerman@contoso.com', 'pin-status', 'ok', null],
          ['chris.cannon@contoso.com', 'set-pin', 'refused', 'missing-role:pin.set'],
          ['pilar.ackerman@contoso.com', 'set-pin', 'refused', 'pin-rule:too-short'],
          ['pilar.ackerman@contoso.com', 'command', 'refused', 'bad-command'],
          ['mallory', 'command', 'refused', 'unknown-caller:not-in-directory'],
          ['pilar.ackerman@contoso.com', 'pin-status', 'ok', null],
          ['pilar.ackerman@contoso.com', 'set-pin', 'failed', 'backend-error'],
          ['pilar.ackerman@contoso.com', 'pin-status', 'ok', null],
        ]);
        // One record per attempt: every request id once, the failed one included.
        expect(new Set(rows.map((r) => r.request_id)).size).toBe(rows.length);
        expect(rows.filter((r) => r.outcome === 'failed').map((r) => r.target)).toEqual(['sip:ken.myer@contoso.com']);
        for (const row of rows) {
          expect(row.request_id).toMatch(/^in-\d+$/);
          expect(row.at).toBe(h.clock.now);
        }
      });
    });


    policyConversations(() => h, world, VERIFY_KEY);
  });
}

/** The reveals.sealed column of one reveal, read straight from the database. */
async function sealedColumn(h: Harness, ref: string): Promise<string | null> {
  const [row] = await h.rows('select sealed from reveals where id = ?', ref);
  if (!row) throw new Error(`no reveal ${ref}`);
  return row.sealed;
}
