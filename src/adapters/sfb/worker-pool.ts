// SFB_WORKERS long-lived PowerShell workers behind one `call`: all started and warmed (a `ping`) at
// boot, in parallel; a request goes to an idle worker, else waits in ONE bounded shared queue
// (SFB_QUEUE; full → `busy`, nothing sent). A worker whose process dies or is killed is started
// again on its own, with a growing pause between failed starts; the others keep serving. How one
// worker spawns its process (local pwsh, ssh) is the worker's business, not the pool's.
import { SfbError, validateArgs, type Operation, type Operations } from './protocol.js';

/** One worker as the pool sees it (a PowerShellWorker). */
export interface PooledWorker {
  /** Starts the process (joins a start under way); resolves once it is ready. */
  start(): Promise<void>;
  call<O extends Operation>(op: O, args: Operations[O]['args'], options?: CallOptions): Promise<Operations[O]['result']>;
  close(): Promise<void>;
  /** The running process's id; undefined while none runs (dead, killed, not yet started). */
  readonly pid: number | undefined;
}

/** `startBy` (epoch ms): a request still waiting then is not sent at all ('busy'), so its outcome stays bounded in time. */
export interface CallOptions {
  startBy?: number;
}

export interface WorkerPoolOptions {
  /** SFB_WORKERS. */
  size: number;
  /** SFB_QUEUE: requests that may wait for a worker before `busy`. */
  maxQueue: number;
  /** Makes worker `index`; the maker calls `lost` whenever that worker's process exits or is killed. */
  create: (index: number, lost: () => void) => PooledWorker;
  /** Pause after a failed start, doubling up to `max`. Default 500 ms .. 30 s. */
  retryMs?: { first: number; max: number };
  onEvent?: (event: PoolEvent) => void;
}

export type PoolEvent =
  | { type: 'warm'; index: number; pid: number | undefined; ms: number }
  | { type: 'start-failed'; index: number; error: SfbError; retryInMs: number };

/** Why no worker can take a request now: `reason` is a readiness code, the message is for the log. */
export class WorkersNotReadyError extends Error {
  constructor(
    readonly reason: 'sfb-worker-starting' | 'sfb-worker-unavailable',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

interface Member {
  index: number;
  worker: PooledWorker;
  /** Running a request for the pool (or reserved for one). */
  busy: boolean;
  /** Answered `ping` since its process started, and not lost since. */
  ready: boolean;
  /** A start + ping is under way. */
  reviving: boolean;
  retryMs: number;
  retry?: NodeJS.Timeout | undefined;
}

interface Waiter {
  grant: (member: Member) => void;
  refuse: (error: SfbError) => void;
}

export class WorkerPool {
  private readonly members: Member[];
  private readonly queue: Waiter[] = [];
  private readonly retry: { first: number; max: number };
  private closed = false;
  private everReady = false;
  private lastFailure: SfbError | undefined;

  constructor(private readonly options: WorkerPoolOptions) {
    this.retry = options.retryMs ?? { first: 500, max: 30_000 };
    this.members = Array.from({ length: options.size }, (_, index) => {
      const member: Member = { index, busy: false, ready: false, reviving: false, retryMs: this.retry.first, worker: undefined as unknown as PooledWorker };
      member.worker = options.create(index, () => this.lost(member));
      return member;
    });
  }

  get size(): number {
    return this.members.length;
  }

  /** Process ids of the workers running now (diagnostics, tests). */
  get pids(): number[] {
    return this.members.map((m) => m.worker.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** Starts and warms every worker in parallel; resolves once each has answered `ping` or failed once (it then retries on its own). */
  async start(): Promise<void> {
    await Promise.all(this.members.map((m) => this.revive(m)));
  }

  /** Throws WorkersNotReadyError unless at least one worker is warm (answered `ping`, still running). */
  readiness(): void {
    if (this.members.some((m) => m.ready && m.worker.pid !== undefined)) return;
    if (this.closed) throw new WorkersNotReadyError('sfb-worker-unavailable', 'sfb workers: the pool is closed');
    const cause = this.lastFailure ? `: ${this.lastFailure.message}` : '';
    if (!this.everReady && !this.lastFailure) throw new WorkersNotReadyError('sfb-worker-starting', `sfb workers: none has answered ping yet (${this.members.length} starting)`);
    throw new WorkersNotReadyError('sfb-worker-unavailable', `sfb workers: none of ${this.members.length} can answer now${cause}`, { cause: this.lastFailure });
  }

  /** Runs one operation on an idle worker, after the requests already waiting. */
  async call<O extends Operation>(op: O, args: Operations[O]['args'], options: CallOptions = {}): Promise<Operations[O]['result']> {
    if (this.closed) throw new SfbError('unavailable', 'the PowerShell worker is closed', { op });
    validateArgs(op, args as Record<string, unknown>);
    const member = this.take() ?? (await this.wait(op));
    try {
      if (options.startBy !== undefined && Date.now() > options.startBy) throw new SfbError('busy', 'the Skype for Business worker is busy, try again', { op });
      return await member.worker.call(op, args, options);
    } finally {
      member.busy = false;
      this.settle(member);
      this.drain();
    }
  }

  /** Stops every worker; waiting requests are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.queue.splice(0)) waiter.refuse(new SfbError('unavailable', 'the PowerShell worker is closed'));
    for (const m of this.members) clearTimeout(m.retry);
    await Promise.all(this.members.map((m) => m.worker.close()));
  }

  /**
   * An idle worker, reserved: a warm one; or, when none is warm anywhere, any idle one (its call
   * joins the start under way, or starts it, and answers clearly if it cannot).
   */
  private take(): Member | undefined {
    const idle = this.members.filter((m) => !m.busy);
    const warm = idle.find((m) => m.ready);
    const chosen = warm ?? (this.members.some((m) => m.ready) ? undefined : (idle.find((m) => m.reviving) ?? idle[0]));
    if (chosen) chosen.busy = true;
    return chosen;
  }

  private wait(op: Operation): Promise<Member> {
    if (this.queue.length >= this.options.maxQueue) throw new SfbError('busy', 'the Skype for Business worker is busy, try again', { op });
    return new Promise<Member>((grant, refuse) => this.queue.push({ grant, refuse }));
  }

  /** Hands idle workers to waiting requests, oldest first. */
  private drain(): void {
    while (this.queue.length > 0 && !this.closed) {
      const member = this.take();
      if (!member) return;
      this.queue.shift()!.grant(member);
    }
  }

  /** After a request: a warm worker whose process is gone is lost; a cold one that now runs is warmed. */
  private settle(member: Member): void {
    if (member.ready && member.worker.pid === undefined) this.lost(member);
    else if (!member.ready && !member.reviving && member.worker.pid !== undefined) {
      clearTimeout(member.retry);
      member.retry = undefined;
      void this.revive(member);
    }
  }

  /** A warm worker's process exited or was killed: start it again now (the others keep serving). */
  private lost(member: Member): void {
    if (!member.ready || this.closed) return;
    member.ready = false;
    void this.revive(member);
  }

  /** Start + ping; on failure, try again after a pause that doubles (so a broken module is not spawned in a loop). */
  private async revive(member: Member): Promise<void> {
    if (member.reviving || this.closed) return;
    member.reviving = true;
    const started = Date.now();
    try {
      await member.worker.start();
      await member.worker.call('ping', {});
      member.ready = !this.closed;
      member.retryMs = this.retry.first;
      this.everReady = true;
      this.lastFailure = undefined;
      this.options.onEvent?.({ type: 'warm', index: member.index, pid: member.worker.pid, ms: Date.now() - started });
    } catch (error) {
      const failure = error instanceof SfbError ? error : new SfbError('unavailable', (error as Error).message);
      this.lastFailure = failure;
      if (!this.closed) {
        const wait = member.retryMs;
        member.retryMs = Math.min(wait * 2, this.retry.max);
        member.retry = setTimeout(() => {
          member.retry = undefined;
          void this.revive(member);
        }, wait);
        member.retry.unref();
        this.options.onEvent?.({ type: 'start-failed', index: member.index, error: failure, retryInMs: wait });
      }
    } finally {
      member.reviving = false;
      this.drain();
    }
  }
}
