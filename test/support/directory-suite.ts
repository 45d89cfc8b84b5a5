// Control Panel style search, saved searches, find-result buttons and scoped roles, for every
// directory: the demo file, OpenLDAP and Samba AD give the same answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { action, actionsOf, cardOf, cardText, startHarness, type Harness } from './harness.js';

export function directorySuite(directory: string, env: () => Record<string, string>): void {
  describe(`search and scoped roles (${directory})`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness({ ...env(), FIND_LIMIT: '6' });
    });
    afterAll(async () => h?.stop());

    const names = (card: any) =>
      card.body
        .filter((b: any) => b.type === 'Container')
        .map((c: any) => /\*\*(.+?)\*\*/.exec(c.items[0].text)?.[1])
        .filter(Boolean)
        .sort();
    const find = async (user: string, text: string) => cardOf((await h.emulator(user).say(text)).sent[0]);

    it.each([
      ['find user where site = Dublin', ['Alice Smith', 'Anne Wallace', 'Ken Meyer', 'Mark Hanson', 'Oscar Ward', 'Vera Lee']],
      ['find user Ken where site = Redmond', ['Ken Myer', 'Kendra Sato']],
      ['find user where enabled = no', ['Mark Hanson', 'Nora Lane']],
      ['find user where display name contains Smith', ['Alice Smith', 'Jeff Smith']],
      ['find user where sip = ken.myer@contoso.com', ['Ken Myer']],
      ['find user where first name = Ken and last name != Myer', ['Ken Meyer']],
      ['find user where line starts with +1425555011', ['Ken Meyer']],
      ['find user Ken where site starts with Dub', ['Ken Meyer']],
      ['find user where site = Atlantis', []],
      ['find user where display name contains *)(cn=*', []],
    ])('%s', async (text, expected) => {
      expect(names(await find('vera', text))).toEqual(expected);
    });

    it('says to narrow the search past the limit', async () => {
      const card = await find('vera', 'find user where line starts with +1425555010');
      expect(names(card)).toHaveLength(6);
      expect(cardText(card)).toContain('narrow your search');
    });

    it('offers only the actions the caller may take, and they work', async () => {
      const pilarCard = await find('pilar', 'find user Ken Myer');
      expect(actionsOf(pilarCard).map((a) => a.title)).toEqual(['Set PIN', 'Unlock', 'Lock', 'Status']);
      const status = await h.emulator('pilar').submit(action(pilarCard, 'Status'));
      expect(cardText(cardOf(status.sent[0]))).toContain('PIN status for Ken Myer');
      const veraCard = await find('vera', 'find user Ken Myer');
      expect(actionsOf(veraCard).map((a) => a.title)).toEqual(['Status']);
      // A disabled user gets no PIN buttons at all.
      expect(actionsOf(await find('pilar', 'find user Mark Hanson'))).toEqual([]);
      // Someone else's result list is not theirs to use.
      const other = await h.emulator('anne').submit(action(pilarCard, 'Status'));
      expect(other.sent[0]!.activity.text).toMatch(/This card is for Pilar Ackerman only/);
    });

    it('saves, lists, runs and deletes searches, per admin', async () => {
      const pilar = h.emulator('pilar');
      expect((await pilar.say('save search dublin as find user where site = Dublin')).sent[0]!.activity.text).toContain('Saved search **dublin**');
      expect((await pilar.say('searches')).sent[0]!.activity.text).toContain('**dublin**: `find user where site = Dublin`');
      expect(names(cardOf((await pilar.say('run search dublin')).sent[0]))).toContain('Ken Meyer');
      expect((await h.emulator('vera').say('run search dublin')).sent[0]!.activity.text).toMatch(/no saved search "dublin"/);
      expect((await pilar.say('delete search dublin')).sent[0]!.activity.text).toContain('Deleted');
      expect((await pilar.say('run search dublin')).sent[0]!.activity.text).toMatch(/no saved search/);
      expect((await h.emulator('kmyer').say('searches')).sent[0]!.activity.text).toMatch(/can't find users/);
    });

    describe('scoped roles (Oscar Ward: CsHelpDesk for OU=Dublin)', () => {
      it('acts inside the scope', async () => {
        const turn = await h.emulator('oward').say('unlock pin Ken Meyer');
        expect(cardText(cardOf(turn.sent[0]))).toContain('PIN unlocked for Ken Meyer');
      });

      it('is refused outside it, naming the scope needed', async () => {
        const turn = await h.emulator('oward').say('lock pin Ken Myer');
        const text = turn.sent[0]!.activity.text as string;
        expect(text).toMatch(/You can't lock PINs for Ken Myer: your role covers other users only \(CsHelpDesk \(OU:OU=Dublin,DC=contoso,DC=com\)\)/i);
        expect(text).toMatch(/It needs a role scoped to OU:OU=Users,OU=Redmond,DC=contoso,DC=com or site:Redmond/i);
        expect(cardText(cardOf((await h.emulator('anne').say('pin status Ken Myer')).sent[0]))).toContain('IsLockedOut: No');
      });

      it('still needs the template role to allow the action', async () => {
        expect((await h.emulator('oward').say('set pin Ken Meyer')).sent[0]!.activity.text).toMatch(/can't set PINs/);
      });

      it('shows in whoami', async () => {
        expect((await h.emulator('oward').say('whoami')).sent[0]!.activity.text).toMatch(/CsHelpDesk for OU:OU=Dublin,DC=contoso,DC=com \(through Dublin Helpdesk\)/i);
      });
    });
  });
}
