// How long a sender holds a PIN card's outbox record while it tries it.

/**
 * Longer than one post can take with the connector client's own retries, so a slow success is
 * never sent twice. A sender that died (a killed instance) is taken over when its lease ends.
 * DELIVERY_LEASE sets it (deskSettings).
 */
export const DELIVERY_LEASE_MS = 30_000;
