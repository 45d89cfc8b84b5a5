// Issue 12, section C ("smaller holes"), through the real server over HTTP with the fake Bot
// Connector: one harness on a copy of the demo directory with Eve Outsider added (test/support/eve.ts).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ROLES_FILE } from '../../src/config.js';
import { writeDirectoryWithEve } from '../support/eve.js';
import { cardOf, cardText, startHarness, type Harness } from '../support/harness.js';

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
