// `help` lists only what the caller's roles allow, straight from the registry.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { ofKind, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(() => f.close());

const examples = async (sam: string) => {
  const help = ofKind(await f.desk.handleText(f.turn(sam), 'help'), 'help');
  return { admin: help.admin, lines: help.lines.map((l) => l.example), forEveryone: help.forEveryone.map((l) => l.example) };
};

it('a user without a role: only their own requests and policy, not an admin', async () => {
  const { record } = await succeeds(f, () => f.desk.handleText(f.turn('kmyer'), 'help'));
  expect(record).toMatchObject({ action: 'help', outcome: 'ok' });
  const kmyer = await examples('kmyer');
  expect(kmyer).toMatchObject({ admin: false, forEveryone: ['my pins', 'whoami'] });
  expect(kmyer.lines).toEqual(['reset my pin - new phone', 'unlock my pin', 'my requests', 'pin policy']);
});

it('each role sees its own commands and no others', async () => {
  const vera = await examples('vera');
  expect(vera.admin).toBe(true);
  expect(vera.lines).toContain('pin status kmyer');
  expect(vera.lines).not.toContain('set pin Ken Myer');
  expect(vera.lines).not.toContain('unlock pin Ken Myer');
  const chris = await examples('chris');
  expect(chris.lines).toContain('unlock pin Ken Myer');
  expect(chris.lines).not.toContain('set pin Ken Myer');
  const pilar = await examples('pilar');
  expect(pilar.lines).toEqual(expect.arrayContaining(['set pin Ken Myer', 'grant pin policy StrictPin to Ken Myer', 'requests']));
  expect(pilar.lines).not.toContain('new pin policy site:Redmond min 6 history 3');
  expect(pilar.lines).not.toContain('approvals here');
  const anne = await examples('anne');
  expect(anne.lines).toEqual(expect.arrayContaining(['new pin policy site:Redmond min 6 history 3', 'approvals here']));
});
