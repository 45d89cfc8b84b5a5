// Every attempt — allowed, refused or failed — leaves exactly one audit record, written when the
// action ends, whatever happened; a change that wrote its record in its own transaction (a PIN set)
// is not recorded twice.
import { BackendError, DeskError } from '../domain/errors.js';
import type { AuditLog, AuditOutcome, AuditRecord } from '../ports/store.js';
import type { AuditScope, Turn } from './turn.js';

export async function audited<T>(
  deps: { audit: AuditLog; clock: () => Date },
  turn: Turn,
  action: string,
  body: (scope: AuditScope) => Promise<T>,
): Promise<T> {
  const scope: AuditScope = { actor: turn.caller.appearsAs, action };
  let outcome: AuditOutcome = 'ok';
  try {
    const result = await body(scope);
    outcome = scope.outcome ?? 'ok';
    return result;
  } catch (error) {
    const known = error instanceof DeskError ? error : new BackendError(error);
    outcome = known.outcome;
    scope.reason = known.auditReason();
    throw known;
  } finally {
    if (!scope.recorded) await deps.audit.append({
      at: deps.clock(),
      actor: scope.actor,
      action: scope.action,
      target: scope.target,
      outcome,
      reason: scope.reason,
      requestId: turn.requestId,
    });
  }
}

/** The audit record of the action in progress, as it stands (for a use case that writes it in its transaction). */
export function recordOf(scope: AuditScope, turn: Turn, at: Date): Omit<AuditRecord, 'reason'> {
  return { at, actor: scope.actor, action: scope.action, target: scope.target, outcome: 'ok', requestId: turn.requestId };
}
