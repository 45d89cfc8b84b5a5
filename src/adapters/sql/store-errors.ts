// Why the store cannot write right now (readiness answers 503 with the reason), on either dialect.
export class StoreNotWritableError extends Error {
  constructor(
    readonly reason: 'store-disk-full' | 'store-read-only' | 'store-unavailable',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
