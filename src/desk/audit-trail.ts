// Every attempt — allowed, refused or failed — leaves exactly one audit record, written when the
// action ends, whatever happened; a change that wrote its record in its own transaction (a PIN set)
// is not recorded twice, and one that wrote it 'pending' before a server call has that row become
// its outcome — unless PinDesk is still checking the server, which a row left 'pending' says.
import { BackendError, DeskError, StoreUnavailableError } from '../domain/errors.js';
import type { AuditLog, AuditOutcome, AuditRecord } from '../ports/store.js';
import type { Atomically, TransactionPorts } from './transaction.js';
import type { AuditScope, Turn, UseCaseContext } from './turn.js';

export async function audited<T>(
  deps: { audit: AuditLog; clock: () => Date },
  turn: Turn,
  action: string,
  body: (scope: AuditScope) => Promise<T>,
): Promise<T> {
  const scope: AuditScope = { actor: turn.caller.appearsAs, action };
  let outcome: AuditOutcome = 'ok';
  let checking = false;
  try {
    const result = await body(scope);
    outcome = scope.outcome ?? 'ok';
    return result;
  } catch (error) {
    const known = afterCommit(scope, error instanceof DeskError ? error : new BackendError(error));
    outcome = known.outcome;
    scope.reason = known.auditReason();
    checking = isStillChecking(known);
    throw known;
  } finally {
    const record: AuditRecord = {
      at: deps.clock(),
      actor: scope.actor,
      action: scope.action,
      target: scope.target,
      outcome,
      reason: scope.reason,
      requestId: turn.requestId,
    };
    try {
      // A pending row no longer pending was resolved by whoever settled the change: nothing to add.
      if (scope.pending) {
        if (!scope.recorded && !checking) await deps.audit.resolve(scope.pending, record);
      } else if (!scope.recorded) await deps.audit.append(record);
    } catch (failure) {
      // After a committed change the answer says what happened (the failure is logged where the
      // store is guarded); before one, an action is never done without its record.
      if (!scope.committed) throw failure;
    }
  }
}

/** The store gone after the change was committed: saved, whatever the failure says. */
function afterCommit(scope: AuditScope, error: DeskError): DeskError {
  return scope.committed && error instanceof StoreUnavailableError ? new StoreUnavailableError('saved', error) : error;
}

/** The change's outcome is not known yet: its intent is reconciled later (desk/intents). */
function isStillChecking(error: DeskError): boolean {
  const changed = error instanceof BackendError ? error.detail?.changed : undefined;
  return changed === 'checking' || changed === 'unlocked-checking';
}

/** The audit record of the action in progress, as it stands (for a use case that writes it in its transaction). */
export function recordOf(scope: AuditScope, turn: Turn, at: Date): Omit<AuditRecord, 'reason'> {
  return { at, actor: scope.actor, action: scope.action, target: scope.target, outcome: 'ok', requestId: turn.requestId };
}

/**
 * Runs a use case's writes and its audit record (as the scope stands after them) in one
 * transaction: one commit instead of two, and never a change without its record.
 */
export async function writeWithRecord<T>(deps: { atomically: Atomically; clock: () => Date }, ctx: UseCaseContext, work: (tx: TransactionPorts) => Promise<T>): Promise<T> {
  const { scope, turn } = ctx;
  const result = await deps.atomically(async (tx) => {
    const value = await work(tx);
    await tx.store.audit.append({ ...recordOf(scope, turn, deps.clock()), outcome: scope.outcome ?? 'ok', reason: scope.reason });
    return value;
  });
  scope.recorded = true;
  return result;
}
