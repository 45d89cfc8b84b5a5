// Who sent an activity, as far as the channel can vouch. In Teams the roster says (by the
// authenticated `from.id`); on other channels `from.id` is taken as an account name only where
// the channel is trusted — by default only in local development.
import { TeamsInfo, type TeamsChannelAccount, type TurnContext } from 'botbuilder';
import type { CallerKey } from '../desk/callers.js';

export interface CallerPolicy {
  trustedChannels: ReadonlySet<string> | '*';
}

const EMULATOR_HINT =
  'In the Emulator, tick Settings → "Use your own user ID to communicate with the bot" and enter a directory account name or UPN (the demo has pilar, anne, chris and vera).';

export async function callerOf(context: TurnContext, policy: CallerPolicy): Promise<CallerKey> {
  const { activity } = context;
  const from = activity.from as (typeof activity.from & { aadObjectId?: string }) | undefined;
  const fromId = typeof from?.id === 'string' ? from.id.trim().slice(0, 200) : '';
  if (activity.channelId === 'msteams') {
    const roster = fromId ? await rosterMember(context, fromId) : { member: undefined, lookup: 'not-found' as const };
    const member = roster.member;
    const objectId = member?.aadObjectId || (member as { objectId?: string } | undefined)?.objectId || from?.aadObjectId || undefined;
    const userPrincipalName = member?.userPrincipalName || undefined;
    return {
      // An id, never the display name the activity carries (anyone can call themselves anything):
      // the roster's UPN, else the Azure AD object id, else the Teams account id.
      appearsAs: userPrincipalName ?? objectId ?? (fromId || 'unknown'),
      trusted: true,
      account: { userPrincipalName, objectId },
      ...(roster.lookup !== 'found' && fromId ? { rosterLookup: roster.lookup } : {}),
    };
  }
  const trusted = policy.trustedChannels === '*' || policy.trustedChannels.has(String(activity.channelId).toLowerCase());
  return {
    appearsAs: fromId ? `${fromId.slice(0, 100)}` : 'unknown',
    trusted,
    hint: activity.channelId === 'emulator' ? EMULATOR_HINT : undefined,
    account: fromId ? { userPrincipalName: fromId.includes('@') ? fromId : undefined, samAccountName: fromId } : {},
  };
}

/** How long a message waits for Teams to say who sent it (the connector client retries 5xx within it). */
const ROSTER_DEADLINE_MS = 4000;

/** The caller's roster entry; 'not-found' when Teams says they are not a member, 'failed' when Teams could not say. */
async function rosterMember(context: TurnContext, id: string): Promise<{ member: TeamsChannelAccount | undefined; lookup: 'found' | 'not-found' | 'failed' }> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no roster answer within ${ROSTER_DEADLINE_MS} ms`)), ROSTER_DEADLINE_MS);
  });
  try {
    return { member: await Promise.race([TeamsInfo.getMember(context, id), deadline]), lookup: 'found' };
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    return { member: undefined, lookup: status === 404 ? 'not-found' : 'failed' };
  } finally {
    clearTimeout(timer);
  }
}
