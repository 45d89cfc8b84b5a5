// The dispatcher checks each command's permission before its handler runs — for every entry of the
// registry — and a refused command about a user is audited against the user it named.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CommandEntry, CommandKind } from '../../../src/desk/commands/command-entry.js';
import { commandEntries, parseCommand } from '../../../src/desk/commands/registry.js';
import { CommandSyntaxError, MissingRoleError } from '../../../src/domain/errors.js';
import { rolesAllowed } from '../../../src/domain/roles.js';
import { deskFixture, type DeskFixture } from '../../support/desk-fixture.js';
import { fails, succeeds } from '../../support/desk-expect.js';

let f: DeskFixture;
beforeEach(async () => {
  f = await deskFixture();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await f.close();
});

/** How the entry is written in `help` (or its syntax example when help points elsewhere). */
const exampleOf = (entry: CommandEntry<CommandKind>): string => ('seeAlso' in entry.help ? entry.syntax.example : entry.help[0].example);
// `request.own` is everyone's (anyone may ask about their own PIN): only 'anyone' and it run for Ken.
const restricted = commandEntries().filter((e) => e.permission !== 'anyone' && rolesAllowed(e.permission) !== 'everyone');
const open = commandEntries().filter((e) => e.permission === 'anyone' || rolesAllowed(e.permission) === 'everyone');

describe('every restricted command, typed by someone without a role (Ken Myer)', () => {
  it('covers the registry', () => {
    expect(restricted.length + open.length).toBe(commandEntries().length);
    expect(restricted.map((e) => e.kind)).toContain('set-pin');
  });

  it.each(restricted.map((e) => [e.kind, e] as const))('%s: refused before its handler runs, one audit record', async (kind, entry) => {
    const text = exampleOf(entry);
    expect(parseCommand(text).kind).toBe(kind);
    const handler = vi.spyOn(entry as { run: (...args: unknown[]) => unknown }, 'run');
    const { error, record } = await fails(f, () => f.desk.handleText(f.turn('kmyer'), text));
    expect(error).toBeInstanceOf(MissingRoleError);
    expect((error as MissingRoleError).permission).toBe(entry.permission);
    expect(handler).not.toHaveBeenCalled();
    expect(record).toMatchObject({ actor: 'ken.myer@contoso.com', action: kind, outcome: 'refused', reason: `missing-role:${entry.permission}` });
    // A command about a user (every example names Ken Myer) is audited against that user.
    if (entry.target) expect(record.target).toBe('sip:ken.myer@contoso.com');
  });
});

it.each(open.filter((e) => e.permission === 'anyone').map((e) => [e.kind, e] as const))('%s: runs for anyone in the directory', async (kind, entry) => {
  const { record } = await succeeds(f, () => f.desk.handleText(f.turn('kmyer'), exampleOf(entry)));
  expect(record).toMatchObject({ action: kind, outcome: 'ok' });
});

it('a refused command about a user names the user in the audit record, whatever form named them', async () => {
  for (const text of ['unlock pin kmyer', 'Unlock-CsClientPin -Identity "tel:+14255550100"', 'unlock pin ken.myer@contoso.com']) {
    expect((await fails(f, () => f.desk.handleText(f.turn('vera'), text))).record).toMatchObject({ action: 'unlock-pin', target: 'sip:ken.myer@contoso.com', outcome: 'refused' });
  }
  // An ambiguous name is not guessed.
  expect((await fails(f, () => f.desk.handleText(f.turn('vera'), 'unlock pin Ken'))).record.target).toBeNull();
});

it('text that is no command is refused and audited as `command`', async () => {
  const { error, record } = await fails(f, () => f.desk.handleText(f.turn('pilar'), 'make me a sandwich'));
  expect(error).toBeInstanceOf(CommandSyntaxError);
  expect(record).toMatchObject({ action: 'command', outcome: 'refused', reason: 'bad-command' });
});
