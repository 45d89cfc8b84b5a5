// The dial-in system's question: is this the right PIN for the person behind this number,
// extension or SIP address? Counters and locks follow the spec's lockout model; every attempt is
// audited (never with the PIN).
import { lineNumberOf, normalizeLineNumber, type IdentityQuery } from '../domain/identity.js';
import type { VerifyResult } from '../domain/lockout.js';
import { logonLimits } from '../domain/pin-state.js';
import { resolveEffectivePolicy } from '../domain/policy.js';
import { cmdletIdentity } from '../domain/user.js';
import type { DeskDependencies } from './dependencies.js';

export type VerifySubject = { line: string } | { extension: string } | { sip: string };

export interface VerifySettings {
  /** What callers see for an unknown user: 'invalid' (default) hides which numbers have accounts. */
  unknownUserResult: 'invalid' | 'unknown-user';
}

export class PinVerifier {
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
    let result: VerifyResult;
    if (!user || !user.enabled) {
      result = 'unknown-user';
    } else {
      const [policies, grantedTag] = await Promise.all([store.policies.policies(), store.policies.grantedTag(user.id)]);
      const { policy } = resolveEffectivePolicy({ grantedTag, site: user.site }, policies);
      // Digits only: anything else is just a wrong PIN (and counts as one).
      result = await authority.verify(user.id, /^\d{1,24}$/.test(pin) ? pin : '', clock(), (length) => logonLimits(policy, length));
    }
    await store.audit.append({
      at: clock(),
      actor,
      action: 'verify',
      target: user ? cmdletIdentity(user) : describe(subject),
      outcome: result === 'ok' ? 'ok' : 'refused',
      reason: result,
      requestId: `verify-${clock().getTime()}`,
    });
    return result === 'unknown-user' ? this.settings.unknownUserResult : result;
  }
}

function queryOf(subject: VerifySubject): IdentityQuery {
  if ('line' in subject) return { kind: 'line', number: normalizeLineNumber(subject.line.replace(/^tel:/i, '').split(';')[0] ?? '') };
  if ('extension' in subject) return { kind: 'extension', extension: subject.extension.replace(/\D/g, '') };
  return { kind: 'sip', address: subject.sip.replace(/^sip:/i, '').toLowerCase() };
}

function describe(subject: VerifySubject): string {
  if ('line' in subject) return `line ${subject.line}`;
  if ('extension' in subject) return `extension ${subject.extension}`;
  return subject.sip;
}
