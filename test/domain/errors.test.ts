// What the audit trail records for each refusal or failure: a stable code (and a rule name),
// whether it was refused by a rule or failed, and never the input itself.
import { describe, expect, it } from 'vitest';
import {
  BackendError,
  CannotDialInError,
  CardExpiredError,
  CommandSyntaxError,
  DirectoryUnavailableError,
  MissingRoleError,
  NoPrivateChatError,
  NotAddresseeError,
  NoUserMatchError,
  OutOfScopeError,
  PinExposedError,
  PinLockedError,
  PinRuleError,
  PolicyConflictError,
  PolicySettingError,
  RateLimitedError,
  SelfApprovalError,
  UnknownCallerError,
  UserNotEnabledError,
  type DeskError,
} from '../../src/domain/errors.js';

const ken = { id: '1', displayName: 'Ken Myer', userPrincipalName: 'ken.myer@contoso.com' };

describe('audit codes', () => {
  it.each<[DeskError, string, 'refused' | 'failed']>([
    [new PinRuleError('too-short', { minimum: 6 }), 'pin-rule:too-short', 'refused'],
    [new PinRuleError('common-pattern', { pattern: 'sequence' }), 'pin-rule:common-pattern:sequence', 'refused'],
    [new MissingRoleError('pin.set', ['CsAdministrator']), 'missing-role:pin.set', 'refused'],
    [new NoUserMatchError('Kne Myer', []), 'no-match', 'refused'],
    [new UserNotEnabledError(ken), 'user-not-enabled', 'refused'],
    [new PinLockedError(ken), 'pin-locked', 'refused'],
    [new UnknownCallerError('29:x', 'untrusted-channel'), 'unknown-caller:untrusted-channel', 'refused'],
    [new PinExposedError(), 'pin-exposed', 'refused'],
    [new NoPrivateChatError(), 'no-private-chat', 'refused'],
    [new NotAddresseeError('Ken Myer'), 'not-addressee', 'refused'],
    [new CardExpiredError('choice'), 'card-expired:choice', 'refused'],
    [new CommandSyntaxError('The message was empty.', 'help'), 'bad-command', 'refused'],
    [new DirectoryUnavailableError(new Error('down')), 'directory-unavailable', 'failed'],
    [new BackendError(new Error('busy')), 'backend-error', 'failed'],
    [new OutOfScopeError('pin.unlock', ken, { ou: 'OU=Redmond' }, []), 'out-of-scope:pin.unlock', 'refused'],
    [new SelfApprovalError(), 'self-approval', 'refused'],
    [new RateLimitedError('decisions-per-minute', 20), 'rate-limited:decisions-per-minute', 'refused'],
    [new CannotDialInError(), 'cannot-dial-in', 'refused'],
    [new PolicySettingError('MinPasswordLength', 'must be from 4 to 24'), 'policy-setting:MinPasswordLength', 'refused'],
    [new PolicyConflictError('site:Redmond', 'exists'), 'policy-conflict:exists', 'refused'],
  ])('%o → %s, %s', (error, reason, outcome) => {
    expect(error.auditReason()).toBe(reason);
    expect(error.outcome).toBe(outcome);
    expect(error).toBeInstanceOf(Error);
  });

  it('failures keep their cause for the log', () => {
    const cause = new Error('SQLITE_BUSY');
    expect(new BackendError(cause).cause).toBe(cause);
    expect(new DirectoryUnavailableError(cause).cause).toBe(cause);
  });

  it('a rule refusal carries its details, never the PIN', () => {
    const error = new PinRuleError('in-history', { historyCount: 3 });
    expect(error.details).toEqual({ historyCount: 3 });
    expect(new PinRuleError('digits-only').details).toEqual({});
    expect(new PolicyConflictError('site:Nowhere', 'unknown-site').known).toEqual([]);
  });
});
