// What the addressee of a PIN is told when PinDesk learned afterwards (after a restart, or once the
// server answered) that a Skype for Business server never took the PIN change: no PIN card comes.
import type { PinSetDetails } from '../desk/results.js';
import { escapeMarkdown } from './markdown.js';

export function pinNotSetNotice(details: PinSetDetails, forRequest: boolean): string {
  if (forRequest) return 'Your new dial-in PIN was NOT set: the Skype for Business server never took the change, so your old PIN is unchanged. Ask again with `reset my pin`.';
  const name = escapeMarkdown(details.target.displayName);
  return `The PIN for ${name} was NOT set: the Skype for Business server never took the change, so the old PIN is unchanged. Try \`set pin ${name}\` again.`;
}
