// The one place that knows the transports: which program PinDesk starts for a worker, with which
// FIXED arguments and environment. Nothing in them comes from a request; a PIN travels only inside
// the JSON on stdin. PowerShellWorker runs whatever this returns and knows nothing of ssh.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SfbSettings, SshSettings } from '../../sfb-settings.js';
import { workerArguments, workerEnvironment } from './worker-defaults.js';

export interface WorkerCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** SHA-256 of PinDesk's own copy of the script: a worker announcing another hash is refused. */
  expectedHash: string;
  /** For messages and logs: where the worker runs (no secret in it). */
  label: string;
}

export function workerCommand(settings: SfbSettings, base: NodeJS.ProcessEnv = process.env): WorkerCommand {
  const expectedHash = createHash('sha256').update(readFileSync(settings.script)).digest('hex');
  if (settings.transport === 'local') {
    return {
      command: settings.pwsh,
      args: workerArguments(settings.script),
      env: workerEnvironment(base, { SFB_MODULE: settings.module }),
      expectedHash,
      label: `local PowerShell (${settings.pwsh})`,
    };
  }
  return {
    command: settings.ssh.client,
    args: sshArguments(settings.ssh, settings.timeoutMs),
    env: sshEnvironment(base),
    expectedHash,
    label: `ssh ${settings.ssh.user}@${settings.ssh.host}:${settings.ssh.port}`,
  };
}

/**
 * The OpenSSH client's arguments: batch mode (never a prompt), only the known_hosts file given
 * (an unknown or changed host key is refused), only the key file given, no forwarding of any kind,
 * no configuration file, and no remote command: the server's authorized_keys `command="…"` starts
 * the worker. `--` ends the options, so the host can never be read as one.
 */
export function sshArguments(ssh: SshSettings, timeoutMs: number): string[] {
  const connectTimeoutS = Math.min(60, Math.max(5, Math.ceil(timeoutMs / 1000)));
  const options: Array<[string, string]> = [
    ['BatchMode', 'yes'],
    ['StrictHostKeyChecking', 'yes'],
    ['UserKnownHostsFile', ssh.knownHostsFile],
    ['GlobalKnownHostsFile', '/dev/null'],
    ['UpdateHostKeys', 'no'],
    ['IdentitiesOnly', 'yes'],
    ['IdentityFile', ssh.keyFile],
    ['IdentityAgent', 'none'],
    ['PasswordAuthentication', 'no'],
    ['KbdInteractiveAuthentication', 'no'],
    ['ClearAllForwardings', 'yes'],
    ['ForwardAgent', 'no'],
    ['ForwardX11', 'no'],
    ['ControlMaster', 'no'],
    ['ControlPath', 'none'],
    ['ServerAliveInterval', '15'],
    ['ServerAliveCountMax', '2'],
    ['ConnectTimeout', String(connectTimeoutS)],
  ];
  return ['-T', ...options.flatMap(([name, value]) => ['-o', `${name}=${value}`]), '-F', '/dev/null', '-p', String(ssh.port), '-l', ssh.user, '--', ssh.host];
}

/** The ssh client gets PATH only: no agent socket, no PinDesk secret, nothing to send to the host. */
function sshEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'SystemRoot', 'SYSTEMROOT']) if (base[name] !== undefined) env[name] = base[name];
  return env;
}
