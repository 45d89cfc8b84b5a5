// The audit trail in chat: `audit` (the caller's own recent actions, anyone) and `audit Ken Myer`
// (the last actions on a user, audit.view).
import { requireIdentity } from '../../domain/grammar/arguments.js';
import { cmdletIdentity, summarize } from '../../domain/user.js';
import type { PlainEntry, TargetedEntry } from '../commands/command-entry.js';

/** How many audit records a card shows. */
const AUDIT_LIMIT = 15;

export const auditCommand: PlainEntry<'audit'> = {
  kind: 'audit',
  permission: 'anyone',
  help: { seeAlso: 'audit-user' },
  syntax: {
    phrases: [{ pattern: /^audit(?: for| of)?$/i, build: () => ({ kind: 'audit' }) }],
    example: 'audit',
  },
  run: async ({ store }, { caller }) => ({
    kind: 'audit',
    records: await store.audit.recent({ actor: caller.user.userPrincipalName, limit: AUDIT_LIMIT }),
    about: undefined,
  }),
};

export const auditUserCommand: TargetedEntry<'audit-user'> = {
  kind: 'audit-user',
  permission: 'audit.view',
  target: { needsEnabledUser: false },
  help: [{ usage: 'The last actions on a user', example: 'audit Ken Myer' }],
  syntax: {
    phrases: [{ pattern: /^audit(?: for| of)?\s+(.+)$/i, build: (rest) => ({ kind: 'audit-user', identity: requireIdentity(rest, 'audit Ken Myer') }) }],
    example: 'audit Ken Myer',
  },
  run: async ({ store }, _ctx, _command, user) => ({
    kind: 'audit',
    records: await store.audit.recent({ target: cmdletIdentity(user), limit: AUDIT_LIMIT }),
    about: summarize(user),
  }),
};
