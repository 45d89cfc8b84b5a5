// Work a turn starts but does not wait for (redrawing a request's cards, telling the requester),
// so that a press is answered at once. Each task's sends have deadlines; failures are logged.
import type { Logger } from 'pino';

export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly log: Logger) {}

  run(what: string, task: () => Promise<void>): void {
    const done: Promise<void> = task()
      .catch((err: unknown) => this.log.error({ err, what }, 'background work failed'))
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }

  /** Resolves when nothing started so far is still running (shutdown, tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
