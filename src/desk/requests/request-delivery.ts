// What the chat surface needs to carry a request to people: where approvers are reached, the
// request's current view. (The new PIN's card goes through the outbox: desk/deliveries.)
import type { PinRequest } from '../../domain/pin-request.js';
import type { DeskServices } from '../dependencies.js';
import type { RequestView } from '../results.js';
import { expireDueRequests } from './request-expiry.js';
import { RequestNotices } from './request-notices.js';
import { personalKey, requestView } from './request-view.js';

export class RequestDelivery {
  /** What changes still owe people (the request-notice outbox). */
  readonly notices: RequestNotices;

  constructor(private readonly services: Pick<DeskServices, 'store' | 'clock' | 'directory' | 'authority' | 'policies' | 'settings'>) {
    this.notices = new RequestNotices(services);
  }

  /** Where approval cards for a new request go: approval channels, then approvers' 1:1 chats. */
  async approverConversations(request: PinRequest): Promise<unknown[]> {
    const { store, directory, settings } = this.services;
    const targets: unknown[] = (await store.approvalChannels.list()).map((c) => c.reference);
    for (const upn of settings.selfService.approvers) {
      const approver = await directory.findAccount({ userPrincipalName: upn }).catch(() => undefined);
      if (!approver || approver.id === request.requesterId) continue;
      targets.push(...(await store.conversations.allPersonal(personalKey(approver.id))));
    }
    return targets;
  }

  async view(requestId: string): Promise<RequestView | undefined> {
    const request = await this.services.store.requests.get(requestId);
    return request ? requestView(this.services, request) : undefined;
  }

  /** Housekeeping: expire requests whose time is up (each with its notice, which the surface carries). */
  expireDue(): Promise<RequestView[]> {
    return expireDueRequests(this.services);
  }
}
