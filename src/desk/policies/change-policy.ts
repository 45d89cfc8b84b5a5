// New-, Set- and Remove-CsPinPolicy: validated per the spec, naming the parameter at fault; every
// change audited with its before and after values.
import type { Command } from '../../domain/commands.js';
import { CommandSyntaxError, PolicyConflictError } from '../../domain/errors.js';
import { changeFromParameters, changeFromWords, describeChange, applyPolicyChange, parsePolicyIdentity } from '../../domain/policy-admin.js';
import { tokenizePowerShell } from '../../domain/grammar/powershell-tokens.js';
import { unquote } from '../../domain/grammar/normalize.js';
import { GLOBAL_DEFAULTS, GLOBAL_POLICY_IDENTITY, sitePolicyIdentity, type PinPolicy, type PolicyIdentity } from '../../domain/policy.js';
import type { PolicyAuthority } from '../../ports/policy-authority.js';
import type { CliArguments, CommandOf, PlainEntry } from '../commands/command-entry.js';
import type { DeskServices } from '../dependencies.js';
import type { DeskResult } from '../results.js';
import type { AuditScope, UseCaseContext } from '../turn.js';

type PolicyChangeCommand = CommandOf<'new-policy' | 'set-policy' | 'remove-policy'>;

const POLICY_PARAMETERS = ['MinPasswordLength', 'PINHistoryCount', 'PINLifetime', 'AllowCommonPatterns', 'MaximumLogonAttempts', 'Description'];

/** `new pin policy StrictPin min 8`, `set pin policy min 6` (no identity: Global, as the cmdlet). */
function fromWords(rest: string, isNew: boolean): Command {
  const tokens = tokenizePowerShell(rest).map((t) => t.value);
  const first = tokens[0];
  const hasIdentity = first !== undefined && (tokens.length % 2 === 1 || /^(global|site:|tag:)/i.test(first));
  if (isNew && !hasIdentity) throw new CommandSyntaxError('Name the new policy: site:<site> or a per-user name.', 'new pin policy StrictPin min 8 history 5');
  const policy = parsePolicyIdentity(hasIdentity ? first : undefined);
  const change = changeFromWords(hasIdentity ? tokens.slice(1) : tokens);
  return isNew ? { kind: 'new-policy', policy, change } : { kind: 'set-policy', policy, change };
}

const SETTINGS_HELP = 'Settings: --min N --history N --lifetime DAYS --attempts N|unset --common-patterns yes|no --description TEXT';

/** `--min 6 --history 3 ...` of the command line, as the words the chat form takes. */
function cliSettings(args: CliArguments): string[] {
  return ['min', 'history', 'lifetime', 'attempts', 'common-patterns', 'description'].flatMap((key) => {
    const value = args.options[key];
    return typeof value === 'string' ? [key, value] : [];
  });
}

export const newPolicyCommand: PlainEntry<'new-policy'> = {
  kind: 'new-policy',
  permission: 'policy.manage',
  help: [{ usage: 'Create, change or remove a PIN policy', example: 'new pin policy site:Redmond min 6 history 3' }],
  syntax: {
    phrases: [{ pattern: /^new pin[ -]?policy(?:\s+(.*))?$/i, build: (rest) => fromWords(rest, true) }],
    cmdlets: [
      {
        name: 'New-CsPinPolicy',
        parameters: ['Identity', ...POLICY_PARAMETERS],
        example: 'New-CsPinPolicy -Identity site:Redmond -MinPasswordLength 6',
        build: (p) => {
          const identity = p.get('Identity');
          if (typeof identity !== 'string') throw new CommandSyntaxError('-Identity is required.', 'New-CsPinPolicy -Identity StrictPin -MinPasswordLength 8');
          return { kind: 'new-policy', policy: parsePolicyIdentity(identity), change: changeFromParameters(p) };
        },
      },
    ],
    example: 'new pin policy StrictPin min 8',
  },
  cli: [
    {
      name: 'policy new',
      arguments: '<policy> [settings]',
      summary: 'create a policy from the defaults, with settings',
      details: SETTINGS_HELP,
      build: (args) => ({ kind: 'new-policy', policy: parsePolicyIdentity(args.required(args.positionals[0], 'policy new <policy> [settings]')), change: changeFromWords(cliSettings(args)) }),
    },
  ],
  run: (services, ctx, command) => changePolicy(services, ctx, command),
};

export const setPolicyCommand: PlainEntry<'set-policy'> = {
  kind: 'set-policy',
  permission: 'policy.manage',
  help: { seeAlso: 'new-policy' },
  syntax: {
    phrases: [{ pattern: /^(?:set|change) pin[ -]?policy(?:\s+(.*))?$/i, build: (rest) => fromWords(rest, false) }],
    cmdlets: [
      {
        name: 'Set-CsPinPolicy',
        parameters: ['Identity', ...POLICY_PARAMETERS],
        example: 'Set-CsPinPolicy -Identity site:Redmond -PINHistoryCount 3',
        build: (p) => {
          const identity = p.get('Identity');
          return { kind: 'set-policy', policy: parsePolicyIdentity(typeof identity === 'string' ? identity : undefined), change: changeFromParameters(p) };
        },
      },
    ],
    example: 'set pin policy site:Redmond history 3',
  },
  cli: [
    {
      name: 'policy set',
      arguments: '[<policy>] [settings]',
      summary: 'change a policy (no policy: Global)',
      details: SETTINGS_HELP,
      build: (args) => ({ kind: 'set-policy', policy: parsePolicyIdentity(args.positionals[0]), change: changeFromWords(cliSettings(args)) }),
    },
  ],
  run: (services, ctx, command) => changePolicy(services, ctx, command),
};

export const removePolicyCommand: PlainEntry<'remove-policy'> = {
  kind: 'remove-policy',
  permission: 'policy.manage',
  help: { seeAlso: 'new-policy' },
  syntax: {
    phrases: [
      {
        pattern: /^(?:remove|delete) pin[ -]?policy(?:\s+(.*))?$/i,
        build: (rest) => {
          if (!rest) throw new CommandSyntaxError('Say which policy to remove.', 'remove pin policy site:Redmond');
          return { kind: 'remove-policy', policy: parsePolicyIdentity(unquote(rest)) };
        },
      },
    ],
    cmdlets: [
      {
        name: 'Remove-CsPinPolicy',
        parameters: ['Identity'],
        example: 'Remove-CsPinPolicy -Identity site:Redmond',
        build: (p) => {
          const identity = p.get('Identity');
          if (typeof identity !== 'string') throw new CommandSyntaxError('-Identity is required.', 'Remove-CsPinPolicy -Identity site:Redmond');
          return { kind: 'remove-policy', policy: parsePolicyIdentity(identity) };
        },
      },
    ],
    example: 'remove pin policy site:Redmond',
  },
  cli: [
    {
      name: 'policy remove',
      arguments: '<policy>',
      summary: 'remove a policy (Global: back to the defaults)',
      build: (args) => ({ kind: 'remove-policy', policy: parsePolicyIdentity(args.required(args.positionals[0], 'policy remove <policy>')) }),
    },
  ],
  run: (services, ctx, command) => changePolicy(services, ctx, command),
};

async function changePolicy(services: Pick<DeskServices, 'policies' | 'directory' | 'atomically'>, { scope }: UseCaseContext, command: PolicyChangeCommand): Promise<DeskResult> {
  scope.target = command.policy;
  const identity = await namedAsTheDirectory(services, command.policy);
  scope.target = identity;
  // Read, changed and written back as one (policies in the store: one transaction, one at a time
  // across instances), or a change made meanwhile on another instance would be silently undone.
  const { policies, atomically } = services;
  const result = await (policies.joinsStoreTransaction ? atomically((tx) => applyChange(tx.policies, identity, command, scope)) : applyChange(policies, identity, command, scope));
  scope.committed = true;
  return result;
}

/**
 * A site policy named as the directory spells the site: policies are looked up by exact identity,
 * so `site:redmond` would otherwise be kept beside `site:Redmond` and govern nobody.
 */
async function namedAsTheDirectory({ directory }: Pick<DeskServices, 'directory'>, identity: PolicyIdentity): Promise<PolicyIdentity> {
  if (!identity.startsWith('site:')) return identity;
  const site = identity.slice('site:'.length);
  const sites = await directory.sites();
  const known = sites.find((s) => s.toLowerCase() === site.toLowerCase());
  if (known === undefined) throw new PolicyConflictError(identity, 'unknown-site', sites);
  return sitePolicyIdentity(known);
}

async function applyChange(policies: PolicyAuthority, identity: PolicyIdentity, command: PolicyChangeCommand, scope: AuditScope): Promise<DeskResult> {
  const all = await policies.policies();
  const before = all.get(identity);
  let policy: PinPolicy;
  let change: 'created' | 'changed';
  switch (command.kind) {
    case 'new-policy':
      if (identity === GLOBAL_POLICY_IDENTITY) throw new PolicyConflictError(identity, 'global');
      if (before) throw new PolicyConflictError(identity, 'exists');
      // A new policy starts from the Skype for Business defaults, as New-CsPinPolicy does.
      policy = { identity, ...applyPolicyChange(GLOBAL_DEFAULTS, command.change) };
      change = 'created';
      break;
    case 'set-policy':
      if (!before) throw new PolicyConflictError(identity, 'missing', [...all.keys()]);
      policy = { identity, ...applyPolicyChange(settingsOf(before), command.change) };
      change = 'changed';
      break;
    case 'remove-policy': {
      if (identity !== GLOBAL_POLICY_IDENTITY && !before) throw new PolicyConflictError(identity, 'missing', [...all.keys()]);
      await policies.remove(identity);
      // Global cannot be deleted: "removing" it resets it to the defaults.
      const after = identity === GLOBAL_POLICY_IDENTITY ? { identity, ...GLOBAL_DEFAULTS } : undefined;
      scope.reason = describeChange(before, after);
      return { kind: 'policy-changed', change: after ? 'reset' : 'removed', identity, policy: after };
    }
  }
  await policies.save(policy, change === 'created' ? 'create' : 'change');
  scope.reason = describeChange(before, policy);
  return { kind: 'policy-changed', change, identity, policy };
}

function settingsOf(policy: PinPolicy) {
  const { identity: _identity, ...settings } = policy;
  return settings;
}
