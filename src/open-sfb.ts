// PIN_AUTHORITY=sfb: SFB_WORKERS long-lived PowerShell workers (local pwsh, or ssh to a Windows
// management host), the PIN authority and the policies on them. Workers a previous PinDesk left
// running are killed first (./adapters/sfb/leftover-workers.ts).
import type { Logger } from 'pino';
import { LeftoverWorkers } from './adapters/sfb/leftover-workers.js';
import { PowerShellWorker } from './adapters/sfb/powershell-worker.js';
import type { SfbError, SfbErrorKind } from './adapters/sfb/protocol.js';
import { SfbPinAuthority } from './adapters/sfb/sfb-authority.js';
import { SfbPolicies } from './adapters/sfb/sfb-policies.js';
import { workerCommand } from './adapters/sfb/worker-command.js';
import { WorkerPool } from './adapters/sfb/worker-pool.js';
import type { SfbSettings } from './config.js';
import { maskDigits } from './domain/mask-digits.js';
import type { Directory } from './ports/directory.js';

/** Failures of PinDesk's own worker (not answers of the server): logged as such, so the operator looks in the right place. */
const WORKER_FAULTS: ReadonlySet<SfbErrorKind> = new Set<SfbErrorKind>(['busy', 'unavailable', 'protocol', 'timeout']);

export interface OpenSfb {
  worker: WorkerPool;
  authority: SfbPinAuthority;
  policies: SfbPolicies;
  /** Throws while no worker has answered ping (/readyz). */
  ready: () => Promise<void>;
}

/**
 * SFB_WORKERS long-lived PowerShell workers and the authority on them. They start (and import the
 * module) in the background: /readyz says 503 until one has answered `ping`, and a request before
 * then waits for a start under way.
 */
export async function openSfb(settings: SfbSettings, dataDir: string, directory: Directory, log: Logger): Promise<OpenSfb> {
  // Which program with which fixed arguments (local pwsh, or ssh to the Windows host): ./adapters/sfb/worker-command.ts.
  const { command, args, env, expectedHash, label } = workerCommand(settings);
  const leftovers = new LeftoverWorkers(dataDir);
  const killed = leftovers.killAll(command);
  if (killed.length > 0) log.warn({ pids: killed }, 'killed Skype for Business workers a previous PinDesk left running');
  const pool = new WorkerPool({
    size: settings.workers,
    maxQueue: settings.queue,
    create: (index, lost) =>
      new PowerShellWorker({
        pwsh: command,
        args,
        label,
        script: settings.script,
        env,
        expectedHash,
        timeoutMs: settings.timeoutMs,
        onEvent: (event) => {
          if (event.type === 'spawned') return leftovers.spawned(event.pid);
          if (event.type === 'exited') leftovers.exited(event.pid);
          if (event.type === 'killed' || event.type === 'exited') lost();
          if (event.type === 'started') log.info({ worker: index, pid: event.pid, hash: event.hash, ms: event.ms, via: label }, 'Skype for Business worker ready');
          else if (event.type === 'killed') log.warn({ worker: index, pid: event.pid, reason: event.reason }, 'Skype for Business worker killed');
          else if (event.type === 'exited') log.debug({ worker: index, pid: event.pid, code: event.code, signal: event.signal }, 'Skype for Business worker exited');
          // The module's own console output is not ours to trust: digit runs that could be a PIN are masked.
          else log.debug({ worker: index, pid: event.pid, stderr: maskDigits(event.text) }, 'Skype for Business worker stderr');
        },
      }),
    onEvent: (event) => {
      if (event.type === 'warm') log.info({ worker: event.index, pid: event.pid, ms: event.ms }, 'Skype for Business worker answered ping');
      // Logged at every failed start; the worker tries again after a pause that grows. Under
      // `failure`, not `err`: the `err` serializer turns a plain object into { type: 'object' }.
      else log.error({ worker: event.index, failure: { kind: event.error.kind, message: maskDigits(event.error.message) }, retryInMs: event.retryInMs }, 'the Skype for Business worker could not start');
    },
  });
  void pool.start();
  // The full error for the operator, under its own key: pino's `err` serializer keeps only what an
  // Error instance has, so a plain object there was logged as { type: 'object' }. The worker masked
  // the PIN and digit runs in it already; digit runs are masked here again.
  const refused = (err: SfbError) =>
    log.error({ failure: { kind: err.kind, message: maskDigits(err.message), ...err.details } }, WORKER_FAULTS.has(err.kind) ? 'the Skype for Business worker failed' : 'the Skype for Business server refused');
  // Killing a local worker ends its cmdlet; over ssh, or in a session to the pool, the cmdlet may
  // still run on the far side, so an unanswered set is settled by the sweep, not at once.
  const failedCallsEnd = settings.transport === 'local' && !env['SFB_POOL_FQDN'];
  const authority = new SfbPinAuthority(pool, directory, refused, settings.timeoutMs, failedCallsEnd);
  return { worker: pool, authority, policies: new SfbPolicies(pool, refused), ready: async () => pool.readiness() };
}
