// Grant-CsPinPolicy: a per-user policy for one user (or none: back to the site or Global policy).
import { CommandSyntaxError, PolicyConflictError } from '../../domain/errors.js';
import { identityParam, policyName, requireIdentity } from '../../domain/grammar/arguments.js';
import { parsePolicyIdentity } from '../../domain/policy-admin.js';
import { tagPolicyIdentity } from '../../domain/policy.js';
import { summarize, type DirectoryUser } from '../../domain/user.js';
import type { PolicyAuthority } from '../../ports/policy-authority.js';
import type { CommandOf, TargetedEntry } from '../commands/command-entry.js';
import type { DeskResult } from '../results.js';
import type { AuditScope } from '../turn.js';

export const grantPolicyCommand: TargetedEntry<'grant-policy'> = {
  kind: 'grant-policy',
  permission: 'policy.grant',
  target: { needsEnabledUser: false },
  help: [{ usage: 'Grant (or revoke) a per-user PIN policy', example: 'grant pin policy StrictPin to Ken Myer' }],
  syntax: {
    phrases: [
      {
        pattern: /^grant pin[ -]?policy(?:\s+(.*))?$/i,
        build: (rest) => {
          const match = /^(\S+)\s+to\s+(.+)$/i.exec(rest);
          if (!match) throw new CommandSyntaxError('Say which policy and to whom.', 'grant pin policy StrictPin to Ken Myer');
          return { kind: 'grant-policy', policyName: policyName(match[1]!), identity: requireIdentity(match[2]!, 'grant pin policy StrictPin to Ken Myer') };
        },
      },
      {
        pattern: /^revoke pin[ -]?policy(?: from)?(?:\s+(.*))?$/i,
        build: (rest) => ({ kind: 'grant-policy', identity: requireIdentity(rest, 'revoke pin policy from Ken Myer'), policyName: undefined }),
      },
    ],
    cmdlets: [
      {
        name: 'Grant-CsPinPolicy',
        parameters: ['Identity', 'PolicyName'],
        example: 'Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName StrictPin',
        build: (p) => {
          const name = p.get('PolicyName');
          if (typeof name !== 'string') throw new CommandSyntaxError('-PolicyName is required ($null revokes).', 'Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName StrictPin');
          return {
            kind: 'grant-policy',
            identity: identityParam(p, 'Grant-CsPinPolicy -Identity "Ken Myer" -PolicyName StrictPin'),
            policyName: /^\$null$/i.test(name) ? undefined : policyName(name),
          };
        },
      },
    ],
    example: 'grant pin policy StrictPin to Ken Myer',
  },
  cli: [
    {
      name: 'policy grant',
      arguments: '<policy> <identity>',
      summary: 'grant a per-user policy',
      build: (args) => {
        const policy = parsePolicyIdentity(args.required(args.positionals[0], 'policy grant <policy> <identity>'));
        if (!policy.startsWith('tag:')) args.usage('Only per-user policies are granted.');
        return { kind: 'grant-policy', policyName: policy.slice(4), identity: args.required(args.positionals.slice(1).join(' ') || undefined, 'policy grant <policy> <identity>') };
      },
    },
    {
      name: 'policy revoke',
      arguments: '<identity>',
      summary: 'back to the site or Global policy',
      build: (args) => ({ kind: 'grant-policy', policyName: undefined, identity: args.required(args.positionals.join(' ') || undefined, 'policy revoke <identity>') }),
    },
  ],
  // The policy's existence checked and the grant written as one (policies in the store: one
  // transaction), so a policy removed meanwhile on another instance is not granted.
  run: async ({ policies, atomically }, { scope }, command, user) => {
    const result = await (policies.joinsStoreTransaction ? atomically((tx) => grant(tx.policies, scope, command, user)) : grant(policies, scope, command, user));
    scope.committed = true;
    return result;
  },
};

async function grant(policies: PolicyAuthority, scope: AuditScope, command: CommandOf<'grant-policy'>, user: DirectoryUser): Promise<DeskResult> {
  const all = await policies.policies();
  const { policyName } = command;
  if (policyName !== undefined && !all.has(tagPolicyIdentity(policyName))) {
    throw new PolicyConflictError(tagPolicyIdentity(policyName), 'missing', [...all.keys()].filter((k) => k.startsWith('tag:')));
  }
  const before = (await policies.governing(user, all)).grantedTag;
  await policies.grant(user, policyName);
  scope.action = policyName === undefined ? 'revoke-policy' : 'grant-policy';
  scope.reason = JSON.stringify({ PinPolicy: [before ?? null, policyName ?? null] });
  // Read again: where the user falls back to (site or Global) is the authority's to say.
  const { grantedTag: _tag, ...effective } = await policies.governing(user, all);
  return { kind: 'policy-granted', user: summarize(user), policyName, effective };
}
