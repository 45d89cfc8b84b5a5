// PIN_AUTHORITY=sfb end to end: PowerShell injection typed in chat never runs. Names (typed, and
// the display names of users in the directory), request reasons and policy descriptions hold
// quotes, `$(...)`, backticks, `;`, `|`, newlines and `@{}`. The identity the fake server gets is
// always the SIP address of the one user PinDesk resolved; free text that does reach the server
// (a policy description) arrives as the same literal string; Remove-CsUser never runs, and the
// worker is the same live process throughout.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DIRECTORY_FILE } from '../../src/config.js';
import { action, cardOf, cardText, invokeCard, sentText, type Harness, type TeamsMember } from '../support/harness.js';
import { alive, startSfbHarness, workerPid } from '../support/sfb/chat.js';
import { FakeSfb, pwshAvailable, type CallRecord } from '../support/sfb/pwsh.js';

const INJECTIONS = [
  'Ken"; Remove-CsUser -Identity x; "',
  '$(Stop-Process -Id $PID)',
  '`whoami` | Remove-CsUser x; @{}',
  "Dana'; Remove-CsUser x; '\nRemove-CsUser -Identity y",
];
/** What chat makes of a typed text: runs of whitespace (a newline too) are one space. */
const typed = (text: string) => text.replace(/\s+/g, ' ').trim();

/** A directory user per injection, named by it, enabled on the fake server too. */
const injected = INJECTIONS.map((displayName, i) => ({ sam: `inj${i}`, sip: `sip:inj${i}@contoso.com`, displayName }));

function directoryWithInjectedNames(file: string): void {
  const directory = JSON.parse(readFileSync(DEMO_DIRECTORY_FILE, 'utf8'));
  const home = directory.users.find((u: { sAMAccountName: string }) => u.sAMAccountName === 'kmyer')['msRTCSIP-PrimaryHomeServer'];
  for (const [i, u] of injected.entries()) {
    directory.users.push({
      objectGUID: `00000000-0000-4000-8000-00000000000${i}`,
      distinguishedName: `CN=${u.sam},OU=Users,OU=Redmond,DC=contoso,DC=com`,
      sAMAccountName: u.sam,
      displayName: u.displayName,
      userPrincipalName: `${u.sam}@contoso.com`,
      'msRTCSIP-PrimaryUserAddress': u.sip,
      'msRTCSIP-Line': `tel:+1425555099${i}`,
      'msRTCSIP-UserEnabled': true,
      'msRTCSIP-PrimaryHomeServer': home,
    });
  }
  writeFileSync(file, JSON.stringify(directory, null, 2));
}

const APPROVALS = '19:approvals@thread.tacv2';
const mention = { type: 'mention', text: '<at>PinDesk</at>', mentioned: { id: 'pindesk-bot', name: 'PinDesk' } };
const member = (sam: string, name: string, upn = `${sam}@contoso.com`): TeamsMember => ({ id: `29:${sam}`, name, userPrincipalName: upn });

describe.runIf(pwshAvailable())('PIN_AUTHORITY=sfb: injection typed in chat never runs (real pwsh, fake module)', () => {
  let h: Harness;
  let fake: FakeSfb;
  let pid: number;
  let known: Set<string>;
  beforeAll(async () => {
    fake = new FakeSfb();
    const state = fake.state();
    for (const u of injected) state.users.push({ ...state.users[0], SipAddress: u.sip, DisplayName: u.displayName, PinSha256: null, LastPinChangeTime: null, IsLockedOut: false });
    fake.writeState(state);
    known = new Set(state.users.map((u: { SipAddress: string }) => u.SipAddress));
    const directoryFile = path.join(fake.dir, 'directory.json');
    directoryWithInjectedNames(directoryFile);
    h = await startSfbHarness(fake, { DIRECTORY_FILE: directoryFile, REQUESTS_PER_DAY: '50' });
    pid = workerPid(h)!;
  }, 90_000);
  afterAll(async () => {
    await h?.stop();
    await fake?.dispose();
  });

  /** The server's calls made by `work`; checks nothing but known SIP addresses reached an Identity. */
  async function callsOf(work: () => Promise<unknown>): Promise<CallRecord[]> {
    const before = fake.calls().length;
    await work();
    const calls = fake.calls().slice(before);
    for (const call of calls) {
      expect(call.cmdlet).not.toBe('Remove-CsUser');
      if ('Identity' in call.parameters && /ClientPin|Grant-CsPinPolicy|Get-CsUser/.test(call.cmdlet)) expect(known.has(call.parameters['Identity'] as string), JSON.stringify(call)).toBe(true);
    }
    return calls;
  }

  function sameWorker(): void {
    expect(workerPid(h)).toBe(pid);
    expect(alive(pid)).toBe(true);
    expect(fake.calls().some((c) => c.cmdlet === 'Remove-CsUser')).toBe(false);
  }

  /**
   * Each targeted command with `name` typed, the plain and the cmdlet form, and the cmdlets each runs
   * on a resolved user (a set first reads the PIN's LastPinChangeTime for its intent record).
   */
  const commands = (name: string): Array<[string, string[]]> => [
    [`set pin ${name}`, ['Get-CsClientPinInfo', 'Set-CsClientPin']],
    [`pin status ${name}`, ['Get-CsClientPinInfo']],
    [`lock pin ${name}`, ['Get-CsClientPinInfo', 'Lock-CsClientPin']],
    [`unlock pin ${name}`, ['Get-CsClientPinInfo', 'Unlock-CsClientPin']],
    [`find user ${name}`, []],
    [`Set-CsClientPin -Identity '${name.replace(/'/g, "''")}'`, ['Get-CsClientPinInfo', 'Set-CsClientPin']],
    [`Get-CsClientPinInfo -Identity "${name.replace(/[`"$]/g, '`$&')}"`, ['Get-CsClientPinInfo']],
  ];

  async function run(command: string): Promise<CallRecord[]> {
    const calls = await callsOf(async () => {
      const turn = await h.emulator('anne').say(command);
      expect(turn.status, command).toBe(200);
      expect(sentText(turn).trim(), command).not.toBe('');
    });
    // No parameter of any call (the governing-policy reads included) carries the typed text.
    expect(JSON.stringify(calls), command).not.toMatch(/Remove-CsUser|Stop-Process|whoami|@\{/);
    return calls;
  }

  it('typed as the name of a directory user who is named so: the server gets only that user\'s SIP address', async () => {
    for (const u of injected.slice(0, 3)) {
      for (const [command, cmdlets] of commands(u.displayName)) {
        const calls = await run(command);
        // The governing policy is read as the server finds it (Get-CsUser by the same SIP address,
        // then the pool and the policies by their own names): those reads aside, the PIN cmdlets.
        expect(calls.filter((c) => c.cmdlet === 'Get-CsUser').every((c) => c.parameters['Identity'] === u.sip), command).toBe(true);
        const pinCalls = calls.filter((c) => !['Get-CsUser', 'Get-CsPool', 'Get-CsPinPolicy'].includes(c.cmdlet));
        expect(pinCalls.map((c) => [c.cmdlet, c.parameters['Identity']]), command).toEqual(cmdlets.map((cmdlet) => [cmdlet, u.sip]));
      }
    }
    sameWorker();
  }, 180_000);

  it('typed as a name that matches nobody (a newline included): a clear answer, nothing reaches the server', async () => {
    const unmatched = [INJECTIONS[3]!, 'Ken Myer"; Remove-CsUser -Identity x; "', '$(Remove-CsUser -Identity x)', 'Ken Myer | Remove-CsUser', '@{Identity="x"}', 'sip:*@contoso.com', 'Ken*'];
    for (const name of unmatched) {
      for (const [command] of commands(name)) {
        const calls = await run(command);
        expect(calls, command).toEqual([]);
      }
      expect(sentText(await h.emulator('anne').say(`set pin ${name}`))).toMatch(/No user matches|more than one|Which/i);
    }
    sameWorker();
  }, 180_000);

  it('users whose display names are injections: the server gets their SIP address, the cards show the name as text', async () => {
    for (const u of injected) {
      const calls = await callsOf(async () => {
        const set = await h.emulator('pilar').say(`set pin ${u.sam}`);
        expect(cardText(cardOf(set.sent[0]))).toContain(`PIN set for ${u.displayName}`);
        const status = await h.emulator('anne').say(`pin status ${u.sip}`);
        expect(cardText(cardOf(status.sent[0]))).toContain('IsPinSet: Yes');
        expect(cardText(cardOf((await h.emulator('anne').say(`lock pin ${u.sam}`)).sent[0]))).toContain('PIN locked for');
        expect(cardText(cardOf((await h.emulator('anne').say(`Unlock-CsClientPin -Identity ${u.sam}`)).sent[0]))).toContain('PIN unlocked for');
      });
      expect(calls.filter((c) => /ClientPin/.test(c.cmdlet)).map((c) => [c.cmdlet, c.parameters['Identity']])).toEqual([
        ['Get-CsClientPinInfo', u.sip],
        ['Set-CsClientPin', u.sip],
        ['Get-CsClientPinInfo', u.sip],
        ['Get-CsClientPinInfo', u.sip],
        ['Lock-CsClientPin', u.sip],
        ['Get-CsClientPinInfo', u.sip],
        ['Unlock-CsClientPin', u.sip],
      ]);
    }
    sameWorker();
  }, 180_000);

  it('a request reason (`reset my pin - ...`): shown literally to the approver, never sent to the server; approving sets the requester’s PIN by SIP address', async () => {
    const anne = member('anne', 'Anne Wallace', 'anne.wallace@contoso.com');
    const room = h.teams(anne, { type: 'channel', id: APPROVALS });
    expect((await room.say('<at>PinDesk</at> approvals here', { entities: [mention] })).sent[0]!.activity.text).toMatch(/Approval requests will be posted/);
    for (const [i, reason] of INJECTIONS.entries()) {
      const requester = injected[(i + 1) % injected.length]!;
      const calls = await callsOf(async () => {
        const turn = await h.teams(member(requester.sam, requester.sam)).say(`reset my pin - ${reason}`);
        const approval = cardOf(turn.sent.find((s) => s.conversationId === APPROVALS && s.kind === 'send'));
        expect(cardText(approval)).toContain(`Reason: ${typed(reason)}`);
        const approved = await h.teams(member('pilar', 'Pilar Ackerman', 'pilar.ackerman@contoso.com'), { type: 'channel', id: APPROVALS }).execute(action(approval, 'Approve'));
        expect(cardText(invokeCard(approved))).toMatch(/Approved by Pilar Ackerman/);
      });
      expect(calls.filter((c) => c.cmdlet === 'Set-CsClientPin').map((c) => c.parameters['Identity'])).toEqual([requester.sip]);
      expect(JSON.stringify(calls)).not.toMatch(/Remove-CsUser|Stop-Process|whoami/);
    }
    sameWorker();
  }, 180_000);

  it('a policy description: kept as the same literal text; where it reaches the server, as that string; a granted policy goes by SIP address', async () => {
    for (const [i, text] of INJECTIONS.entries()) {
      const quoted = `'${typed(text).replace(/'/g, "''")}'`;
      const calls = await callsOf(async () => {
        const answer = sentText(await h.emulator('anne').say(`New-CsPinPolicy -Identity Inj${i} -MinPasswordLength 6 -Description ${quoted}`));
        expect(answer).toContain(`tag:Inj${i}`);
        expect(sentText(await h.emulator('anne').say(`Get-CsPinPolicy -Identity Inj${i}`))).toContain(typed(text));
        expect(sentText(await h.emulator('pilar').say(`grant pin policy Inj${i} to ${injected[i]!.sam}`))).toMatch(/Granted/);
      });
      for (const call of calls.filter((c) => /-CsPinPolicy$/.test(c.cmdlet) && 'Description' in c.parameters)) expect(call.parameters['Description']).toBe(typed(text));
      for (const call of calls.filter((c) => c.cmdlet === 'Grant-CsPinPolicy')) expect(call.parameters).toMatchObject({ Identity: injected[i]!.sip, PolicyName: `Inj${i}` });
    }
    sameWorker();
  }, 180_000);

  it('a policy name: refused as not a policy identity, with nothing sent to the server', async () => {
    for (const text of INJECTIONS) {
      const quoted = `'${typed(text).replace(/'/g, "''")}'`;
      for (const command of [`New-CsPinPolicy -Identity ${quoted} -MinPasswordLength 6`, `Set-CsPinPolicy -Identity ${quoted} -MinPasswordLength 6`, `Remove-CsPinPolicy -Identity ${quoted}`, `Grant-CsPinPolicy -Identity inj0 -PolicyName ${quoted}`]) {
        const calls = await callsOf(async () => expect(sentText(await h.emulator('anne').say(command)), command).toMatch(/is not a policy identity|policy name|There is no PIN policy/i));
        expect(calls, command).toEqual([]);
      }
    }
    sameWorker();
  }, 180_000);
});
