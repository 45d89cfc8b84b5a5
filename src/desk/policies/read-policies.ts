// Reading PIN policies (Get-CsPinPolicy): the one governing the caller (anyone), a user's and
// where it comes from, one by identity, or all of them.
import { PolicyConflictError } from '../../domain/errors.js';
import { requireIdentity } from '../../domain/grammar/arguments.js';
import { parsePolicyIdentity } from '../../domain/policy-admin.js';
import type { PinPolicy } from '../../domain/policy.js';
import { summarize } from '../../domain/user.js';
import { authorize } from '../access.js';
import type { PlainEntry, TargetedEntry } from '../commands/command-entry.js';

export const showPolicyCommand: PlainEntry<'show-policy'> = {
  kind: 'show-policy',
  permission: 'request.own',
  help: [{ usage: 'The policy your PIN follows', example: 'pin policy' }],
  syntax: {
    phrases: [{ pattern: /^(?:show )?pin[ -]?policy(?: for| of)?$/i, build: () => ({ kind: 'show-policy' }) }],
    example: 'pin policy',
  },
  run: async ({ policies }, { caller }, command) => {
    if (command.policy === undefined) {
      // Anyone may see the policy that governs their own PIN.
      const effective = await policies.governing(caller.user);
      return { kind: 'policy', policy: effective.policy, source: effective.scope, user: summarize(caller.user) };
    }
    authorize(caller, 'pin.status');
    const all = await policies.policies();
    const policy = all.get(command.policy);
    if (!policy) throw new PolicyConflictError(command.policy, 'missing', [...all.keys()]);
    return { kind: 'policy', policy, source: scopeOf(command.policy) };
  },
};

export const userPolicyCommand: TargetedEntry<'user-policy'> = {
  kind: 'user-policy',
  permission: 'pin.status',
  target: { needsEnabledUser: false },
  help: [{ usage: "A user's PIN policy and where it comes from", example: 'pin policy Ken Myer' }],
  syntax: {
    // `pin policy list` lists them all.
    phrases: [
      {
        pattern: /^(?:show )?pin[ -]?policy(?: for| of)?\s+(?!list$)(.+)$/i,
        build: (rest) => ({ kind: 'user-policy', identity: requireIdentity(rest, 'pin policy Ken Myer') }),
      },
    ],
    example: 'pin policy Ken Myer',
  },
  run: async ({ policies }, _ctx, _command, user) => {
    const effective = await policies.governing(user);
    return { kind: 'policy', policy: effective.policy, source: effective.scope, user: summarize(user) };
  },
};

export const listPoliciesCommand: PlainEntry<'list-policies'> = {
  kind: 'list-policies',
  permission: 'pin.status',
  help: [{ usage: 'All PIN policies', example: 'pin policies' }],
  syntax: {
    phrases: [{ pattern: /^(?:get-?)?pin[ -]?polic(?:y|ies) list$|^pin[ -]?policies$/i, build: () => ({ kind: 'list-policies' }) }],
    cmdlets: [
      {
        name: 'Get-CsPinPolicy',
        parameters: ['Identity'],
        example: 'Get-CsPinPolicy -Identity site:Redmond',
        build: (p) => {
          const identity = p.get('Identity');
          return typeof identity === 'string' ? { kind: 'show-policy', policy: parsePolicyIdentity(identity) } : { kind: 'list-policies' };
        },
      },
    ],
    example: 'pin policies',
  },
  cli: [
    { name: 'policy list', arguments: '', summary: 'every PIN policy', build: () => ({ kind: 'list-policies' }) },
    {
      name: 'policy show',
      arguments: '<policy>',
      summary: 'one policy (Global, site:NAME, NAME)',
      build: (args) => ({ kind: 'show-policy', policy: parsePolicyIdentity(args.required(args.positionals[0], 'policy show <policy>')) }),
    },
  ],
  run: async ({ policies }) => ({ kind: 'policies', policies: [...(await policies.policies()).values()].sort(byScope) }),
};

export function scopeOf(identity: string): 'tag' | 'site' | 'global' {
  return identity.startsWith('tag:') ? 'tag' : identity.startsWith('site:') ? 'site' : 'global';
}

const SCOPE_ORDER = { global: 0, site: 1, tag: 2 } as const;

function byScope(a: PinPolicy, b: PinPolicy): number {
  return SCOPE_ORDER[scopeOf(a.identity)] - SCOPE_ORDER[scopeOf(b.identity)] || a.identity.localeCompare(b.identity);
}
