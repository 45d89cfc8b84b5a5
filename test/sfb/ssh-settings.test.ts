// SFB_TRANSPORT=ssh settings: every one required, files checked, refused naming the setting; and the
// exact, fixed command line PinDesk gives the OpenSSH client (nothing from a request in it).
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workerCommand } from '../../src/adapters/sfb/worker-command.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { scriptHash } from '../support/sfb/pwsh.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pindesk-ssh-settings-'));
const key = path.join(dir, 'id_ed25519');
const loose = path.join(dir, 'id_loose');
const knownHosts = path.join(dir, 'known_hosts');
const emptyKnownHosts = path.join(dir, 'known_hosts_empty');
writeFileSync(key, 'not read by PinDesk\n');
chmodSync(key, 0o600);
writeFileSync(loose, 'not read by PinDesk\n');
chmodSync(loose, 0o644);
writeFileSync(knownHosts, '# checked out of band\nmgmt01.contoso.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG2ZGsO3Wlq1zXcC1y4n0Hm8J0X+vSxgF6Yb0+8Gd5c3\n');
writeFileSync(emptyKnownHosts, '# nothing yet\n\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ssh = { PIN_AUTHORITY: 'sfb', SFB_TRANSPORT: 'ssh', SFB_SSH: '/usr/bin/env', SFB_SSH_HOST: 'mgmt01.contoso.com', SFB_SSH_USER: 'CONTOSO\\svc-pindesk', SFB_SSH_KEY_FILE: key, SFB_SSH_KNOWN_HOSTS: knownHosts };
const without = (name: keyof typeof ssh) => Object.fromEntries(Object.entries(ssh).filter(([k]) => k !== name));

describe('SFB_TRANSPORT=ssh settings', () => {
  it.each([
    [without('SFB_SSH_HOST'), /^SFB_SSH_HOST: required when SFB_TRANSPORT=ssh/],
    [without('SFB_SSH_USER'), /^SFB_SSH_USER: required when SFB_TRANSPORT=ssh/],
    [without('SFB_SSH_KEY_FILE'), /^SFB_SSH_KEY_FILE: required when SFB_TRANSPORT=ssh/],
    [without('SFB_SSH_KNOWN_HOSTS'), /^SFB_SSH_KNOWN_HOSTS: required when SFB_TRANSPORT=ssh/],
    [{ ...ssh, SFB_SSH_HOST: '-oProxyCommand=x' }, /^SFB_SSH_HOST: "-oProxyCommand=x" is not a host name/],
    [{ ...ssh, SFB_SSH_HOST: 'root@mgmt01' }, /^SFB_SSH_HOST: .* is not a host name/],
    [{ ...ssh, SFB_SSH_USER: '-l root' }, /^SFB_SSH_USER: .* is not an account name/],
    [{ ...ssh, SFB_SSH_PORT: '0' }, /SFB_SSH_PORT/],
    [{ ...ssh, SFB_SSH_PORT: 'ssh' }, /SFB_SSH_PORT/],
    [{ ...ssh, SFB_SSH_KEY_FILE: path.join(dir, 'missing') }, /^SFB_SSH_KEY_FILE: cannot read .*missing \(ENOENT\)/],
    [{ ...ssh, SFB_SSH_KEY_FILE: dir }, /^SFB_SSH_KEY_FILE: .* is not a file/],
    [{ ...ssh, SFB_SSH_KEY_FILE: loose }, /^SFB_SSH_KEY_FILE: .* can be read by other accounts \(mode 644\).*chmod 600/],
    [{ ...ssh, SFB_SSH_KNOWN_HOSTS: path.join(dir, 'missing') }, /^SFB_SSH_KNOWN_HOSTS: cannot read/],
    [{ ...ssh, SFB_SSH_KNOWN_HOSTS: emptyKnownHosts }, /^SFB_SSH_KNOWN_HOSTS: .* holds no host key/],
    [{ ...ssh, SFB_SSH: path.join(dir, 'no-ssh') }, /^SFB_SSH: .*no-ssh does not exist/],
  ])('%o is refused, naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('SFB_SSH defaults to ssh on PATH; none there is refused, naming SFB_SSH', () => {
    const { SFB_SSH: _, ...rest } = ssh;
    const saved = process.env.PATH;
    try {
      process.env.PATH = dir;
      expect(() => loadConfig(rest)).toThrow(/^SFB_SSH: no ssh client found on PATH/);
      writeFileSync(path.join(dir, 'ssh'), '');
      expect(loadConfig(rest).authority).toMatchObject({ transport: 'ssh', ssh: { client: path.join(dir, 'ssh') } });
    } finally {
      process.env.PATH = saved;
      rmSync(path.join(dir, 'ssh'), { force: true });
    }
  });

  it('SFB_PWSH is not needed over ssh; the port defaults to 22', () => {
    expect(loadConfig(ssh).authority).toEqual({
      kind: 'sfb',
      transport: 'ssh',
      module: 'SkypeForBusiness',
      timeoutMs: 20_000,
      workers: 1,
      queue: 16,
      script: expect.stringMatching(/sfb\/pindesk-worker\.ps1$/),
      ssh: { client: '/usr/bin/env', host: 'mgmt01.contoso.com', port: 22, user: 'CONTOSO\\svc-pindesk', keyFile: key, knownHostsFile: knownHosts },
    });
  });

  it('the ssh client gets fixed arguments only (no remote command: the host forces the worker), PATH only, and the script hash to expect', () => {
    const config = loadConfig({ ...ssh, SFB_SSH_PORT: '2222', SFB_TIMEOUT: '8s' });
    if (config.authority.kind !== 'sfb') throw new Error('sfb expected');
    const command = workerCommand(config.authority, { PATH: '/usr/bin', SSH_AUTH_SOCK: '/tmp/agent', PIN_SEAL_KEY: 'secret', HOME: '/root' });
    expect(command.command).toBe('/usr/bin/env');
    expect(command.args).toEqual([
      '-T',
      ...['BatchMode=yes', 'StrictHostKeyChecking=yes', `UserKnownHostsFile=${knownHosts}`, 'GlobalKnownHostsFile=/dev/null', 'UpdateHostKeys=no', 'IdentitiesOnly=yes', `IdentityFile=${key}`, 'IdentityAgent=none']
        .concat(['PasswordAuthentication=no', 'KbdInteractiveAuthentication=no', 'ClearAllForwardings=yes', 'ForwardAgent=no', 'ForwardX11=no', 'ControlMaster=no', 'ControlPath=none'])
        .concat(['ServerAliveInterval=15', 'ServerAliveCountMax=2', 'ConnectTimeout=8'])
        .flatMap((option) => ['-o', option]),
      '-F',
      '/dev/null',
      '-p',
      '2222',
      '-l',
      'CONTOSO\\svc-pindesk',
      '--',
      'mgmt01.contoso.com',
    ]);
    expect(command.env).toEqual({ PATH: '/usr/bin' });
    expect(command.expectedHash).toBe(scriptHash());
    expect(command.label).toBe('ssh CONTOSO\\svc-pindesk@mgmt01.contoso.com:2222');
  });

  it('the local transport: SFB_PWSH with the fixed -File arguments, SFB_MODULE in its environment, no secret', () => {
    const config = loadConfig({ PIN_AUTHORITY: 'sfb', SFB_PWSH: process.execPath, SFB_MODULE: '/opt/m' });
    if (config.authority.kind !== 'sfb') throw new Error('sfb expected');
    const command = workerCommand(config.authority, { PATH: '/usr/bin', PIN_SEAL_KEY: 'secret' });
    expect(command.command).toBe(process.execPath);
    expect(command.args).toEqual(['-NoLogo', '-NoProfile', '-NonInteractive', '-File', config.authority.script]);
    expect(command.env).toMatchObject({ PATH: '/usr/bin', SFB_MODULE: '/opt/m' });
    expect(command.env).not.toHaveProperty('PIN_SEAL_KEY');
  });
});
