// Cards of the self-service flow: the requester's (state, Cancel), the approvers' (who, why, which
// policy, Approve / Deny with an optional reason), and lists. Every state change redraws them all,
// so nobody acts on a stale card.
import type { RequestView } from '../desk/results.js';
import type { PinRequest } from '../domain/pin-request.js';
import { actionSet, button, card, facts, formatTime, heading, plainText, text, Verbs, type AdaptiveCard, type CardElement } from './elements.js';

const WHAT: Record<PinRequest['kind'], string> = { reset: 'reset', unlock: 'unlock' };

/** "Approved by Pilar Ackerman at 27 Nov 2026 10:32 UTC" and the like. */
export function stateLine(request: PinRequest): string {
  const by = request.decidedByName ?? 'someone';
  const at = request.decidedAt ? ` at ${formatTime(request.decidedAt)}` : '';
  switch (request.state) {
    case 'pending':
      return `Waiting for approval, until ${formatTime(request.expiresAt)}.`;
    case 'approved':
      return `Approved by ${by}${at}.`;
    case 'denied':
      return `Denied by ${by}${at}${request.decisionNote ? `: ${request.decisionNote}` : '.'}`;
    case 'cancelled':
      return `Cancelled by the requester${at}.`;
    case 'expired':
      return `Expired${at}: nobody decided in time.`;
  }
}

/** The state line, as plain text: it can carry an approver's denial note. */
function stateBlock(request: PinRequest): CardElement {
  return plainText([{ text: stateLine(request), options: { weight: 'Bolder', color: stateColor(request) } }]);
}

/** "Reason: …" as plain text: the requester typed it, and it must not become a link or formatting. */
function reasonBlock(reason: string | undefined): CardElement {
  return plainText([{ text: 'Reason: ', options: { weight: 'Bolder' } }, reason ?? '(none given)']);
}

export function requesterCard(view: RequestView): AdaptiveCard {
  const { request } = view;
  const pending = request.state === 'pending';
  return card(
    [
      heading(`Your request to ${WHAT[request.kind]} your dial-in PIN`),
      stateBlock(request),
      facts([
        ['Requested', formatTime(request.createdAt)],
        ['Request id', request.id],
      ]),
      ...(request.reason ? [reasonBlock(request.reason)] : []),
      text(
        pending
          ? request.kind === 'reset'
            ? 'When an approver says yes, your new PIN comes to this chat, hidden until you press Reveal. Only you can reveal it.'
            : 'When an approver says yes, your PIN is unlocked and I will tell you here.'
          : request.state === 'approved' && request.kind === 'reset'
            ? approvedResetLine(view)
            : 'You can make a new request with `reset my pin` or `unlock my pin`.',
        { isSubtle: true, size: 'Small' },
      ),
    ],
    pending ? [button('Cancel request', { verb: Verbs.cancel, ref: request.id }, 'destructive')] : [],
  );
}

/** Where the requester's new PIN is, truthfully. */
function approvedResetLine(view: RequestView): string {
  switch (view.delivery) {
    case 'pending':
      return "Your new PIN is set. I couldn't post its card here yet and will keep trying — type `my requests` to get it now.";
    case 'failed':
    case 'expired':
      return "Your new PIN is set, but I couldn't post its card here. Type `my requests` to get it while it can still be revealed, or ask again with `reset my pin`.";
    default:
      return 'Your new PIN is in the card below.';
  }
}

export function approvalCard(view: RequestView): AdaptiveCard {
  const { request, requester } = view;
  const pending = request.state === 'pending';
  const body: CardElement[] = [
    heading(`${request.requesterName} asks to ${WHAT[request.kind]} their dial-in PIN`),
    stateBlock(request),
    facts([
      ['Requester', `${request.requesterName} (${request.requesterUpn})`],
      ['SIP address', requester?.sipAddress ?? 'none'],
      ['Line URI', requester?.lineUri ?? 'none'],
      ['Site', requester?.site],
      ['Requested', formatTime(request.createdAt)],
      ...(request.kind === 'reset' ? ([['New PIN policy', view.policyIdentity ?? 'unknown']] as Array<[string, string]>) : []),
      ['PIN locked', view.pinLocked ? (request.kind === 'reset' ? 'Yes: approving also unlocks it' : 'Yes') : 'No'],
    ]),
    reasonBlock(request.reason),
  ];
  if (pending) {
    body.push(
      text(request.kind === 'reset' ? 'Approving sets a new generated PIN that only the requester can reveal; you will not see it.' : 'Approving unlocks the PIN and resets its failure counters.', {
        isSubtle: true,
        size: 'Small',
      }),
      { type: 'Input.Text', id: 'note', placeholder: 'Reason for denying (optional)', maxLength: 200 },
      actionSet([
        button('Approve', { verb: Verbs.approve, ref: request.id }, 'positive'),
        button('Deny', { verb: Verbs.deny, ref: request.id }, 'destructive'),
      ]),
    );
  }
  return card(body);
}

export function requestListCard(views: readonly RequestView[], mine: boolean): AdaptiveCard {
  if (views.length === 0) return card([heading(mine ? 'You have no PIN requests' : 'No pending PIN requests'), text(mine ? 'Ask for one with `reset my pin` or `unlock my pin`.' : 'Nothing is waiting for a decision.')]);
  return card([
    heading(mine ? 'Your recent PIN requests' : `${views.length} pending PIN request${views.length === 1 ? '' : 's'}`),
    ...views.map(({ request }) => ({
      type: 'Container',
      separator: true,
      items: [
        text(`**${mine ? `${WHAT[request.kind]} my PIN` : `${request.requesterName}: ${WHAT[request.kind]}`}** · ${formatTime(request.createdAt)}`, { spacing: 'None' }),
        plainText([{ text: `${request.reason ? `"${request.reason}" · ` : ''}${stateLine(request)}`, options: { isSubtle: true, size: 'Small' } }], { spacing: 'None' }),
        ...(request.state === 'pending'
          ? [
              actionSet(
                mine
                  ? [button('Cancel request', { verb: Verbs.cancel, ref: request.id }, 'destructive')]
                  : [button('Approve', { verb: Verbs.approve, ref: request.id }, 'positive'), button('Deny', { verb: Verbs.deny, ref: request.id }, 'destructive')],
              ),
            ]
          : []),
      ],
    })),
  ]);
}

function stateColor(request: PinRequest): string {
  return request.state === 'approved' ? 'Good' : request.state === 'pending' ? 'Default' : 'Attention';
}
