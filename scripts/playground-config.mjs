// The Microsoft 365 Agents Playground's mock Teams tenant, made from the demo directory: the
// signed-in user plus exactly five others (the Playground requires five), with their real UPNs
// and object ids so PinDesk's roster look-up finds them in the directory.
import { readFileSync } from 'node:fs';

/** Who appears in the Playground, in this order of preference. */
const CAST = ['pilar', 'kmyer', 'anne', 'chris', 'vera', 'kmeyer', 'oward'];

export const TEAM = { id: 'team-helpdesk', name: 'Helpdesk', approvalsChannel: 'channel-approvals' };

export function teamsUserId(sam) {
  return `user-${sam}`;
}

/** JSON is YAML: the Playground reads this as its .m365agentsplayground.yml. */
export function playgroundConfig(directoryFile, as = 'pilar') {
  const demo = JSON.parse(readFileSync(directoryFile, 'utf8'));
  const person = (sam) => {
    const user = demo.users.find((u) => u.sAMAccountName.toLowerCase() === sam.toLowerCase());
    if (!user) throw new Error(`"${sam}" is not in the demo directory; try one of: ${CAST.join(', ')}`);
    return {
      id: teamsUserId(user.sAMAccountName),
      name: user.displayName,
      userPrincipleName: user.userPrincipalName,
      aadObjectId: user.objectGUID,
      givenName: user.givenName ?? user.displayName,
      surname: user.sn ?? '',
      email: user.mail ?? user.userPrincipalName,
    };
  };
  const current = person(as);
  const others = CAST.filter((sam) => sam !== as.toLowerCase()).slice(0, 5).map(person);
  return {
    version: '0.1.1',
    tenantId: '9f3c2c57-3c5e-4a53-9c1f-1c2d3e4f5a6b',
    bot: { id: '28:pindesk', name: 'PinDesk' },
    currentUser: current,
    users: others,
    personalChat: { id: `personal-${current.id}` },
    groupChat: { id: 'group-chat-helpdesk', name: 'Helpdesk chat' },
    team: {
      id: TEAM.id,
      name: TEAM.name,
      aadGroupId: '5b1a9c3e-2f4d-4e6a-8b7c-9d0e1f2a3b4c',
      channels: [{ id: TEAM.approvalsChannel, name: 'Approvals' }],
    },
  };
}
