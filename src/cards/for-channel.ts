// Buttons the client in front of the user can press. Teams acts on Action.Execute (Universal
// Actions: the PIN comes back in the invoke response, to the clicker only). Web Chat and the
// Emulator render Action.Execute (adaptivecards ≥ 2.9 knows it, so the fallback is never used) but
// never send it anywhere, so every other channel gets the plain Action.Submit with the same data.
import type { AdaptiveCard, CardElement } from './elements.js';

/** Channels whose clients send Action.Execute as an `adaptiveCard/action` invoke. */
const UNIVERSAL_ACTION_CHANNELS: ReadonlySet<string> = new Set(['msteams']);

export function cardForChannel(card: AdaptiveCard, channelId: string | undefined): AdaptiveCard {
  if (channelId !== undefined && UNIVERSAL_ACTION_CHANNELS.has(channelId)) return card;
  return submitOnly(card) as AdaptiveCard;
}

/** The node with every Action.Execute as Action.Submit; a part without one is kept as it is (not copied). */
function submitOnly(node: unknown): unknown {
  if (!node || typeof node !== 'object') return node;
  if (Array.isArray(node)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < node.length; i++) {
      const item: unknown = node[i];
      const adapted = submitOnly(item);
      if (adapted !== item) (copy ??= node.slice())[i] = adapted;
    }
    return copy ?? node;
  }
  const element = node as CardElement;
  if (element.type === 'Action.Execute') {
    const fallback = element.fallback as CardElement | undefined;
    if (fallback && typeof fallback === 'object' && fallback.type === 'Action.Submit') return submitOnly(fallback);
    const { verb: _verb, fallback: _fallback, ...rest } = element;
    return submitOnly({ ...rest, type: 'Action.Submit' });
  }
  let copy: Record<string, unknown> | undefined;
  for (const key in element) {
    const value: unknown = element[key];
    const adapted = submitOnly(value);
    if (adapted !== value) (copy ??= { ...element })[key] = adapted;
  }
  return copy ?? element;
}
