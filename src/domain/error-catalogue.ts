// The closed catalogue of desk errors: every concrete class, keyed by its code. A code without a
// class, a class under another's code, or an extra key does not compile.
import {
  BackendError,
  BadChoiceError,
  CannotDialInError,
  CardExpiredError,
  CommandSyntaxError,
  DirectoryUnavailableError,
  MissingRoleError,
  NoPrivateChatError,
  NoUserMatchError,
  NotAddresseeError,
  OutOfScopeError,
  PinExposedError,
  PinLockedError,
  PinRuleError,
  PolicyConflictError,
  PolicySettingError,
  RateLimitedError,
  SelfApprovalError,
  StoreUnavailableError,
  UnknownCallerError,
  UserNotEnabledError,
  DeskError,
} from './errors.js';
import type { ErrorCode } from './error-codes.js';

/**
 * The closed catalogue: every concrete DeskError, keyed by its code. A new error class goes here
 * (its code is otherwise not an `ErrorCode`, so the class does not compile), and then needs a
 * message in `src/cards/error-messages.ts` (which otherwise does not compile either).
 */
export const ERROR_CLASSES = {
  'pin-rule': PinRuleError,
  'missing-role': MissingRoleError,
  'no-match': NoUserMatchError,
  'user-not-enabled': UserNotEnabledError,
  'pin-locked': PinLockedError,
  'unknown-caller': UnknownCallerError,
  'pin-exposed': PinExposedError,
  'no-private-chat': NoPrivateChatError,
  'not-addressee': NotAddresseeError,
  'card-expired': CardExpiredError,
  'bad-choice': BadChoiceError,
  'bad-command': CommandSyntaxError,
  'directory-unavailable': DirectoryUnavailableError,
  'backend-error': BackendError,
  'store-unavailable': StoreUnavailableError,
  'out-of-scope': OutOfScopeError,
  'self-approval': SelfApprovalError,
  'rate-limited': RateLimitedError,
  'cannot-dial-in': CannotDialInError,
  'policy-setting': PolicySettingError,
  'policy-conflict': PolicyConflictError,
} as const satisfies { [C in ErrorCode]: abstract new (...args: never[]) => DeskError };

/** The concrete error class for each code. */
export type ErrorByCode = { [C in ErrorCode]: InstanceType<(typeof ERROR_CLASSES)[C]> };

/** Any concrete DeskError. */
export type KnownError = ErrorByCode[ErrorCode];

/**
 * The catalogue agrees with itself: each key names the class whose `code` is that key, so no class
 * sits under another's code, and no class is listed twice (its one code matches one key only).
 * Object literal keys are unique, so each code has exactly one class.
 */
type Mismatched = { [C in ErrorCode]: ErrorByCode[C]['code'] extends C ? (C extends ErrorByCode[C]['code'] ? never : C) : C }[ErrorCode];
const catalogueAgrees: [Mismatched] extends [never] ? true : { mismatched: Mismatched } = true;
void catalogueAgrees;

/** True for an instance of a catalogued class under its own code (anything else is a bug). */
export function isKnownError(error: unknown): error is KnownError {
  if (!(error instanceof DeskError)) return false;
  const cls: unknown = Object.hasOwn(ERROR_CLASSES, error.code) ? ERROR_CLASSES[error.code] : undefined;
  return typeof cls === 'function' && error instanceof cls;
}
