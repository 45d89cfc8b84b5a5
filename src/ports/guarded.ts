// Port failures become DeskErrors once, where the ports are wired, instead of at every call: the
// decorators here wrap each method of a directory, store (and its repositories) or PIN authority.
// A DeskError thrown inside passes through unchanged; any other failure becomes
// DirectoryUnavailableError (directory) or BackendError (store, authority), keeping it as `cause`.
// `ping` and `close` are left alone: readiness and shutdown report the raw failure (/readyz logs
// its message, such as a refused LDAP bind), and neither is a desk action with a chat answer. An
// observer, where given, is told of each raw failure (the server logs it at error level, with its cause).
//
// Wiring is one line each: `guardDirectory(directory)`, `guardStore(store)`, `guardAuthority(authority)`,
// `guardPolicies(policies)`.
import { BackendError, DeskError, DirectoryUnavailableError, StoreUnavailableError } from '../domain/errors.js';
import type { Directory } from './directory.js';
import type { PinAuthority } from './pin-authority.js';
import type { PolicyAuthority } from './policy-authority.js';
import type { Store } from './store.js';
import { StoreUnreachable } from './store-unreachable.js';

/** Turns any failure into a DeskError. */
export type Translate = (failure: unknown) => DeskError;

/** Told of each raw port failure (not a DeskError) as it is translated: where it is logged, with its cause. */
export type FailureObserver = (failure: unknown) => void;

/** A translation that lets DeskErrors through and turns anything else into `wrap(failure)`. */
export function translateWith(wrap: (cause: unknown) => DeskError, observe?: FailureObserver): Translate {
  return (failure) => {
    if (failure instanceof DeskError) return failure;
    observe?.(failure);
    return wrap(failure);
  };
}

export interface GuardOptions<T> {
  /** Properties holding objects whose methods are guarded too (a store's repositories). */
  nested?: readonly (keyof T)[];
  /** Methods passed through as they are. */
  unguarded?: readonly (keyof T)[];
}

/**
 * `target` behind a proxy whose methods throw `translate(failure)` instead of `failure`, whether
 * they throw or return a promise that rejects. Methods run with `this` = `target` itself (so class
 * instances with private state work), return values are kept, other properties read through, and
 * `instanceof` still holds. Each method is wrapped once: reading it twice gives the same function.
 * A method held in a frozen own property cannot be replaced by a proxy: that throws here, at wiring.
 */
export function guardMethods<T extends object>(target: T, translate: Translate, options: GuardOptions<T> = {}): T {
  const nested = new Set<PropertyKey>(options.nested ?? []);
  const unguarded = new Set<PropertyKey>(options.unguarded ?? []);
  for (const property of Reflect.ownKeys(target)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(target, property)!;
    const guarded = nested.has(property) || (typeof descriptor.value === 'function' && !unguarded.has(property) && property !== 'constructor');
    if (guarded && descriptor.configurable === false && descriptor.writable === false) {
      throw new TypeError(`cannot guard ${String(property)}: it is a frozen property`);
    }
  }
  const wrappers = new WeakMap<object, unknown>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (property === 'constructor' || unguarded.has(property)) return value;
      if (nested.has(property)) {
        if (typeof value !== 'object' || value === null) return value;
        return cached(wrappers, value, () => guardMethods(value, translate));
      }
      if (typeof value !== 'function') return value;
      return cached(wrappers, value, () => guardCall(value as (...args: unknown[]) => unknown, object, translate));
    },
  });
}

/** A directory whose failures (other than DeskErrors) are DirectoryUnavailableError. */
export function guardDirectory<D extends Directory>(directory: D, observe?: FailureObserver): D {
  return guardMethods(directory, translateWith((cause) => new DirectoryUnavailableError(cause), observe), { unguarded: ['ping', 'close'] });
}

/** The store's repositories: every property of Store that is not a method. */
type RepositoryKey = { [K in keyof Store]: Store[K] extends (...args: never[]) => unknown ? never : K }[keyof Store];

/** Every repository of Store, listed once (a repository added to Store and not here does not compile). */
const REPOSITORIES = {
  policies: true,
  intents: true,
  deliveries: true,
  audit: true,
  reveals: true,
  continuations: true,
  conversations: true,
  searches: true,
  requests: true,
  requestNotices: true,
  approvalChannels: true,
  rateLimits: true,
} as const satisfies Record<RepositoryKey, true>;

/** A store whose failures, in every repository, are BackendError, or StoreUnavailableError when its database could not be reached (DeskErrors pass through). */
export function guardStore<S extends Store>(store: S, observe?: FailureObserver): S {
  const wrap = (cause: unknown) => (cause instanceof StoreUnreachable ? new StoreUnavailableError(cause.changed, cause) : new BackendError(cause));
  return guardMethods(store, translateWith(wrap, observe), {
    nested: Object.keys(REPOSITORIES) as RepositoryKey[],
    unguarded: ['ping', 'close'],
  });
}

/** Where policies live (store or server), with failures as BackendError (DeskErrors pass through). */
export function guardPolicies<P extends PolicyAuthority>(policies: P, observe?: FailureObserver): P {
  return guardMethods(policies, translateWith((cause) => new BackendError(cause), observe));
}

/** A PIN authority whose failures are BackendError (DeskErrors pass through). */
export function guardAuthority<A extends PinAuthority>(authority: A, observe?: FailureObserver): A {
  return guardMethods(authority, translateWith((cause) => new BackendError(cause), observe));
}

function guardCall(method: (...args: unknown[]) => unknown, self: object, translate: Translate): (...args: unknown[]) => unknown {
  return function guarded(...args: unknown[]): unknown {
    let result: unknown;
    try {
      result = method.apply(self, args);
    } catch (failure) {
      throw translate(failure);
    }
    if (!isPromiseLike(result)) return result;
    return Promise.resolve(result).catch((failure: unknown) => {
      throw translate(failure);
    });
  };
}

function cached<V>(wrappers: WeakMap<object, unknown>, source: object, make: () => V): V {
  if (!wrappers.has(source)) wrappers.set(source, make());
  return wrappers.get(source) as V;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
