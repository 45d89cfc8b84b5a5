// Work on a timer that never overlaps itself (a slow tick is not joined by the next one) and that
// shutdown can wait for, so the store is never closed under a tick still writing.
export class Periodic {
  private running: Promise<void> | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(work: () => Promise<void>, everyMs: number, onError: (err: unknown) => void) {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = work()
        .catch(onError)
        .finally(() => (this.running = undefined));
    }, everyMs);
    this.timer.unref();
  }

  /** No more ticks; resolves when the one running (if any) has ended. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
