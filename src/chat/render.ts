// DeskResult → the message a chat user sees. Cards for results, short text for the rest.
import type { Activity } from 'botbuilder';
import { errorMessage } from '../cards/error-messages.js';
import { CARD_CONTENT_TYPE, type AdaptiveCard } from '../cards/elements.js';
import { helpText, whoamiText } from '../cards/help-text.js';
import { pinLockedCard, pinLockedRefusalCard, pinStatusCard, pinUnlockedCard } from '../cards/pin-action-cards.js';
import { pinSetCard } from '../cards/pin-set-card.js';
import { pickerCard, usersFoundCard } from '../cards/user-list-cards.js';
import { approvalCard, requesterCard, requestListCard } from '../cards/request-cards.js';
import { auditCard, policiesCard, policyCard } from '../cards/policy-cards.js';
import type { DeskResult } from '../desk/results.js';
import { PinLockedError, StoreUnavailableError } from '../domain/errors.js';
import { StoreUnreachable } from '../ports/store-unreachable.js';

export function cardMessage(card: AdaptiveCard, summary?: string): Partial<Activity> {
  return { type: 'message', ...(summary ? { summary } : {}), attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }] };
}

export function textMessage(text: string): Partial<Activity> {
  return { type: 'message', text, textFormat: 'markdown' };
}

export function renderResult(result: DeskResult): Partial<Activity> {
  switch (result.kind) {
    case 'help':
      return textMessage(helpText(result.caller, result));
    case 'whoami':
      return textMessage(whoamiText(result.caller, result.groups, result.grants));
    case 'pin-set':
      return cardMessage(pinSetCard(result.details, result.revealRef, result.revealExpiresAt, { shown: 'hidden' }), `PIN set for ${result.details.target.displayName}`);
    case 'pin-unlocked':
      return cardMessage(pinUnlockedCard(result.target, result.wasLocked), `PIN unlocked for ${result.target.displayName}`);
    case 'pin-locked':
      return cardMessage(pinLockedCard(result.target, result.wasLocked), `PIN locked for ${result.target.displayName}`);
    case 'pin-status':
      return cardMessage(pinStatusCard(result.target, result.status, result.policy), `PIN status for ${result.target.displayName}`);
    case 'choose-user':
      return cardMessage(pickerCard(result.ref, result.command, result.query, result.candidates, result.more), 'Several users match');
    case 'users-found':
      return cardMessage(usersFoundCard(result.query, result.users, result.more, result.ref), `Users matching ${result.query}`);
    case 'search-saved':
      return textMessage(`Saved search **${result.name}**: \`find user ${result.query}\`. Run it with \`run search ${result.name}\`.`);
    case 'search-deleted':
      return textMessage(`Deleted saved search **${result.name}**.`);
    case 'searches':
      return textMessage(
        result.searches.length === 0
          ? 'You have no saved searches. Save one with `save search redmond as find user where site = Redmond`.'
          : ['Your saved searches:', ...result.searches.map((s) => `- **${s.name}**: \`find user ${s.query}\` — \`run search ${s.name}\``)].join('\n'),
      );
    case 'request-created':
    case 'request-exists':
      return cardMessage(requesterCard(result.view), 'Your PIN request');
    case 'request-updated':
      return cardMessage(approvalCard(result.view), `Request from ${result.view.request.requesterName}`);
    case 'my-pins': {
      const n = result.pins.length;
      return textMessage(
        n === 0
          ? 'You have no PIN cards waiting: every PIN set for you has been revealed, or can no longer be.'
          : `${n === 1 ? 'One PIN card is' : `${n} PIN cards are`} waiting for you; here ${n === 1 ? 'it is' : 'they are'} again, hidden until you press Reveal.`,
      );
    }
    case 'requests':
      return cardMessage(requestListCard(result.views, result.mine), result.mine ? 'Your PIN requests' : 'Pending PIN requests');
    case 'policy':
      return cardMessage(policyCard(result.policy, result.source, result.user), `PIN policy ${result.policy.identity}`);
    case 'policies':
      return cardMessage(policiesCard(result.policies), 'PIN policies');
    case 'policy-changed':
      return result.policy
        ? cardMessage(policyCard(result.policy, 'global'), `PIN policy ${result.identity} ${result.change}`)
        : textMessage(`Removed PIN policy **${result.identity}**. Its users now get the next policy that applies (their site's, else Global).`);
    case 'policy-granted':
      return textMessage(
        result.policyName
          ? `Granted PIN policy **${result.policyName}** to ${result.user.displayName}. Their PINs now follow **${result.effective.policy.identity}**.`
          : `Revoked the per-user PIN policy of ${result.user.displayName}. Their PINs now follow **${result.effective.policy.identity}**.`,
      );
    case 'audit':
      return cardMessage(auditCard(result.records, result.about), 'Audit');
    case 'approvals-channel':
      return textMessage(
        result.on
          ? 'Approval requests will be posted in this conversation. Type `approvals off` here to stop.'
          : result.changed
            ? 'Approval requests will no longer be posted here.'
            : 'Approval requests were not being posted here.',
      );
  }
}

/** A refusal: the locked-PIN one is a card (it may offer "Unlock and set"), the rest is text. */
export function renderError(error: unknown): Partial<Activity> {
  if (error instanceof PinLockedError) return cardMessage(pinLockedRefusalCard(error.user, error.unlockAndSetRef), 'PIN is locked');
  return textMessage(failureText(error));
}

/** What a user reads for a failure; the chat surface's own store use (conversation references) is not guarded, so its outages are translated here. */
export function failureText(error: unknown): string {
  return errorMessage(error instanceof StoreUnreachable ? new StoreUnavailableError(error.changed, error) : error);
}

/** The name of the user a result is about, for acknowledgements. */
export function targetName(result: DeskResult): string | undefined {
  switch (result.kind) {
    case 'pin-set':
      return result.details.target.displayName;
    case 'pin-unlocked':
    case 'pin-locked':
    case 'pin-status':
      return result.target.displayName;
    default:
      return undefined;
  }
}
