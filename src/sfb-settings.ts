// PIN_AUTHORITY=sfb settings: how PinDesk reaches the PowerShell worker. SFB_TRANSPORT=local starts
// SFB_PWSH here; SFB_TRANSPORT=ssh runs the OpenSSH client to a Windows management host whose
// authorized_keys entry forces the worker. Every SSH setting is required (fail closed, naming it),
// and the host key must already be in SFB_SSH_KNOWN_HOSTS: an unknown host key is never accepted.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config-error.js';

export interface SfbCommonSettings {
  kind: 'sfb';
  /** SFB_MODULE: the module the worker imports (a name found through PSModulePath, or a path). Local transport only. */
  module: string;
  /** SFB_TIMEOUT: deadline per operation. */
  timeoutMs: number;
  /** SFB_WORKERS: long-lived workers started at boot; SFB_QUEUE: requests that may wait for one. */
  workers: number;
  queue: number;
  /** The worker script kept in the repository (over ssh: the copy whose hash the remote one must have). */
  script: string;
}

export interface SshSettings {
  /** SFB_SSH: the OpenSSH client. */
  client: string;
  /** SFB_SSH_HOST, SFB_SSH_PORT, SFB_SSH_USER. */
  host: string;
  port: number;
  user: string;
  /** SFB_SSH_KEY_FILE: the private key (only this one is offered). */
  keyFile: string;
  /** SFB_SSH_KNOWN_HOSTS: the only host keys accepted. */
  knownHostsFile: string;
}

export type SfbSettings = SfbCommonSettings & ({ transport: 'local'; /** SFB_PWSH */ pwsh: string } | { transport: 'ssh'; ssh: SshSettings });

export interface SfbEnv {
  SFB_TRANSPORT: 'local' | 'ssh';
  SFB_PWSH?: string | undefined;
  SFB_MODULE: string;
  SFB_TIMEOUT: number;
  SFB_WORKERS: number;
  SFB_QUEUE: number;
  SFB_SSH?: string | undefined;
  SFB_SSH_HOST?: string | undefined;
  SFB_SSH_PORT: number;
  SFB_SSH_USER?: string | undefined;
  SFB_SSH_KEY_FILE?: string | undefined;
  SFB_SSH_KNOWN_HOSTS?: string | undefined;
}

/** A host name or an IP address; nothing ssh could read as an option or a user@ prefix. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[?[0-9A-Fa-f:.]+\]?)$/;
/** A Windows account: `name`, `DOMAIN\name` or `name@domain` (no spaces, never starting with '-'). */
const USER = /^[A-Za-z0-9_][A-Za-z0-9_.$\\@-]{0,103}$/;

/** PinDesk's own Skype for Business settings (not the worker host's SFB_POOL_FQDN and the like). */
const SFB_SETTINGS = ['SFB_PWSH', 'SFB_MODULE', 'SFB_TIMEOUT', 'SFB_TRANSPORT', 'SFB_WORKERS', 'SFB_QUEUE', 'SFB_SSH', 'SFB_SSH_HOST', 'SFB_SSH_PORT', 'SFB_SSH_USER', 'SFB_SSH_KEY_FILE', 'SFB_SSH_KNOWN_HOSTS'];

/**
 * With the built-in authority, a Skype for Business setting means someone meant the server to keep
 * the PINs and one variable did not arrive: refuse, rather than set PINs nobody dials in with.
 */
export function refuseStraySfbSettings(env: NodeJS.ProcessEnv): void {
  const stray = SFB_SETTINGS.filter((name) => env[name] !== undefined && env[name]!.trim() !== '');
  if (stray.length > 0) {
    throw new ConfigError(`${stray[0]}: set, but PIN_AUTHORITY is not sfb; set PIN_AUTHORITY=sfb for the Skype for Business server to keep the PINs, or remove ${stray.join(', ')}`);
  }
}

export function sfbSettings(e: SfbEnv, script: string): SfbSettings {
  const common = { kind: 'sfb' as const, module: e.SFB_MODULE, timeoutMs: e.SFB_TIMEOUT, workers: e.SFB_WORKERS, queue: e.SFB_QUEUE, script };
  if (e.SFB_TRANSPORT === 'ssh') return { ...common, transport: 'ssh', ssh: sshSettings(e) };
  if (!e.SFB_PWSH) throw new ConfigError('SFB_PWSH: required when PIN_AUTHORITY=sfb (the path to pwsh or powershell.exe)');
  if (!existsSync(e.SFB_PWSH)) throw new ConfigError(`SFB_PWSH: ${e.SFB_PWSH} does not exist`);
  return { ...common, transport: 'local', pwsh: e.SFB_PWSH };
}

function sshSettings(e: SfbEnv): SshSettings {
  const required = (name: string, value: string | undefined): string => {
    if (!value) throw new ConfigError(`${name}: required when SFB_TRANSPORT=ssh`);
    return value;
  };
  const host = required('SFB_SSH_HOST', e.SFB_SSH_HOST);
  if (!HOST.test(host)) throw new ConfigError(`SFB_SSH_HOST: "${host}" is not a host name or an IP address`);
  const user = required('SFB_SSH_USER', e.SFB_SSH_USER);
  if (!USER.test(user)) throw new ConfigError(`SFB_SSH_USER: "${user}" is not an account name (name, DOMAIN\\name or name@domain)`);
  const keyFile = privateKeyFile(required('SFB_SSH_KEY_FILE', e.SFB_SSH_KEY_FILE));
  const knownHostsFile = knownHosts(required('SFB_SSH_KNOWN_HOSTS', e.SFB_SSH_KNOWN_HOSTS));
  return { client: sshClient(e.SFB_SSH), host: host.replace(/^\[(.*)\]$/, '$1'), port: e.SFB_SSH_PORT, user, keyFile, knownHostsFile };
}

function regularFile(name: string, file: string): void {
  let isFile = false;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    throw new ConfigError(`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!isFile) throw new ConfigError(`${name}: ${file} is not a file`);
}

/** ssh itself refuses a key others can read; say so now, naming the setting, rather than at the first PIN. */
function privateKeyFile(file: string): string {
  regularFile('SFB_SSH_KEY_FILE', file);
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new ConfigError(`SFB_SSH_KEY_FILE: ${file} can be read by other accounts (mode ${mode.toString(8)}); ssh refuses such a key: chmod 600 it`);
  }
  return file;
}

/** At least one host key line: an empty file would only fail later, at every connection. */
function knownHosts(file: string): string {
  regularFile('SFB_SSH_KNOWN_HOSTS', file);
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((line) => line.trim() && !line.trim().startsWith('#'));
  if (lines.length === 0) throw new ConfigError(`SFB_SSH_KNOWN_HOSTS: ${file} holds no host key (add the Windows host's key, checked out of band)`);
  return file;
}

/** SFB_SSH, else `ssh` on PATH; it must exist. */
function sshClient(configured: string | undefined): string {
  if (configured) {
    if (!existsSync(configured)) throw new ConfigError(`SFB_SSH: ${configured} does not exist`);
    return configured;
  }
  const names = process.platform === 'win32' ? ['ssh.exe'] : ['ssh'];
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    for (const name of names) if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  throw new ConfigError('SFB_SSH: no ssh client found on PATH (install openssh-client, or set SFB_SSH to its path)');
}
