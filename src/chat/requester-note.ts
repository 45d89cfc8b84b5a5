// The word the requester gets when their request is settled, from the request's state as the
// store has it at send time (and where its PIN card is): never more than is true.
import { escapeMarkdown } from '../cards/markdown.js';
import type { RequestView } from '../desk/results.js';

export function requesterNote(view: RequestView, change: string): string | undefined {
  const { request } = view;
  switch (change) {
    case 'approved':
      if (request.kind === 'unlock') return `Your dial-in PIN is unlocked (approved by ${request.decidedByName}). You can use it again.`;
      if (view.delivery === 'delivered') return undefined;
      if (view.delivery === undefined) return `Your request was approved by ${request.decidedByName}, but I could not set a new PIN. Ask your helpdesk.`;
      if (view.delivery === 'pending') return `Your request was approved by ${request.decidedByName} and your new PIN is set, but I couldn't post its card yet. I'll keep trying — type \`my requests\` to get it now.`;
      return `Your request was approved by ${request.decidedByName} and your new PIN is set, but its card could not be posted here. Type \`my requests\` to get it while it can still be revealed.`;
    case 'denied':
      return `Your request was denied by ${request.decidedByName}${request.decisionNote ? `: ${escapeMarkdown(request.decisionNote)}` : '.'}`;
    case 'expired':
      return 'Your PIN request expired before anyone decided. You can ask again with `reset my pin`.';
    default:
      return undefined;
  }
}
