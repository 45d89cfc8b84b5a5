// A throwaway OpenSSH server for the SFB_TRANSPORT=ssh suites: `sshd -D -e` on a free 127.0.0.1 port,
// everything in a temp dir (its own ed25519 host key, client keys, known_hosts, authorized_keys).
// Each authorized key FORCES a command (`command="…"`, no pty, no forwarding), as on the Windows
// host: a small wrapper that exports where the fake module and its state are, records its pid (the
// forced command's pid stays the same across exec) and execs the real pwsh on the worker script.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { PowerShellWorker, type PowerShellWorkerOptions } from '../../../src/adapters/sfb/powershell-worker.js';
import { workerCommand } from '../../../src/adapters/sfb/worker-command.js';
import { sfbSettings } from '../../../src/sfb-settings.js';
import { FakeSfb, fakeModulePath, pwsh, workerScript } from './pwsh.js';

export const SSHD = '/usr/sbin/sshd';
export const SSH = '/usr/bin/ssh';

let checked: boolean | undefined;
/** Whether the ssh suites can run: like pwsh, missing OpenSSH fails under CI=true and skips loudly otherwise. */
export function sshdAvailable(): boolean {
  if (checked !== undefined) return checked;
  const missing = [SSHD, SSH, '/usr/bin/ssh-keygen'].filter((file) => !existsSync(file));
  if (missing.length === 0) return (checked = true);
  const message = `OpenSSH is missing (${missing.join(', ')}); the SFB_TRANSPORT=ssh tests cannot run`;
  if (process.env.CI) throw new Error(message);
  console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPING: ${message}.\n!!! .ci/run installs it (apt-get install openssh-server openssh-client).\n${'!'.repeat(100)}\n`);
  return (checked = false);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export interface SshdOptions {
  /** The worker script the forced command runs (default: the repository's). */
  script?: string;
}

export class Sshd {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'pindesk-sshd-'));
  readonly hostKey = path.join(this.dir, 'host_ed25519');
  /** A key the server does NOT have: known_hosts holding only it makes the real host key unknown. */
  readonly otherHostKey = path.join(this.dir, 'other_host_ed25519');
  readonly clientKey = path.join(this.dir, 'client_ed25519');
  /** A client key that is not in authorized_keys. */
  readonly strangerKey = path.join(this.dir, 'stranger_ed25519');
  /** A client key whose forced command runs an outdated copy of the worker script. */
  readonly staleKey = path.join(this.dir, 'stale_ed25519');
  readonly knownHosts = path.join(this.dir, 'known_hosts');
  readonly wrongKnownHosts = path.join(this.dir, 'known_hosts_wrong');
  /** Each forced command appends its pid here. */
  readonly pidsFile = path.join(this.dir, 'worker-pids');
  readonly user = userInfo().username;
  readonly fake = new FakeSfb();
  port = 0;
  private process: ChildProcess | undefined;
  log = '';

  private keygen(file: string): string {
    execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', path.basename(file), '-f', file]);
    return readFileSync(`${file}.pub`, 'utf8').trim();
  }

  /** A forced-command wrapper: the fake's settings exported, the pid recorded, then exec pwsh on `script`. */
  private wrapper(name: string, script: string): string {
    const exports: Record<string, string> = { PSModulePath: fakeModulePath, SFB_MODULE: path.join(fakeModulePath, 'SkypeForBusiness'), SFB_FAKE_STATE: this.fake.stateFile, SFB_FAKE_CALLS: this.fake.callsFile, POWERSHELL_TELEMETRY_OPTOUT: '1', POWERSHELL_UPDATECHECK: 'Off', DOTNET_CLI_TELEMETRY_OPTOUT: '1' };
    if (process.env.DOTNET_ROOT) exports['DOTNET_ROOT'] = process.env.DOTNET_ROOT;
    const file = path.join(this.dir, `${name}.sh`);
    writeFileSync(
      file,
      ['#!/bin/sh', ...Object.entries(exports).map(([k, v]) => `export ${k}=${quote(v)}`), `echo $$ >> ${quote(this.pidsFile)}`, `exec ${quote(pwsh())} -NoLogo -NoProfile -NonInteractive -File ${quote(script)}`, ''].join('\n'),
    );
    chmodSync(file, 0o755);
    return file;
  }

  /** The pids of every forced command the server ran (one per accepted connection; the wrapper's, which pwsh keeps or is a child of). */
  workerPids(): number[] {
    if (!existsSync(this.pidsFile)) return [];
    return readFileSync(this.pidsFile, 'utf8').split('\n').filter(Boolean).map(Number);
  }

  async start(options: SshdOptions = {}): Promise<this> {
    const hostPub = this.keygen(this.hostKey);
    const otherPub = this.keygen(this.otherHostKey);
    const clientPub = this.keygen(this.clientKey);
    this.keygen(this.strangerKey);
    const stalePub = this.keygen(this.staleKey);
    const stale = path.join(this.dir, 'stale-worker.ps1');
    copyFileSync(workerScript, stale);
    writeFileSync(stale, readFileSync(stale, 'utf8') + '# an older copy\n');
    const restrictions = 'no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding';
    writeFileSync(
      path.join(this.dir, 'authorized_keys'),
      [`command="${this.wrapper('worker', options.script ?? workerScript)}",${restrictions} ${clientPub}`, `command="${this.wrapper('stale', stale)}",${restrictions} ${stalePub}`, ''].join('\n'),
    );
    this.port = await freePort();
    const hostEntry = (pub: string) => `[127.0.0.1]:${this.port} ${pub.split(' ').slice(0, 2).join(' ')}\n`;
    writeFileSync(this.knownHosts, hostEntry(hostPub));
    writeFileSync(this.wrongKnownHosts, hostEntry(otherPub));
    const config = path.join(this.dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${this.port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${this.hostKey}`,
        `PidFile ${path.join(this.dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${path.join(this.dir, 'authorized_keys')}`,
        // Tests run as root here and in CI: root only with a key whose entry forces a command.
        'PermitRootLogin forced-commands-only',
        `AllowUsers ${this.user}`,
        // The temp dir is under /tmp (world-writable): sshd's ownership checks would refuse it.
        'StrictModes no',
        'UsePAM no',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'AllowTcpForwarding no',
        'AllowAgentForwarding no',
        'X11Forwarding no',
        'PermitTTY no',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    // sshd running as root wants its privilege separation directory (the package's init script makes it).
    if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.process = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd did not start: ${this.log}`)), 10_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        this.log += chunk.toString('utf8');
        if (this.log.includes(`Server listening on 127.0.0.1 port ${this.port}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sshd exited (${code}): ${this.log}`));
      });
    });
    return this;
  }

  /** PinDesk's SFB_SSH_* settings for this server (known_hosts: the real host key unless told otherwise). */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    return { SFB_TRANSPORT: 'ssh', SFB_SSH: SSH, SFB_SSH_HOST: '127.0.0.1', SFB_SSH_PORT: String(this.port), SFB_SSH_USER: this.user, SFB_SSH_KEY_FILE: this.clientKey, SFB_SSH_KNOWN_HOSTS: this.knownHosts, ...overrides };
  }

  private readonly workers: PowerShellWorker[] = [];

  /** A worker over SFB_TRANSPORT=ssh to this server, built exactly as PinDesk builds it (settings, then worker-command.ts). */
  worker(overrides: Record<string, string> = {}, options: Partial<PowerShellWorkerOptions> = {}): PowerShellWorker {
    const env = this.env(overrides);
    const settings = sfbSettings(
      { SFB_TRANSPORT: 'ssh', SFB_MODULE: 'SkypeForBusiness', SFB_TIMEOUT: 15_000, SFB_WORKERS: 1, SFB_QUEUE: 16, SFB_SSH: env['SFB_SSH'], SFB_SSH_HOST: env['SFB_SSH_HOST'], SFB_SSH_PORT: Number(env['SFB_SSH_PORT']), SFB_SSH_USER: env['SFB_SSH_USER'], SFB_SSH_KEY_FILE: env['SFB_SSH_KEY_FILE'], SFB_SSH_KNOWN_HOSTS: env['SFB_SSH_KNOWN_HOSTS'] },
      workerScript,
    );
    const command = workerCommand(settings);
    const worker = new PowerShellWorker({ pwsh: command.command, args: command.args, env: command.env, label: command.label, expectedHash: command.expectedHash, script: workerScript, timeoutMs: 15_000, ...options });
    this.workers.push(worker);
    return worker;
  }

  /**
   * The processes running for this server's forced commands now (the wrapper, pwsh and whatever pwsh
   * started, such as the .NET tool's own child): those whose environment names this fake's state file.
   */
  forcedCommandPids(): number[] {
    const mark = `SFB_FAKE_STATE=${this.fake.stateFile}`;
    const found: number[] = [];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(mark)) found.push(Number(entry));
      } catch {
        /* gone, or not ours to read */
      }
    }
    return found;
  }

  /** Stops the workers and sshd, then any forced command still running (a worker left hung in a cmdlet), by its recorded pid. */
  async stop(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    const child = this.process;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    for (const pid of this.forcedCommandPids()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    await this.fake.dispose();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
