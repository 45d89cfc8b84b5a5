// Nothing from outside is stored unbounded. This decorator sits between the desk (and the chat
// surface) and the store: every audit field is cut to a fixed length; callers PinDesk does not
// recognise add rows only within a budget shared by every instance (store.rateLimits): audit
// records of refused unrecognised callers, and 1:1 conversation references of new senders who are
// not in the directory.
// What a budget leaves out is counted and written as one summary record by the sweep.
import type { Logger } from 'pino';
import { personalKey } from './desk/requests/request-view.js';
import type { RefusalLog } from './logger.js';
import type { AuditLog, AuditRecord, ConversationStore, RateLimiter, Store } from './ports/store.js';

/** Longest value kept in each audit field. */
export const AUDIT_FIELD_LIMITS = { actor: 256, action: 64, target: 256, reason: 256, requestId: 128 } as const;
/** Largest conversation reference (JSON) kept; the endpoint refuses larger activities before this. */
export const MAX_REFERENCE_BYTES = 8 * 1024;

export interface Budget {
  key: string;
  limit: number;
  windowMs: number;
}

export interface BoundedStoreOptions {
  clock: () => Date;
  log: Logger;
  refusals: RefusalLog;
  /** Rows callers PinDesk does not recognise may add per hour, per kind (UNRECOGNISED_CALLERS_PER_HOUR). */
  unrecognisedPerHour: number;
  /**
   * Whether a sender (a channel's user id) is someone PinDesk knows, so that their first 1:1
   * conversation is remembered whatever the budget. Default: nobody is.
   */
  isRecognisedSender?: ((userId: string, channelId: string) => Promise<boolean>) | undefined;
}

/** Cuts a text to `max` characters (an ellipsis marks the cut). */
export function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function boundedRecord(record: AuditRecord): AuditRecord {
  const cut = (text: string | undefined, max: number) => (text === undefined ? undefined : bounded(text, max));
  return {
    ...record,
    actor: bounded(record.actor, AUDIT_FIELD_LIMITS.actor),
    action: bounded(record.action, AUDIT_FIELD_LIMITS.action),
    target: cut(record.target, AUDIT_FIELD_LIMITS.target),
    reason: cut(record.reason, AUDIT_FIELD_LIMITS.reason),
    requestId: bounded(record.requestId, AUDIT_FIELD_LIMITS.requestId),
  };
}

/**
 * Audit records written within a budget: past it they are counted, not written, and `flush`
 * writes one summary record per budget that left records out.
 */
export class RateBoundedAudit {
  private readonly suppressed = new Map<string, { budget: Budget; count: number; action: string }>();

  constructor(
    private readonly store: { audit: AuditLog; rateLimits: RateLimiter },
    private readonly clock: () => Date,
  ) {}

  async append(budget: Budget, record: AuditRecord): Promise<boolean> {
    if (await this.store.rateLimits.hit(budget.key, budget.limit, budget.windowMs, this.clock())) {
      await this.store.audit.append(boundedRecord(record));
      return true;
    }
    const entry = this.suppressed.get(budget.key) ?? { budget, count: 0, action: record.action };
    entry.count++;
    this.suppressed.set(budget.key, entry);
    return false;
  }

  /** One summary record per budget that left records out since the last flush. */
  async flush(): Promise<void> {
    const entries = [...this.suppressed.values()];
    this.suppressed.clear();
    for (const { budget, count, action } of entries) {
      await this.store.audit.append({
        at: this.clock(),
        actor: 'pindesk',
        action: 'audit-suppressed',
        target: bounded(action, AUDIT_FIELD_LIMITS.target),
        outcome: 'refused',
        reason: `${count} ${action} records over the budget of ${budget.limit} per ${Math.round(budget.windowMs / 60_000)} min`,
        requestId: `sweep-${this.clock().getTime()}`,
      });
    }
  }
}

export interface Bounds {
  /** Appends an audit record within a budget (false: counted, not written). */
  auditWithin(budget: Budget, record: AuditRecord): Promise<boolean>;
  /** Writes one summary record per budget that left records out (run by the sweep). */
  flushSuppressed(): Promise<void>;
}

/** The store with every audit field bounded, and unrecognised callers' rows within budgets. */
export function boundStore<S extends Store>(store: S, options: BoundedStoreOptions): S & Bounds {
  const { clock, refusals } = options;
  const limited = new RateBoundedAudit(store, clock);
  const hourly = (key: string): Budget => ({ key, limit: options.unrecognisedPerHour, windowMs: 3_600_000 });

  const audit: AuditLog = {
    append: (record) => {
      // A caller not in the directory (or not believable on this channel): within a budget.
      if (record.outcome === 'refused' && record.reason?.startsWith('unknown-caller:')) {
        return limited.append(hourly('budget:audit-unrecognised'), record).then(() => undefined);
      }
      return store.audit.append(boundedRecord(record));
    },
    // The pending row was written as it stands (in the change's transaction): found by it unchanged.
    resolve: (pending, outcome) => store.audit.resolve(pending, boundedRecord(outcome)),
    purgeBefore: (before, limit) => store.audit.purgeBefore(before, limit),
    recent: (filter) => store.audit.recent(filter),
  };

  const known = new Set<string>();
  const KNOWN_LIMIT = 10_000;
  const directoryPrefix = personalKey('');
  const conversations: ConversationStore = {
    async savePersonal(userId, channelId, reference, at) {
      const size = Buffer.byteLength(JSON.stringify(reference ?? null));
      if (size > MAX_REFERENCE_BYTES || userId.length > 256 || channelId.length > 64) {
        refusals.warn('store-bound', { size, channelId: channelId.slice(0, 64) }, 'conversation reference too large to keep; not stored');
        return;
      }
      const key = `${userId}\u0000${channelId}`;
      // Directory users are recognised; an unrecognised sender's first 1:1 row comes out of a budget.
      if (!userId.startsWith(directoryPrefix) && !known.has(key)) {
        const exists = (await store.conversations.personal(userId, channelId)) !== undefined;
        const recognised = exists || (await (options.isRecognisedSender?.(userId, channelId) ?? Promise.resolve(false)).catch(() => false));
        if (!recognised && !(await store.rateLimits.hit('budget:conversations-new', options.unrecognisedPerHour, 3_600_000, clock()))) {
          refusals.warn('store-bound', { channelId: channelId.slice(0, 64) }, 'new 1:1 conversations over the hourly budget (UNRECOGNISED_CALLERS_PER_HOUR); not stored');
          return;
        }
      }
      await store.conversations.savePersonal(userId, channelId, reference, at);
      if (known.size >= KNOWN_LIMIT) known.clear();
      known.add(key);
    },
    personal: (userId, channelId) => store.conversations.personal(userId, channelId),
    allPersonal: (userId) => store.conversations.allPersonal(userId),
  };

  const decorated = Object.create(Object.getPrototypeOf(store) as object) as S & Bounds;
  Object.assign(decorated, store, { audit, conversations });
  decorated.auditWithin = (budget, record) => limited.append(budget, record);
  decorated.flushSuppressed = () => limited.flush();
  return decorated;
}
