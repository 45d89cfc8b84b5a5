// `help`: only what the caller's role allows, one example each.
import type { CallerView } from '../desk/results.js';
import type { RoleGrant } from '../domain/role-grants.js';
import type { Permission } from '../domain/roles.js';

interface HelpEntry {
  permission: Permission;
  usage: string;
  example: string;
}

const ENTRIES: HelpEntry[] = [
  { permission: 'pin.set', usage: 'Set a new generated PIN (revealed privately)', example: 'set pin Ken Myer' },
  { permission: 'pin.set', usage: 'Set a PIN you choose (1:1 chat only)', example: 'set pin Ken Myer 730194' },
  { permission: 'pin.set', usage: 'The cmdlet form works too', example: 'Set-CsClientPin -Identity "Ken Myer" -Pin 730194' },
  { permission: 'pin.unlock', usage: 'Unlock a PIN and reset its failure counters', example: 'unlock pin Ken Myer' },
  { permission: 'pin.lock', usage: 'Lock a PIN', example: 'lock pin sip:ken.myer@contoso.com' },
  { permission: 'pin.status', usage: 'Show PIN status (never the PIN)', example: 'pin status kmyer' },
  { permission: 'user.find', usage: 'Find users by name, account, SIP address or number', example: 'find user Ken' },
  { permission: 'user.find', usage: 'Filter like the Control Panel (=, !=, starts with, contains)', example: 'find user where site = Redmond and line starts with +1425' },
  { permission: 'user.find', usage: 'Save, list, run and delete searches', example: 'save search redmond as find user where site = Redmond' },
  { permission: 'pin.status', usage: "A user's PIN policy and where it comes from", example: 'pin policy Ken Myer' },
  { permission: 'pin.status', usage: 'All PIN policies', example: 'pin policies' },
  { permission: 'policy.manage', usage: 'Create, change or remove a PIN policy', example: 'new pin policy site:Redmond min 6 history 3' },
  { permission: 'policy.grant', usage: 'Grant (or revoke) a per-user PIN policy', example: 'grant pin policy StrictPin to Ken Myer' },
  { permission: 'audit.view', usage: 'The last actions on a user', example: 'audit Ken Myer' },
  { permission: 'request.decide', usage: 'See PIN requests waiting for a decision', example: 'requests' },
  { permission: 'approvals.manage', usage: 'Post approval requests in this channel (or stop)', example: 'approvals here' },
  { permission: 'request.own', usage: 'Ask for a new PIN for yourself (an approver decides)', example: 'reset my pin - new phone' },
  { permission: 'request.own', usage: 'Ask for your locked PIN to be unlocked', example: 'unlock my pin' },
  { permission: 'request.own', usage: 'Your requests and their state', example: 'my requests' },
  { permission: 'request.own', usage: 'The policy your PIN follows', example: 'pin policy' },
];

export function helpText(caller: CallerView, permissions: ReadonlySet<Permission>): string {
  const allowed = ENTRIES.filter((entry) => permissions.has(entry.permission));
  const admin = allowed.some((entry) => entry.permission !== 'request.own');
  const roles = caller.roles.size > 0 ? [...caller.roles].join(', ') : 'no PinDesk admin role';
  const lines = [`**PinDesk** — you are ${caller.user.displayName} (${roles}).`, ''];
  if (!admin) lines.push("You can't change other people's PINs, but you can ask for your own:");
  lines.push(...allowed.map((entry) => `- ${entry.usage}: \`${entry.example}\``));
  if (admin) lines.push('', 'Users can be named by display name, first or last name, account (kmyer or CONTOSO\\kmyer), UPN, SIP address or phone number (+14255550100).');
  lines.push('- Who PinDesk thinks you are: `whoami`');
  return lines.join('\n');
}

export function whoamiText(caller: CallerView, groups: readonly string[], grants: readonly RoleGrant[]): string {
  const roles = grants.length > 0 ? grants.map(describeGrant).join('; ') : 'none';
  return [
    `You are **${caller.user.displayName}** (${caller.user.userPrincipalName}).`,
    `PinDesk roles: ${roles}.`,
    `Groups: ${groups.length > 0 ? [...groups].sort().join(', ') : 'none'}.`,
  ].join('\n\n');
}

function describeGrant(grant: RoleGrant): string {
  if (!grant.scope) return grant.role;
  const scopes = [...grant.scope.ous.map((ou) => `OU:${ou}`), ...grant.scope.sites.map((site) => `site:${site}`)];
  return `${grant.role} for ${scopes.join(', ')} (through ${grant.via})`;
}
