// What the conversation of a `set pin` turn is told once the PIN is set, truthfully for each state
// of its card: here already (nothing more to say), still being sent, or refused for good.
import type { DeliveryState } from '../ports/store.js';

/** What the conversation of the turn is told about a PIN set: nothing when its card is right here. */
export function pinSetNote(name: string, state: DeliveryState, elsewhere: boolean): string | undefined {
  if (state === 'delivered') return elsewhere ? `PIN set for ${name}. I sent the details to you in our 1:1 chat.` : undefined;
  // Refused for good (blocked, gone) or no longer revealable: nothing more will be tried.
  if (state !== 'pending') {
    return elsewhere
      ? `PIN set for ${name}, but Teams refused its card in our 1:1 chat, so I won't try again — type \`my pins\` in our 1:1 chat to get it.`
      : `PIN set for ${name}, but its card was refused here, so I won't try again — type \`my pins\` to get it.`;
  }
  return elsewhere
    ? `PIN set for ${name}; I couldn't post the card to our 1:1 chat yet and will keep trying — type \`my pins\` there to get it now.`
    : `PIN set for ${name}; I couldn't post the card yet and will keep trying — type \`my pins\` to get it now.`;
}
