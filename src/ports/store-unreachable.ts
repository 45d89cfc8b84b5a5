// What a store adapter throws when its database could not be reached, saying whether a write may
// have landed: the guard (guarded.ts) turns it into StoreUnavailableError, so the chat tells the
// user the database is down instead of a generic failure, and never "nothing was changed" when
// the connection was lost during a commit.
export class StoreUnreachable extends Error {
  constructor(
    /** 'nothing': never reached the database, or rolled back with the connection; 'unknown': lost while committing a write. */
    readonly changed: 'nothing' | 'unknown',
    cause: unknown,
  ) {
    super(`the database could not be reached${changed === 'unknown' ? ' while a write was being committed' : ''}`, { cause });
  }
}
