// Who sent an activity, as far as the channel can vouch. In Teams the roster says (by the
// authenticated `from.id`); on other channels `from.id` is taken as an account name only where
// the channel is trusted — by default only in local development.
import { TeamsInfo, type TurnContext } from 'botbuilder';
import type { CallerKey } from '../desk/callers.js';

export interface CallerPolicy {
  trustedChannels: ReadonlySet<string> | '*';
}

const EMULATOR_HINT =
  'In the Emulator, tick Settings → "Use your own user ID to communicate with the bot" and enter a directory account name or UPN (the demo has pilar, anne, chris and vera).';

export async function callerOf(context: TurnContext, policy: CallerPolicy): Promise<CallerKey> {
  const { activity } = context;
  const from = activity.from as (typeof activity.from & { aadObjectId?: string }) | undefined;
  const fromId = typeof from?.id === 'string' ? from.id.trim() : '';
  if (activity.channelId === 'msteams') {
    const member = fromId ? await TeamsInfo.getMember(context, fromId).catch(() => undefined) : undefined;
    const objectId = member?.aadObjectId ?? (member as { objectId?: string } | undefined)?.objectId ?? from?.aadObjectId;
    return {
      appearsAs: member?.userPrincipalName ?? member?.email ?? from?.name ?? (fromId || 'unknown'),
      trusted: true,
      account: { userPrincipalName: member?.userPrincipalName, objectId },
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
