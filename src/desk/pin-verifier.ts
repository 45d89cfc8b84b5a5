// The dial-in system's question: is this the right PIN for the person behind this number,
// extension or SIP address? Counters and locks follow the spec's lockout model; every attempt is
// audited (never with the PIN, and never with what the caller typed when it names nobody).
//
// By default a caller cannot tell a number with an account from one without: answers are only
// `ok` or `invalid` (VERIFY_ANSWERS=uniform), and an unknown number is checked like a real user —
// policy read, keyed hash compared, counters updated — against a stand-in record with a random
// PIN, so both take the same steps and the same time. VERIFY_ANSWERS=detailed gives `locked`,
// `temporarily-locked`, `expired`, `not-set` (and `unknown-user` with VERIFY_UNKNOWN_USER).
import { lineNumberOf, normalizeLineNumber, type IdentityQuery } from '../domain/identity.js';
import type { VerifyResult } from '../domain/lockout.js';
import { logonLimits } from '../domain/pin-state.js';
import { resolveEffectivePolicy } from '../domain/policy.js';
import { cmdletIdentity } from '../domain/user.js';
import type { DeskDependencies } from './dependencies.js';

export type VerifySubject = { line: string } | { extension: string } | { sip: string };

export interface VerifySettings {
  /** What callers see for an unknown user with detailed answers: 'invalid' (default) or 'unknown-user'. */
  unknownUserResult: 'invalid' | 'unknown-user';
  /** 'uniform' (default): only ok / invalid, whatever the state; 'detailed': every state. */
  answers?: 'uniform' | 'detailed' | undefined;
  /** A keyed fingerprint of a text (never the text): names unresolved subjects in the audit. */
  fingerprint?: ((text: string) => string) | undefined;
}

/** The stand-in an unknown number is checked against (not a directory id: those are GUIDs or DNs). */
export const STAND_IN_USER_ID = 'pindesk:verify-stand-in';
const STAND_IN_PIN_LENGTH = 24;

export class PinVerifier {
  private standInReady = false;

  constructor(
    private readonly deps: DeskDependencies,
    private readonly settings: VerifySettings,
  ) {}

  async verify(subject: VerifySubject, pin: string, actor: string): Promise<VerifyResult> {
    const { directory, authority, store, clock } = this.deps;
    const query = queryOf(subject);
    const found = await directory.search(query, 2);
    // A number must match a line exactly: no prefix guesses for a logon.
    const users = query.kind === 'line' ? found.filter((u) => u.lineUri && lineNumberOf(u.lineUri) === query.number) : found;
    const user = users.length === 1 ? users[0] : undefined;
    const known = user?.enabled ? user : undefined;
    if (!known) await this.prepareStandIn();
    // The same steps for a known and an unknown number.
    const userId = known?.id ?? STAND_IN_USER_ID;
    const [policies, grantedTag] = await Promise.all([store.policies.policies(), store.policies.grantedTag(userId)]);
    const { policy } = resolveEffectivePolicy({ grantedTag, site: known?.site }, policies);
    // Digits only: anything else is just a wrong PIN (and counts as one).
    const checked = await authority.verify(userId, /^\d{1,24}$/.test(pin) ? pin : '', clock(), (length) => logonLimits(policy, length));
    const result: VerifyResult = known ? checked : 'unknown-user';
    await store.audit.append({
      at: clock(),
      actor,
      action: 'verify',
      target: user ? cmdletIdentity(user) : this.masked(subject),
      outcome: result === 'ok' ? 'ok' : 'refused',
      reason: result,
      requestId: `verify-${clock().getTime()}`,
    });
    return this.answer(result);
  }

  /** What the caller is told. */
  private answer(result: VerifyResult): VerifyResult {
    if ((this.settings.answers ?? 'uniform') === 'uniform') return result === 'ok' ? 'ok' : 'invalid';
    return result === 'unknown-user' ? this.settings.unknownUserResult : result;
  }

  /** The stand-in has a PIN nobody knows (random, and only its keyed hash is kept). */
  private async prepareStandIn(): Promise<void> {
    if (this.standInReady) return;
    const { authority, clock, randomInt } = this.deps;
    if (!(await authority.state(STAND_IN_USER_ID, clock())).isPinSet) {
      const pin = Array.from({ length: STAND_IN_PIN_LENGTH }, () => String(randomInt(10))).join('');
      await authority.setPin({ userId: STAND_IN_USER_ID, pin, at: clock(), historyCount: 0 });
    }
    this.standInReady = true;
  }

  /**
   * An unresolved subject, as the audit records it: its kind and length and a keyed fingerprint
   * (the same number gives the same fingerprint), never the text — a PIN typed into the wrong
   * field must not be stored in clear.
   */
  private masked(subject: VerifySubject): string {
    const [kind, value] = 'line' in subject ? ['line', subject.line] : 'extension' in subject ? ['extension', subject.extension] : ['sip', subject.sip];
    const fingerprint = this.settings.fingerprint?.(subjectKey(subject));
    return `${kind} not in the directory (${value.length} characters${fingerprint ? `, ref ${fingerprint}` : ''})`;
  }
}

/** The subject as looked up, as one text (for per-number limits and fingerprints). */
export function subjectKey(subject: VerifySubject): string {
  const query = queryOf(subject);
  if (query.kind === 'line') return `line:${query.number}`;
  if (query.kind === 'extension') return `extension:${query.extension}`;
  return `sip:${query.kind === 'sip' ? query.address : ''}`;
}

function queryOf(subject: VerifySubject): IdentityQuery {
  if ('line' in subject) return { kind: 'line', number: normalizeLineNumber(subject.line.replace(/^tel:/i, '').split(';')[0] ?? '') };
  if ('extension' in subject) return { kind: 'extension', extension: subject.extension.replace(/\D/g, '') };
  return { kind: 'sip', address: subject.sip.replace(/^sip:/i, '').toLowerCase() };
}
