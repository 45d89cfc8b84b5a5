// Every error code, one literal per error class. The catalogue (`error-catalogue.ts`) checks that
// each code has exactly one class under it and each class its own code; the chat messages
// (`src/cards/error-messages.ts`) need one message per code.
export type ErrorCode =
  | 'pin-rule'
  | 'missing-role'
  | 'no-match'
  | 'user-not-enabled'
  | 'pin-locked'
  | 'unknown-caller'
  | 'pin-exposed'
  | 'no-private-chat'
  | 'not-addressee'
  | 'card-expired'
  | 'bad-choice'
  | 'bad-command'
  | 'directory-unavailable'
  | 'backend-error'
  | 'store-unavailable'
  | 'out-of-scope'
  | 'self-approval'
  | 'rate-limited'
  | 'cannot-dial-in'
  | 'policy-setting'
  | 'policy-conflict';
