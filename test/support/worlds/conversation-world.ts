// Where the conversation suite's PINs and policies live: the "world" it runs in. The same
// assertions run against each; only where the issue says behaviour differs (the history rule,
// the verify API) does the suite branch on `history` / `verify`.
import type { PinPolicy } from '../../../src/domain/policy.js';
import type { Harness } from '../harness.js';

export interface ConversationWorld {
  /** For test names: `built-in authority`, `Skype for Business (fake server)`. */
  name: string;
  /** Settings the server starts with (added to the directory's). */
  env(): Record<string, string>;
  /** Before the server starts, and after it stops. */
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  /** Before each test: the authority's clock follows the harness's controlled clock. */
  syncClock(h: Harness): Promise<void>;
  /** Who applies PINHistoryCount: PinDesk, or the server (which skips it for an admin-set PIN). */
  history: 'pindesk' | 'server';
  /** Who checks dial-in PINs: PinDesk (the verify API), or the server itself. */
  verify: 'pindesk' | 'server';
  /** Seeds a policy or a per-user grant where the authority keeps them. */
  savePolicy(h: Harness, policy: PinPolicy): Promise<void>;
  grant(h: Harness, samAccountName: string, tag: string): Promise<void>;
  /** What the authority recorded. */
  policy(h: Harness, identity: string): Promise<PinPolicy | undefined>;
  grantOf(h: Harness, samAccountName: string): Promise<string | undefined>;
  /** Whether the user's current PIN, as the authority keeps it, is `pin`. */
  pinIs(h: Harness, samAccountName: string, pin: string): Promise<boolean>;
  /** How many times `pin` is in the user's PIN history as the authority keeps it. */
  timesInHistory(h: Harness, samAccountName: string, pin: string): Promise<number>;
  /** Runs `body` while the authority refuses every PIN write (a real fault of that authority). */
  withPinWritesFailing<T>(h: Harness, body: () => Promise<T>): Promise<T>;
  /** What chat says when that happens. */
  failedWriteAnswer: RegExp;
}
