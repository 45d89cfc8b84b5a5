// `help` and `whoami` as text: the lines the caller's roles allow (from the command registry), the
// ways to name a user for admins, then what anyone may do.
import type { CallerView, HelpView } from '../desk/results.js';
import type { RoleGrant } from '../domain/role-grants.js';

export function helpText(caller: CallerView, help: HelpView): string {
  const roles = caller.roles.size > 0 ? [...caller.roles].join(', ') : 'no PinDesk admin role';
  const lines = [`**PinDesk** — you are ${caller.user.displayName} (${roles}).`, ''];
  if (!help.admin) lines.push("You can't change other people's PINs, but you can ask for your own:");
  lines.push(...help.lines.map((line) => `- ${line.usage}: \`${line.example}\``));
  if (help.historyBy === 'server') lines.push('', SERVER_HISTORY_HELP);
  if (help.admin) lines.push('', 'Users can be named by display name, first or last name, account (kmyer or CONTOSO\\kmyer), UPN, SIP address or phone number (+14255550100).');
  lines.push(...help.forEveryone.map((line) => `- ${line.usage}: \`${line.example}\``));
  return lines.join('\n');
}

/** PIN_AUTHORITY=sfb: the history rule is the server's, and it does not apply to a PIN set here. */
export const SERVER_HISTORY_HELP =
  'PIN history (PINHistoryCount) is kept by the Skype for Business server, which skips it for a PIN an administrator sets: PinDesk cannot check it, so a new PIN may repeat an old one, and `ignore-history` changes nothing.';

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
