// Makes races real. SQLite's synchronous driver and the in-memory demo directory never yield
// between a use case's read and its write, so two "simultaneous" clicks in a test would otherwise
// run one after the other and a missing compare-and-set would go unnoticed. A rendezvous armed on
// a store read (say `requests.get`) holds each of the next N callers right after that read until
// all N have read: every contender has seen the same state before any of them writes.
import type { Store } from '../../src/ports/store.js';

/** The Store's repositories: what `pausingStore` wraps (never `db` or other internals). */
const REPOSITORIES = ['policies', 'audit', 'reveals', 'continuations', 'conversations', 'searches', 'requests', 'approvalChannels', 'rateLimits'] as const;
type Repository = (typeof REPOSITORIES)[number];
/** `requests.get`, `continuations.get`, ...: a store method, named as the use cases call it. */
export type PausePoint = { [R in Repository]: `${R}.${Extract<keyof Store[R], string>}` }[Repository];

export interface Rendezvous {
  /** True once all contenders arrived; false if the timeout let them go (they did not overlap). */
  met: Promise<boolean>;
}

interface Barrier {
  contenders: number;
  arrived: number;
  release(met: boolean): void;
  done: Promise<boolean>;
}

export class Pauses {
  private readonly armed = new Map<string, Barrier>();

  /**
   * The next `contenders` calls of `point` each wait, after their read, until all of them have
   * read (then all go on together), or until `timeoutMs` passes (then `met` is false).
   */
  arm(point: PausePoint, contenders: number, timeoutMs = 3_000): Rendezvous {
    if (this.armed.has(point)) throw new Error(`${point} is already armed`);
    let release!: (met: boolean) => void;
    const done = new Promise<boolean>((resolve) => (release = resolve));
    const barrier: Barrier = { contenders, arrived: 0, release, done };
    const timer = setTimeout(() => {
      if (this.armed.get(point) === barrier) this.armed.delete(point);
      release(false);
    }, timeoutMs);
    void done.then(() => clearTimeout(timer));
    this.armed.set(point, barrier);
    return { met: done };
  }

  /** Called by the wrapped store after each read; waits only while `point` is armed. */
  async after(point: string): Promise<void> {
    const barrier = this.armed.get(point);
    if (!barrier) return;
    barrier.arrived += 1;
    if (barrier.arrived >= barrier.contenders) {
      this.armed.delete(point);
      barrier.release(true);
    }
    await barrier.done;
  }
}

/** The store, with every repository method reporting to `pauses` after it returns. */
export function pausingStore(store: Store, pauses: Pauses): Store {
  const wrapped = new Map<string, object>();
  const repository = (name: Repository, target: object): object =>
    new Proxy(target, {
      get(repo, method, receiver) {
        const value: unknown = Reflect.get(repo, method, receiver);
        if (typeof value !== 'function' || typeof method !== 'string') return value;
        return async (...args: unknown[]) => {
          const result: unknown = await value.apply(repo, args);
          await pauses.after(`${name}.${method}`);
          return result;
        };
      },
    });
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property === 'string' && (REPOSITORIES as readonly string[]).includes(property) && value && typeof value === 'object') {
        if (!wrapped.has(property)) wrapped.set(property, repository(property as Repository, value));
        return wrapped.get(property);
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
