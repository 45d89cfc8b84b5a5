// A client for one long-lived sfb/pindesk-worker.ps1 process (the JSON-lines protocol in
// ./protocol.ts). One request at a time, a bounded queue ("busy" when full), a deadline per
// operation. On a deadline or a protocol violation the worker's whole process group is killed and
// the next request starts a new worker. A PIN travels only inside a request line on stdin: never
// in the arguments or the environment of the process.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import {
  CHANGING_OPERATIONS,
  MAX_REQUEST_CHARS,
  PROTOCOL_VERSION,
  SfbError,
  parseWorkerLine,
  validateArgs,
  type Operation,
  type Operations,
  type SfbErrorKind,
} from './protocol.js';
import { hashFingerprint, workerArguments, workerEnvironment } from './worker-defaults.js';

export { workerArguments, workerEnvironment } from './worker-defaults.js';

export interface PowerShellWorkerOptions {
  /** The program to start: `pwsh` or `powershell.exe` (SFB_PWSH), or the ssh client (./worker-command.ts). */
  pwsh: string;
  /** Path to sfb/pindesk-worker.ps1. */
  script: string;
  /** The program's fixed arguments; default: run `script` with pwsh (workerArguments). */
  args?: readonly string[];
  /** Where the worker runs, for messages (default "PowerShell (<pwsh>)"). */
  label?: string;
  /** The worker's whole environment (defaults to this process's, without secrets; never a PIN). */
  env?: NodeJS.ProcessEnv;
  /** How long starting PowerShell and importing the module may take. Default 60 s. */
  startTimeoutMs?: number;
  /** Deadline per operation (SFB_TIMEOUT). Default 20 s. */
  timeoutMs?: number;
  /** Requests waiting behind the running one before "busy". Default 16. */
  maxQueue?: number;
  /** When set, a worker whose ready line announces another script hash is refused. */
  expectedHash?: string;
  /** Diagnostics (never holds a PIN). */
  onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { type: 'spawned'; pid: number }
  | { type: 'started'; pid: number; hash: string; ms: number }
  | { type: 'killed'; pid: number; reason: string }
  | { type: 'exited'; pid: number; code: number | null; signal: string | null }
  | { type: 'stderr'; pid: number; text: string };

/** Largest stdout line accepted from the worker (a policy list is small; anything bigger is a fault). */
const MAX_RESPONSE_BYTES = 1024 * 1024;

interface Pending {
  id: string;
  op: Operation;
  resolve: (value: unknown) => void;
  reject: (error: SfbError) => void;
  timer: NodeJS.Timeout;
}

class Process {
  readonly exited: Promise<void>;
  private buffer: Buffer[] = [];
  private buffered = 0;
  stderrTail = '';
  dead = false;

  constructor(
    readonly child: ChildProcessWithoutNullStreams,
    onLine: (line: string) => void,
    onOverflow: () => void,
  ) {
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    child.stdout.on('data', (chunk: Buffer) => {
      let start = 0;
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] !== 10) continue;
        this.buffer.push(chunk.subarray(start, i));
        const line = Buffer.concat(this.buffer).toString('utf8').replace(/\r$/, '');
        this.buffer = [];
        this.buffered = 0;
        start = i + 1;
        if (!this.dead) onLine(line);
      }
      if (start < chunk.length) {
        this.buffer.push(chunk.subarray(start));
        this.buffered += chunk.length - start;
        if (this.buffered > MAX_RESPONSE_BYTES && !this.dead) onOverflow();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-4096);
    });
    child.stdin.on('error', () => {});
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Kills the worker's whole process group (it was started detached, as its leader). */
  kill(): void {
    this.dead = true;
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      if (process.platform === 'win32') this.child.kill('SIGKILL');
      else process.kill(-pid, 'SIGKILL');
    } catch {
      try {
        this.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  }
}

export class PowerShellWorker {
  private readonly options: Required<Omit<PowerShellWorkerOptions, 'expectedHash' | 'onEvent' | 'env' | 'args' | 'label'>> & Pick<PowerShellWorkerOptions, 'expectedHash' | 'onEvent' | 'env' | 'args' | 'label'>;
  private current: Process | undefined;
  private starting: Promise<Process> | undefined;
  private spawning: Process | undefined; // the start under way: close() kills it, it never becomes current
  private pending: Pending | undefined;
  private queue: Array<() => void> = [];
  private running = false;
  private sequence = 0;
  private closed = false;
  /** The script hash announced by the last worker's ready line. */
  hash: string | undefined;
  /** How many workers were started (a restart counts). */
  starts = 0;

  constructor(options: PowerShellWorkerOptions) {
    this.options = { startTimeoutMs: 60_000, timeoutMs: 20_000, maxQueue: 16, ...options };
  }

  /** The running worker's process id, if one runs. */
  get pid(): number | undefined {
    return this.current && !this.current.dead ? this.current.pid : undefined;
  }

  /** Starts the worker now (warm-up); resolves once it is ready. */
  async start(): Promise<void> {
    await this.ensureProcess();
  }

  /** Runs one operation, after the ones queued; one still queued at `startBy` (epoch ms) is not sent ('busy'). */
  async call<O extends Operation>(op: O, args: Operations[O]['args'], options: { timeoutMs?: number; startBy?: number } = {}): Promise<Operations[O]['result']> {
    if (this.closed) throw new SfbError('unavailable', 'the PowerShell worker is closed', { op });
    validateArgs(op, args as Record<string, unknown>);
    const line = JSON.stringify({ v: PROTOCOL_VERSION, id: '', op, args });
    if (line.length > MAX_REQUEST_CHARS) throw new SfbError('bad-request', 'request too large', { op });
    if (this.running) {
      if (this.queue.length >= this.options.maxQueue) throw new SfbError('busy', 'the Skype for Business worker is busy, try again', { op });
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    this.running = true;
    try {
      if (options.startBy !== undefined && Date.now() > options.startBy) throw new SfbError('busy', 'the Skype for Business worker is busy, try again', { op });
      return (await this.send(op, args, options.timeoutMs ?? this.options.timeoutMs, options.startBy)) as Operations[O]['result'];
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.running = false;
    }
  }

  /** Stops the worker (end of input, then a kill if it lingers). */
  async close(): Promise<void> {
    this.closed = true;
    this.spawning?.kill();
    const process = this.current;
    this.current = undefined;
    if (!process) return;
    process.child.stdin.end();
    const timer = setTimeout(() => process.kill(), 2_000);
    await process.exited;
    clearTimeout(timer);
  }

  private async send(op: Operation, args: unknown, timeoutMs: number, startBy?: number): Promise<unknown> {
    const process = await this.ensureProcess(op);
    // Starting a worker may have taken long: past startBy the request is still not sent at all.
    if (startBy !== undefined && Date.now() > startBy) throw new SfbError('busy', 'the Skype for Business worker is busy, try again', { op });
    const id = `r${++this.sequence}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(process, 'timeout', `the Skype for Business operation '${op}' did not answer within ${timeoutMs} ms; the worker was restarted`);
      }, timeoutMs);
      this.pending = { id, op, resolve, reject, timer };
      process.child.stdin.write(JSON.stringify({ v: PROTOCOL_VERSION, id, op, args }) + '\n');
    });
  }

  /** Rejects the pending request, kills the worker's process group; the next call starts another. */
  private fail(process: Process, kind: SfbErrorKind, message: string): void {
    if (process.dead) return;
    process.kill();
    this.options.onEvent?.({ type: 'killed', pid: process.pid, reason: message });
    if (this.current === process) this.current = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(new SfbError(kind, message, { op: pending.op, outcomeUnknown: CHANGING_OPERATIONS.has(pending.op) }));
    }
  }

  private onLine(process: Process, line: string): void {
    const parsed = parseWorkerLine(line);
    const pending = this.pending;
    if (!parsed || parsed.type !== 'response' || !pending || parsed.id !== pending.id) {
      const what = !parsed ? 'a line that is not protocol JSON' : parsed.type !== 'response' ? `an unexpected '${parsed.type}' line` : !pending ? 'a response nobody asked for' : 'a response with the wrong id';
      this.fail(process, 'protocol', `the Skype for Business worker wrote ${what}; it was restarted`);
      return;
    }
    this.pending = undefined;
    clearTimeout(pending.timer);
    if (parsed.ok) pending.resolve(parsed.result);
    else pending.reject(new SfbError(parsed.error.kind, parsed.error.message, { fqid: parsed.error.fqid, category: parsed.error.category, op: pending.op }));
  }

  private ensureProcess(op?: Operation): Promise<Process> {
    if (this.current && !this.current.dead) return Promise.resolve(this.current);
    if (!this.starting) {
      this.starting = this.spawnWorker(op).finally(() => {
        this.starting = undefined;
      });
    }
    return this.starting;
  }

  private spawnWorker(op?: Operation): Promise<Process> {
    const started = Date.now();
    const env = this.options.env ?? workerEnvironment();
    const label = this.options.label ?? `PowerShell (${this.options.pwsh})`;
    return new Promise<Process>((resolve, reject) => {
      let settled = false;
      const settle = (error: SfbError | undefined, process?: Process) => {
        if (settled) return;
        settled = true;
        if (this.spawning === worker) this.spawning = undefined;
        clearTimeout(timer);
        if (error) {
          worker.kill();
          reject(error);
        } else resolve(process as Process);
      };
      let child: ChildProcessWithoutNullStreams;
      try {
        child = spawn(this.options.pwsh, [...(this.options.args ?? workerArguments(this.options.script))], { env, detached: true, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
      } catch (error) {
        reject(new SfbError('unavailable', `cannot start ${label}: ${(error as Error).message}`, op ? { op } : {}));
        return;
      }
      const worker: Process = new Process(
        child,
        (line) => {
          if (settled) {
            this.onLine(worker, line);
            return;
          }
          const parsed = parseWorkerLine(line);
          if (parsed?.type === 'ready') {
            if (parsed.protocol !== PROTOCOL_VERSION) return settle(new SfbError('unavailable', `the worker speaks protocol ${parsed.protocol}, PinDesk speaks ${PROTOCOL_VERSION}`, op ? { op } : {}));
            if (this.options.expectedHash && parsed.hash !== this.options.expectedHash) return settle(new SfbError('unavailable', `the worker script run by ${label} differs from PinDesk's copy of sfb/pindesk-worker.ps1 (SHA-256 ${hashFingerprint(parsed.hash)}… there, ${hashFingerprint(this.options.expectedHash)}… here): install this PinDesk version's script there, byte for byte`, op ? { op } : {}));
            this.hash = parsed.hash;
            this.current = worker;
            this.starts++;
            this.options.onEvent?.({ type: 'started', pid: worker.pid, hash: parsed.hash, ms: Date.now() - started });
            return settle(undefined, worker);
          }
          if (parsed?.type === 'fatal') return settle(new SfbError('unavailable', `the Skype for Business worker could not start: ${parsed.error.message}`, { ...(op ? { op } : {}), fqid: parsed.error.fqid, category: parsed.error.category }));
          settle(new SfbError('protocol', 'the Skype for Business worker wrote a line that is not protocol JSON before it was ready', op ? { op } : {}));
        },
        () => (settled ? this.fail(worker, 'protocol', 'the Skype for Business worker wrote an over-long line; it was restarted') : settle(new SfbError('protocol', 'over-long line before ready'))),
      );
      this.spawning = worker;
      this.options.onEvent?.({ type: 'spawned', pid: worker.pid });
      child.stderr.on('data', (chunk: Buffer) => this.options.onEvent?.({ type: 'stderr', pid: worker.pid, text: chunk.toString('utf8').slice(0, 1000) }));
      child.once('error', (error) => settle(new SfbError('unavailable', `cannot start ${label}: ${error.message}`, op ? { op } : {})));
      child.once('exit', (code, signal) => {
        this.options.onEvent?.({ type: 'exited', pid: worker.pid, code, signal });
        if (!settled) settle(new SfbError('unavailable', `${label} exited before the worker was ready (code ${code ?? signal}): ${worker.stderrTail.trim().slice(-300)}`, op ? { op } : {}));
        else if (!worker.dead) this.fail(worker, 'unavailable', `the Skype for Business worker exited (code ${code ?? signal}); it will be restarted`);
      });
      const timer = setTimeout(() => settle(new SfbError('timeout', `the Skype for Business worker was not ready within ${this.options.startTimeoutMs} ms`, op ? { op } : {})), this.options.startTimeoutMs);
    });
  }
}
