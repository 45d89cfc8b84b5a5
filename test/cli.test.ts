// `pindesk` as a subprocess: output, JSON, and exit codes 0 / 1 / 2 (npm test builds dist first).
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../src/config.js';

const exec = promisify(execFile);
let dataDir: string;

async function pindesk(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [path.join(PACKAGE_ROOT, 'dist', 'cli', 'main.js'), ...args], { env: { PATH: process.env.PATH, DATA_DIR: dataDir } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'pindesk-cli-'));
});

describe('pindesk', () => {
  it('set-pin prints a generated PIN on the terminal, and JSON with --json', async () => {
    const text = await pindesk('set-pin', 'Ken Myer');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/PIN set for Ken Myer \(sip:ken\.myer@contoso\.com\) under Global/);
    expect(text.stdout).toMatch(/^PIN: \d{5}$/m);
    const json = await pindesk('set-pin', 'kmeyer', '--pin', '730194', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ user: 'sip:ken.meyer@contoso.com', policy: 'Global', generated: false, pin: '730194' });
  });

  it('pin-info, lock-pin, unlock-pin', async () => {
    expect((await pindesk('lock-pin', 'kmyer')).code).toBe(0);
    const info = JSON.parse((await pindesk('pin-info', 'sip:ken.myer@contoso.com', '--json')).stdout);
    expect(info).toMatchObject({ Identity: 'sip:ken.myer@contoso.com', IsPinSet: true, IsLockedOut: true, LockReason: 'admin', Policy: 'Global' });
    expect((await pindesk('unlock-pin', 'Ken Myer')).stdout).toContain('PIN unlocked for Ken Myer');
  });

  it('exits 1 when a rule refuses, 2 for usage errors', async () => {
    const refused = await pindesk('set-pin', 'Ken Myer', '--pin', '123456');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/4 or more consecutive digits/);
    const ambiguous = await pindesk('pin-info', 'Ken', '--json');
    expect(JSON.parse(ambiguous.stdout)).toMatchObject({ ambiguous: true });
    expect((await pindesk('bogus')).code).toBe(2);
    expect((await pindesk('set-pin')).code).toBe(2);
    expect((await pindesk('set-pin', 'kmyer', '--colour', 'blue')).code).toBe(2);
    expect((await pindesk('policy', 'new', 'X', '--min', '3')).code).toBe(1);
    const help = await pindesk('set-pin', '--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('pindesk set-pin <identity>');
    expect((await pindesk('--help')).stdout).toContain('Usage: pindesk <command>');
  });

  it('policy list, new, show, grant, revoke, remove', async () => {
    expect((await pindesk('policy', 'new', 'StrictPin', '--min', '8', '--history', '3', '--common-patterns', 'no')).code).toBe(0);
    expect(JSON.parse((await pindesk('policy', 'show', 'StrictPin', '--json')).stdout)).toMatchObject({ identity: 'tag:StrictPin', minPasswordLength: 8, pinHistoryCount: 3 });
    expect(JSON.parse((await pindesk('policy', 'grant', 'StrictPin', 'Ken Myer', '--json')).stdout)).toEqual({ user: 'sip:ken.myer@contoso.com', granted: 'StrictPin', effective: 'tag:StrictPin' });
    expect((await pindesk('set-pin', 'Ken Myer', '--pin', '7301')).code).toBe(1);
    expect(JSON.parse((await pindesk('policy', 'revoke', 'Ken Myer', '--json')).stdout)).toMatchObject({ granted: null, effective: 'Global' });
    expect((await pindesk('policy', 'set', '--min', '6')).stdout).toContain('MinPasswordLength    : 6');
    const list = JSON.parse((await pindesk('policy', 'list', '--json')).stdout) as Array<{ identity: string }>;
    expect(list.map((p) => p.identity)).toEqual(['Global', 'tag:StrictPin']);
    expect((await pindesk('policy', 'remove', 'StrictPin')).code).toBe(0);
  });

  it('verify counts as a logon attempt; audit shows it', async () => {
    const ok = await pindesk('verify', '+14255550110', '730194', '--json');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ result: 'ok' });
    const wrong = await pindesk('verify', 'sip:ken.meyer@contoso.com', '111111');
    expect(wrong.code).toBe(1);
    expect(wrong.stdout).toContain('result: invalid');
    const audit = JSON.parse((await pindesk('audit', '--user', 'Ken Meyer', '--since', '1h', '--json')).stdout) as { records: Array<{ action: string; outcome: string; actor: string }> };
    expect(audit.records.map((r) => `${r.action}:${r.outcome}`)).toEqual(expect.arrayContaining(['verify:refused', 'verify:ok', 'set-pin:ok']));
    expect(audit.records.every((r) => r.actor.startsWith('local:'))).toBe(true);
    expect(JSON.stringify(audit)).not.toContain('730194');
  });

  it('--pin in another digit system is read as 0–9 (issue 12, item 17)', async () => {
    const json = await pindesk('set-pin', 'Kendra Sato', '--pin', '٧٣٠١٩٥', '--json');
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ generated: false, pin: '730195' });
  });
});
