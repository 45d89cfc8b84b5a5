// Cards are rendered for the channel they go to: Universal Actions in Teams, plain Action.Submit
// everywhere else (Web Chat and the Emulator never send Action.Execute anywhere).
import { describe, expect, it } from 'vitest';
import { actionSet, button, card, Verbs } from '../../src/cards/elements.js';
import { cardForChannel } from '../../src/cards/for-channel.js';

const sample = card(
  [actionSet([button('Choose Ken Myer', { verb: Verbs.choose, ref: 'ref-0123456789', choice: 0 })]), { type: 'Container', items: [actionSet([button('Deny', { verb: Verbs.deny, ref: 'ref-0123456789' }, 'destructive')])] }],
  [button('Reveal PIN', { verb: Verbs.reveal, ref: 'ref-0123456789' }, 'positive')],
);

function actionTypes(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(actionTypes);
  if (!node || typeof node !== 'object') return [];
  const element = node as Record<string, unknown>;
  const own = typeof element.type === 'string' && element.type.startsWith('Action.') ? [element.type] : [];
  return [...own, ...Object.entries(element).filter(([key]) => key !== 'fallback').flatMap(([, value]) => actionTypes(value))];
}

describe('cards for the channel they go to', () => {
  it('keeps Action.Execute with its Submit fallback in Teams', () => {
    const teams = cardForChannel(sample, 'msteams');
    expect(teams).toEqual(sample);
    expect(actionTypes(teams)).toEqual(['Action.Execute', 'Action.Execute', 'Action.Execute']);
  });

  it.each(['emulator', 'webchat', 'directline', 'slack', 'something-new', undefined])('sends plain Action.Submit with the same data on %s', (channel) => {
    const submitted = cardForChannel(sample, channel);
    expect(actionTypes(submitted)).toEqual(['Action.Submit', 'Action.Submit', 'Action.Submit']);
    expect(JSON.stringify(submitted)).not.toContain('Action.Execute');
    expect((submitted.actions as Array<Record<string, unknown>>)[0]).toEqual({ type: 'Action.Submit', title: 'Reveal PIN', data: { verb: Verbs.reveal, ref: 'ref-0123456789' }, style: 'positive' });
  });

  it('does not change the card it was given', () => {
    const before = JSON.stringify(sample);
    cardForChannel(sample, 'webchat');
    expect(JSON.stringify(sample)).toBe(before);
  });
});
