// Real PowerShell for the Skype for Business suites: SFB_PWSH, else the project's own copy
// (.tools/pwsh/pwsh, installed by .ci/run), else `pwsh` on PATH. Missing: the suites skip locally
// with a loud banner and fail under CI=true (like the directory suites).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PowerShellWorker, workerEnvironment, type PowerShellWorkerOptions } from '../../../src/adapters/sfb/powershell-worker.js';
import { SfbError } from '../../../src/adapters/sfb/protocol.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const workerScript = path.join(root, 'sfb/pindesk-worker.ps1');
export const fakeModulePath = path.join(root, 'test/fixtures/sfb');

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export function findPwsh(): string | undefined {
  if (process.env.SFB_PWSH) return existsSync(process.env.SFB_PWSH) ? process.env.SFB_PWSH : undefined;
  const local = path.join(root, '.tools/pwsh/pwsh');
  if (existsSync(local)) return local;
  return onPath('pwsh');
}

let checked: boolean | undefined;
/** Whether the PowerShell suites can run; throws under CI when pwsh is missing. */
export function pwshAvailable(): boolean {
  if (checked !== undefined) return checked;
  if (findPwsh()) return (checked = true);
  const message = 'PowerShell (pwsh) was not found (SFB_PWSH, .tools/pwsh/pwsh or PATH); the Skype for Business worker tests cannot run';
  if (process.env.CI) throw new Error(message);
  console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPING: ${message}.\n!!! .ci/run installs it (dotnet tool install PowerShell --version 7.6.9 --tool-path .tools/pwsh), or set SFB_PWSH.\n${'!'.repeat(100)}\n`);
  return (checked = false);
}

export function pwsh(): string {
  const found = findPwsh();
  if (!found) throw new Error('pwsh not found');
  return found;
}

export function scriptHash(): string {
  return createHash('sha256').update(readFileSync(workerScript)).digest('hex');
}

export interface CallRecord {
  cmdlet: string;
  parameters: Record<string, unknown>;
  pid: number;
  /** When the call began (ISO 8601, UTC). */
  at: string;
}

/** A fake Skype for Business server for one test: its state and call-log files, and workers on it. */
export class FakeSfb {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'pindesk-sfb-'));
  readonly stateFile = path.join(this.dir, 'state.json');
  readonly callsFile = path.join(this.dir, 'calls.jsonl');
  private readonly workers: PowerShellWorker[] = [];

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return workerEnvironment(process.env, { PSModulePath: fakeModulePath, SFB_FAKE_STATE: this.stateFile, SFB_FAKE_CALLS: this.callsFile, ...extra });
  }

  worker(options: Partial<PowerShellWorkerOptions> & { extraEnv?: Record<string, string> } = {}): PowerShellWorker {
    const { extraEnv, ...rest } = options;
    const worker = new PowerShellWorker({ pwsh: pwsh(), script: workerScript, env: this.env(extraEnv), timeoutMs: 15_000, ...rest });
    this.workers.push(worker);
    return worker;
  }

  calls(): CallRecord[] {
    if (!existsSync(this.callsFile)) return [];
    return readFileSync(this.callsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as CallRecord);
  }

  state(): any {
    if (!existsSync(this.stateFile)) {
      // The fake module writes its seed state on first use.
      execFileSync(pwsh(), ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', 'Import-Module SkypeForBusiness; $null = Get-CsPinPolicy'], { env: this.env() });
    }
    return JSON.parse(readFileSync(this.stateFile, 'utf8').replace(/^\uFEFF/, ''));
  }

  writeState(state: unknown): void {
    writeFileSync(this.stateFile, JSON.stringify(state, null, 2));
  }

  /**
   * Sets (or clears, with undefined) a fault on one cmdlet: access-denied, remoting, hang, sleep:<ms>,
   * gate:<file> (waits until the file exists), stdout, garbage, exit, noisy, error:<text> (`{pin}` is
   * the PIN received) — before it acts; `after:<fault>` (Set-CsClientPin) once it has applied the
   * change; on 'Import-Module': sleep:<ms> or fail.
   */
  fault(cmdlet: string, fault: string | undefined): void {
    const state = this.state();
    state.faults = state.faults ?? {};
    if (fault === undefined) delete state.faults[cmdlet];
    else state.faults[cmdlet] = fault;
    this.writeState(state);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Runs a PowerShell snippet given as a file (test-side only, never with data from requests). */
export function runPwshFile(file: string, args: string[] = []): string {
  return execFileSync(pwsh(), ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', file, ...args], { encoding: 'utf8' });
}

/** The SfbError a call is refused with (fails the test when it succeeds or throws anything else). */
export async function refusal(promise: Promise<unknown>): Promise<SfbError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SfbError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}
