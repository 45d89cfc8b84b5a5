// Text a requester typed (the reason) and an approver's denial note are shown as plain text on every
// request card: Adaptive Card TextBlocks and FactSet values render Markdown (Teams, Web Chat), so
// such text goes into a RichTextBlock's TextRun, which never does (issue 12, item 14).
import { describe, expect, it } from 'vitest';
import { approvalCard, requesterCard, requestListCard } from '../../src/cards/request-cards.js';
import type { RequestView } from '../../src/desk/results.js';
import type { PinRequest } from '../../src/domain/pin-request.js';

const HOSTILE = '[Approve here](https://evil.example) **bold** _x_ <b>hi</b> # head';

const request = (change: Partial<PinRequest> = {}): PinRequest => ({
  id: 'req-0123456789',
  kind: 'reset',
  requesterId: 'ken-id',
  requesterName: 'Ken Myer',
  requesterUpn: 'ken.myer@contoso.com',
  reason: HOSTILE,
  state: 'pending',
  createdAt: new Date('2026-11-27T10:00:00Z'),
  expiresAt: new Date('2026-11-28T10:00:00Z'),
  ...change,
});
const view = (change: Partial<PinRequest> = {}): RequestView => ({ request: request(change), pinLocked: false, policyIdentity: 'Global' });

/** Every string a client would render as Markdown: TextBlock text, Fact titles and values. */
function markdownRendered(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(markdownRendered);
  if (!node || typeof node !== 'object') return [];
  const element = node as Record<string, any>;
  const own = element.type === 'TextBlock' ? [String(element.text)] : element.type === 'FactSet' ? element.facts.flatMap((f: any) => [f.title, f.value]) : [];
  return [...own, ...Object.values(element).flatMap(markdownRendered)];
}

/** Every TextRun's text, which clients show literally. */
function textRuns(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(textRuns);
  if (!node || typeof node !== 'object') return [];
  const element = node as Record<string, any>;
  return [...(element.type === 'TextRun' ? [String(element.text)] : []), ...Object.values(element).flatMap(textRuns)];
}

describe('request cards show typed text literally', () => {
  it.each([
    ['the approval card', approvalCard(view())],
    ['the requester card', requesterCard(view())],
    ['the approvers’ list', requestListCard([view()], false)],
    ['the requester’s list', requestListCard([view()], true)],
  ])('%s: the reason is never Markdown, and is shown as typed', (_name, card) => {
    for (const text of markdownRendered(card)) {
      expect(text).not.toContain('evil.example');
      expect(text).not.toContain('**bold**');
      expect(text).not.toContain('_x_');
    }
    expect(textRuns(card).join('')).toContain(HOSTILE);
    expect(JSON.stringify(card)).toContain('"type":"RichTextBlock"');
  });

  it('a denial note is shown literally too', () => {
    const denied = view({ state: 'denied', decidedAt: new Date('2026-11-27T11:00:00Z'), decidedByName: 'Pilar Ackerman', decisionNote: '[call me](https://evil.example)' });
    for (const card of [approvalCard(denied), requesterCard(denied), requestListCard([denied], true)]) {
      for (const text of markdownRendered(card)) expect(text).not.toContain('evil.example');
      expect(textRuns(card).join('')).toContain('Denied by Pilar Ackerman at 27 Nov 2026 11:00 UTC: [call me](https://evil.example)');
    }
  });
});
