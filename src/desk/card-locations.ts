// Where each card was posted, so a later click can update it in place (Action.Submit clients) and
// a state change can redraw every card of a request. Kept in the store: survives restarts.
import type { CardAudience, PostedCard, Store } from '../ports/store.js';

export class CardLocations {
  constructor(private readonly store: Pick<Store, 'reveals' | 'continuations' | 'requests'>) {}

  async posted(kind: 'reveal' | 'continuation', ref: string, card: PostedCard): Promise<void> {
    if (kind === 'reveal') await this.store.reveals.attachCard(ref, card);
    else await this.store.continuations.attachCard(ref, card);
  }

  async ofReveal(ref: string): Promise<PostedCard | undefined> {
    return (await this.store.reveals.get(ref))?.card;
  }

  async ofContinuation(ref: string): Promise<PostedCard | undefined> {
    return (await this.store.continuations.get(ref))?.card;
  }

  requestPosted(requestId: string, audience: CardAudience, card: PostedCard): Promise<void> {
    return this.store.requests.addCard(requestId, audience, card);
  }

  ofRequest(requestId: string): Promise<Array<{ audience: CardAudience; card: PostedCard }>> {
    return this.store.requests.cards(requestId);
  }
}
