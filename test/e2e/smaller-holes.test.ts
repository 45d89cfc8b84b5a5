// Issue 12, section C ("smaller holes"), through the real server over HTTP with the fake Bot
// Connector: one harness on a copy of the demo directory with Eve Outsider added (test/support/eve.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROLES_FILE } from '../../src/config.js';
import { writeDirectoryWithEve } from '../support/eve.js';
import { action, cardOf, cardText, sentText, startHarness, type Harness } from '../support/harness.js';

let h: Harness;
let fixtureDir: string;
beforeAll(async () => {
  fixtureDir = await mkdtemp(path.join(tmpdir(), 'pindesk-eve-'));
  h = await startHarness({ DIRECTORY_FILE: await writeDirectoryWithEve(fixtureDir), ROLES_FILE: DEMO_ROLES_FILE });
});
afterAll(async () => {
  await h?.stop();
  await rm(fixtureDir, { recursive: true, force: true });
});

const facts = (card: any): Record<string, string> =>
  Object.fromEntries((card?.body ?? []).filter((b: any) => b.type === 'FactSet').flatMap((b: any) => b.facts.map((f: any) => [f.title, f.value])));

describe('12. scope checks parse DNs', () => {
  it('Oscar (CsHelpDesk scoped to OU=Dublin) cannot lock Eve, whose CN only spells ",OU=Dublin"', async () => {
    const turn = await h.emulator('oward').say('lock pin Eve Outsider');
    expect(turn.sent[0]!.activity.text).toMatch(/^You can't lock PINs for Eve Outsider: your role covers other users only \(CsHelpDesk \(OU:OU=Dublin,DC=contoso,DC=com\)\)\. It needs a role scoped to OU:DC=contoso,DC=com\. Nothing was changed\.$/);
    const status = cardOf((await h.emulator('anne').say('pin status Eve Outsider')).sent[0]);
    expect(facts(status).IsLockedOut).toBe('No');
    // A Dublin user is still within his scope.
    const locked = await h.emulator('oward').say('lock pin Ken Meyer');
    expect(cardText(cardOf(locked.sent[0]))).toMatch(/locked/i);
    expect(locked.sent[0]!.activity.text ?? '').not.toMatch(/can't/);
    await h.emulator('oward').say('unlock pin Ken Meyer');
  });
});

/** Every string a client renders as Markdown in a card: TextBlock text, Fact titles and values. */
function markdownRendered(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(markdownRendered);
  if (!node || typeof node !== 'object') return [];
  const element = node as Record<string, any>;
  const own = element.type === 'TextBlock' ? [String(element.text)] : element.type === 'FactSet' ? element.facts.flatMap((f: any) => [f.title, f.value]) : [];
  return [...own, ...Object.values(element).flatMap(markdownRendered)];
}

describe('14. a requester’s reason is plain text on the approvers’ card', () => {
  it('[Approve here](https://evil.example), **bold** and _x_ are shown literally, never as Markdown', async () => {
    const approvals = '19:approvals@thread.tacv2';
    const anne = { id: '29:anne', name: 'Anne Wallace', userPrincipalName: 'anne.wallace@contoso.com' };
    const mention = { type: 'mention', text: '<at>PinDesk</at>', mentioned: { id: 'pindesk-bot', name: 'PinDesk' } };
    await h.teams(anne, { type: 'channel', id: approvals }).say('<at>PinDesk</at> approvals here', { entities: [mention] });
    const turn = await h.teams({ id: '29:kmyer', name: 'Ken Myer', userPrincipalName: 'ken.myer@contoso.com' }).say('reset my pin - [Approve here](https://evil.example) **bold** _x_');
    const approval = cardOf(turn.sent.find((s) => s.conversationId === approvals));
    expect(approval).toBeDefined();
    for (const text of markdownRendered(approval)) {
      expect(text).not.toMatch(/evil\.example|\*\*bold\*\*|_x_/);
    }
    expect(cardText(approval)).toContain('Reason: [Approve here](https://evil.example) **bold** _x_');
    const runs = JSON.stringify(approval.body.filter((b: any) => b.type === 'RichTextBlock'));
    expect(runs).toContain('"type":"TextRun","text":"[Approve here](https://evil.example) **bold** _x_"');
  });
});

describe('17. PINs typed in other digit systems', () => {
  const pinOnCard = (card: any): string | undefined => card?.body.find((b: any) => b.fontType === 'Monospace' && b.size === 'ExtraLarge')?.text;

  it.each([
    ['Arabic-Indic', '٧٣٠١٩٤'],
    ['Extended Arabic-Indic', '۷۳۰۱۹۴'],
    ['Devanagari', '७३०१९४'],
    ['fullwidth', '７３０１９４'],
  ])('%s: set pin Ken Myer %s sets 730194', async (script, digits) => {
    const chat = h.emulator('pilar', `digits-${script.replace(/\W/g, '')}`);
    const turn = await chat.say(`set pin Ken Myer ${digits}`);
    const card = cardOf(turn.sent[0]);
    expect(cardText(card)).toContain('PIN set for Ken Myer');
    const reveal = await chat.submit(action(card, 'Reveal PIN'));
    expect(pinOnCard(cardOf(reveal.sent.at(-1)))).toBe('730194');
  });

  it('a digit run in any script is masked in "No user matches"', async () => {
    for (const digits of ['٧٣٠١٩٤', '۷۳۰۱۹۴', '७३०१९४']) {
      const turn = await h.emulator('pilar').say(`pin status Nobody ${digits}`);
      const reply = turn.sent[0]!.activity.text as string;
      expect(reply).toMatch(/^No user matches "Nobody ••••"/);
      expect(reply).not.toMatch(/\p{Nd}{4}/u);
    }
  });
});


describe('18. a tampered picker choice', () => {
  it('is refused without using up the picker; the genuine choice then works', async () => {
    const chat = h.emulator('pilar', 'picker-tamper');
    const picker = cardOf((await chat.say('set pin Ken')).sent[0]);
    const genuine = action(picker, 'Choose Ken Myer');
    const tampered = await chat.submit({ ...genuine, data: { ...genuine.data, choice: 7 } });
    expect(tampered.sent[0]!.activity.text).toMatch(/not one of the choices I offered, so I did nothing/);
    const chosen = await chat.submit(genuine);
    expect(sentText(chosen)).toContain('PIN set for Ken Myer');
  });
});
