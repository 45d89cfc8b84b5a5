// The built-in PIN authority: keyed PIN hashes, history and lock state in the store. Changes are
// single transactions with the lock check inside, so "set" cannot slip past a concurrent "lock".
import type { Kysely } from 'kysely';
import { verifyAttempt, type VerifyResult } from '../domain/lockout.js';
import { NO_PIN, type LogonLimits, type PinRecordState } from '../domain/pin-state.js';
import type { PinAuthority, SetPinOutcome, SetPinRequest } from '../ports/pin-authority.js';
import type { PinHasher } from '../security/pin-hasher.js';
import type { Database, PinRecordRow } from './sql/schema.js';
import { inTransaction } from './sql/in-transaction.js';
import { prepared } from './sql/prepared.js';

/** Compared against when a user has no PIN, so that case costs the same as a wrong PIN. */
const PLACEHOLDER_HASH = 'A'.repeat(43);

/** History kept per user whatever the policy says, so raising PINHistoryCount takes effect at once. */
const HISTORY_KEPT = 20;
/** OFFSET needs a LIMIT in SQLite: far more rows than one user ever has past the kept ones. */
const HISTORY_PRUNE_LIMIT = 1_000_000;

/**
 * A PIN set writes its record with one statement: a new record, or the existing one — unless it is
 * locked, which is the upsert's own condition, so the check holds at the write. Built once each
 * (sql/prepared.ts), as are the history's two statements.
 */
function pinUpsert(unlockFirst: boolean) {
  return prepared((db, userId: string, hash: string, length: number, now: number, expiresAt: number | null) => {
    const values = {
      pin_hash: hash,
      pin_length: length,
      set_at: now,
      expires_at: expiresAt,
      // A new PIN starts a fresh observation window; global failures only clear on unlock.
      local_failures: 0,
      window_started_at: null,
      temporary_lock_until: null,
      updated_at: now,
      ...(unlockFirst ? { admin_locked: 0, failure_locked: 0, global_failures: 0 } : {}),
    };
    return db
      .insertInto('pin_records')
      .values({ user_id: userId, admin_locked: 0, failure_locked: 0, global_failures: 0, ...values })
      .onConflict((oc) => {
        const update = oc.column('user_id').doUpdateSet(values);
        if (unlockFirst) return update;
        return update.where((eb) =>
          eb.and([
            eb('pin_records.admin_locked', '<>', 1),
            eb('pin_records.failure_locked', '<>', 1),
            eb.or([eb('pin_records.temporary_lock_until', 'is', null), eb('pin_records.temporary_lock_until', '<=', now)]),
          ]),
        );
      })
      .returning('user_id');
  });
}
const upsertUnlessLocked = pinUpsert(false);
const upsertUnlocked = pinUpsert(true);
const addHistory = prepared((db, userId: string, hash: string, now: number) => db.insertInto('pin_history').values({ user_id: userId, pin_hash: hash, set_at: now }));
/** The rows past those kept (an indexed range read, where `not in (kept)` built a list each time). */
const pruneHistory = prepared((db, userId: string, limit: number, kept: number) =>
  db.deleteFrom('pin_history').where('id', 'in', db.selectFrom('pin_history').select('id').where('user_id', '=', userId).orderBy('set_at', 'desc').orderBy('id', 'desc').limit(limit).offset(kept)),
);
const recordOf = prepared((db, userId: string) => db.selectFrom('pin_records').selectAll().where('user_id', '=', userId));

export class BuiltInPinAuthority implements PinAuthority {
  readonly name = 'built-in';
  /** Its PINs are rows of the store: a PIN change commits with the reveal, the card and the audit record. */
  readonly joinsStoreTransaction = true;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly hasher: PinHasher,
  ) {}

  async state(userId: string): Promise<PinRecordState> {
    const row = (await recordOf(this.db, userId)).rows[0];
    return row ? toState(row) : NO_PIN;
  }

  async historyMatcher(userId: string, count: number): Promise<(pin: string) => boolean> {
    if (count <= 0) return () => false;
    const rows = await this.db
      .selectFrom('pin_history')
      .select('pin_hash')
      .where('user_id', '=', userId)
      .orderBy('set_at', 'desc')
      .orderBy('id', 'desc')
      .limit(count)
      .execute();
    return (pin) => rows.some((row) => this.hasher.matches(userId, pin, row.pin_hash));
  }

  async setPin(request: SetPinRequest): Promise<SetPinOutcome> {
    const { userId, pin, at } = request;
    const now = at.getTime();
    const hash = this.hasher.hash(userId, pin);
    return inTransaction(this.db, async (tx) => {
      const expiresAt = request.expiresAt ? request.expiresAt.getTime() : null;
      const written = await (request.unlockFirst ? upsertUnlocked : upsertUnlessLocked)(tx, userId, hash, pin.length, now, expiresAt);
      // No row back: the record is locked (the upsert's condition), and nothing was written.
      if (written.rows.length === 0) return 'locked';
      await addHistory(tx, userId, hash, now);
      await pruneHistory(tx, userId, HISTORY_PRUNE_LIMIT, Math.max(HISTORY_KEPT, request.historyCount));
      return 'set' as const;
    });
  }

  async lock(userId: string, at: Date): Promise<{ wasLocked: boolean }> {
    return this.changeLock(userId, at, { admin_locked: 1 });
  }

  async unlock(userId: string, at: Date): Promise<{ wasLocked: boolean }> {
    return this.changeLock(userId, at, {
      admin_locked: 0,
      failure_locked: 0,
      temporary_lock_until: null,
      local_failures: 0,
      global_failures: 0,
      window_started_at: null,
    });
  }

  async verify(userId: string, pin: string, at: Date, limitsFor: (pinLength: number) => LogonLimits): Promise<VerifyResult> {
    return inTransaction(this.db, async (tx) => {
      const row = await tx.selectFrom('pin_records').selectAll().where('user_id', '=', userId).executeTakeFirst();
      const state = row ? toState(row) : NO_PIN;
      // Always hash and compare, so a missing PIN answers in the same time as a wrong one.
      const match = this.hasher.match(userId, pin, row?.pin_hash ?? PLACEHOLDER_HASH);
      const correct = match !== false && Boolean(row?.pin_hash);
      const { result, counters } = verifyAttempt(state, { now: at, correct, limits: limitsFor(state.pinLength ?? pin.length) });
      // One write per attempt whatever the PIN's state (the counters, or only the attempt's time),
      // so no state — locked, unset, or the verifier's stand-in for unknown numbers — answers faster.
      // A right PIN stored under a previous key (PIN_HASH_KEYS_PREVIOUS) is re-hashed with the current key now.
      await tx
        .updateTable('pin_records')
        .set({
          ...(counters
            ? {
                local_failures: counters.localFailures,
                global_failures: counters.globalFailures,
                window_started_at: counters.windowStartedAt ? counters.windowStartedAt.getTime() : null,
                temporary_lock_until: counters.temporaryLockUntil ? counters.temporaryLockUntil.getTime() : null,
                failure_locked: counters.failureLocked ? 1 : 0,
              }
            : {}),
          ...(result === 'ok' && match === 'previous' ? { pin_hash: this.hasher.hash(userId, pin) } : {}),
          updated_at: at.getTime(),
        })
        .where('user_id', '=', userId)
        .execute();
      return result;
    });
  }

  private async changeLock(userId: string, at: Date, change: Partial<PinRecordRow>): Promise<{ wasLocked: boolean }> {
    const now = at.getTime();
    return inTransaction(this.db, async (tx) => {
      const row = await tx.selectFrom('pin_records').selectAll().where('user_id', '=', userId).executeTakeFirst();
      if (row) await tx.updateTable('pin_records').set({ ...change, updated_at: now }).where('user_id', '=', userId).execute();
      else {
        await tx
          .insertInto('pin_records')
          .values({ user_id: userId, admin_locked: 0, failure_locked: 0, local_failures: 0, global_failures: 0, ...change, updated_at: now })
          .execute();
      }
      return { wasLocked: row ? isLocked(row, now) : false };
    });
  }
}

function isLocked(row: PinRecordRow, now: number): boolean {
  return row.admin_locked === 1 || row.failure_locked === 1 || (row.temporary_lock_until !== null && Number(row.temporary_lock_until) > now);
}

function toState(row: PinRecordRow): PinRecordState {
  const date = (value: number | null) => (value === null ? undefined : new Date(Number(value)));
  return {
    isPinSet: row.pin_hash !== null,
    pinLength: row.pin_length ?? undefined,
    lastChangedAt: date(row.set_at),
    expiresAt: date(row.expires_at),
    adminLocked: row.admin_locked === 1,
    failureLocked: row.failure_locked === 1,
    temporaryLockUntil: date(row.temporary_lock_until),
    localFailures: row.local_failures,
    globalFailures: row.global_failures,
    windowStartedAt: date(row.window_started_at),
  };
}

