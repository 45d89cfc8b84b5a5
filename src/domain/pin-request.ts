// A self-service request ("reset my pin", "unlock my pin") and the only ways its state may change.
// Every change is a compare-and-set from `pending` in the store, so two approvers (or a double
// click) cannot both decide it.
import { maskDigits } from './mask-digits.js';

export type RequestKind = 'reset' | 'unlock';
export type RequestState = 'pending' | 'approved' | 'denied' | 'cancelled' | 'expired';
export type Decision = 'approve' | 'deny';

export interface PinRequest {
  id: string;
  kind: RequestKind;
  requesterId: string;
  requesterName: string;
  requesterUpn: string;
  /** Why the user asks ("new phone"), as typed, at most REASON_LIMIT characters. */
  reason?: string | undefined;
  state: RequestState;
  createdAt: Date;
  expiresAt: Date;
  decidedAt?: Date | undefined;
  decidedById?: string | undefined;
  decidedByName?: string | undefined;
  /** A denial's reason. */
  decisionNote?: string | undefined;
}

export const REASON_LIMIT = 200;

/** Transitions out of `pending`; every other state is final. */
export const FINAL_STATE: Record<Decision | 'cancel' | 'expire', Exclude<RequestState, 'pending'>> = {
  approve: 'approved',
  deny: 'denied',
  cancel: 'cancelled',
  expire: 'expired',
};

/**
 * Short, printable, single-line: what a reason may contain once accepted. Reasons are shown to
 * approvers in shared channels, so digit runs that could be a PIN ("my old pin was 48261") are masked.
 */
export function cleanReason(text: string | undefined): string | undefined {
  const cleaned = maskDigits(text ?? '')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, REASON_LIMIT);
  return cleaned || undefined;
}
