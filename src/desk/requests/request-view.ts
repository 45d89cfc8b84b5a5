// What a request's cards show about the requester: who, their governing policy, whether the PIN
// is locked now. Best effort: a card is still drawn when the directory or store cannot say.
import { pinStatusAt } from '../../domain/pin-state.js';
import type { PinRequest } from '../../domain/pin-request.js';
import { summarize, type DirectoryUser } from '../../domain/user.js';
import type { DeskServices } from '../dependencies.js';
import type { RequestView } from '../results.js';

export type ViewDeps = Pick<DeskServices, 'directory' | 'authority' | 'policies' | 'store' | 'clock'>;

export async function requestView({ directory, authority, policies, clock }: ViewDeps, request: PinRequest, requester?: DirectoryUser): Promise<RequestView> {
  const user = requester ?? (await directory.getById(request.requesterId).catch(() => undefined));
  if (!user) return { request, pinLocked: false };
  const state = await authority.state(user.id, clock(), user.sipAddress).catch(() => undefined);
  return {
    request,
    requester: summarize(user),
    policyIdentity: await policies.governing(user).then((e) => e.policy.identity, () => undefined),
    pinLocked: state ? pinStatusAt(state, clock()).isLockedOut : false,
  };
}

/** Conversation-store key for a directory user's 1:1 chats (others are keyed by channel account). */
export function personalKey(directoryId: string): string {
  return `dir:${directoryId}`;
}
