// Housekeeping: deletes sealed secrets whose time is up. Every click checks the time as well; this
// keeps expired PINs and typed choices from lingering in the store when nobody clicks.
import type { Store } from '../ports/store.js';

export async function sweepSecrets(store: Pick<Store, 'reveals' | 'continuations'>, now: Date): Promise<void> {
  await store.reveals.purgeExpired(now);
  await store.continuations.purgeExpired(now);
}
