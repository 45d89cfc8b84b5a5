// The store over Kysely: the same queries serve SQLite and PostgreSQL. This file only composes the
// repositories (one per table group, in ./repositories/) into the Store the rest of PinDesk uses.
import { sql, type Kysely } from 'kysely';
import type {
  AuditLog,
  ContinuationStore,
  ConversationStore,
  PolicyStore,
  RevealVault,
  Store,
  SavedSearchStore,
  RequestStore,
  ApprovalChannelStore,
  RateLimiter,
  DeliveryOutbox,
  IntentStore,
} from '../../ports/store.js';
import type { RequestNoticeStore } from '../../ports/request-notice-store.js';
import type { Database } from './schema.js';
import { SqlApprovalChannelStore } from './repositories/approval-channel-repository.js';
import { SqlAuditLog } from './repositories/audit-repository.js';
import { SqlDeliveryOutbox } from './repositories/delivery-repository.js';
import { SqlIntentStore } from './repositories/intent-repository.js';
import { SqlContinuationStore } from './repositories/continuation-repository.js';
import { SqlConversationStore } from './repositories/conversation-repository.js';
import { SqlPolicyStore } from './repositories/policy-repository.js';
import { SqlRateLimiter } from './repositories/rate-limit-repository.js';
import { SqlRequestStore } from './repositories/request-repository.js';
import { SqlRequestNoticeStore } from './repositories/request-notice-repository.js';
import { SqlRevealVault } from './repositories/reveal-repository.js';
import { SqlSavedSearchStore } from './repositories/saved-search-repository.js';

export class SqlStore implements Store {
  readonly policies: PolicyStore;
  readonly audit: AuditLog;
  readonly reveals: RevealVault;
  readonly continuations: ContinuationStore;
  readonly conversations: ConversationStore;
  readonly searches: SavedSearchStore;
  readonly requests: RequestStore;
  readonly requestNotices: RequestNoticeStore;
  readonly approvalChannels: ApprovalChannelStore;
  readonly rateLimits: RateLimiter;
  readonly deliveries: DeliveryOutbox;
  readonly intents: IntentStore;

  constructor(readonly db: Kysely<Database>) {
    this.intents = new SqlIntentStore(db);
    this.deliveries = new SqlDeliveryOutbox(db);
    this.requests = new SqlRequestStore(db);
    this.requestNotices = new SqlRequestNoticeStore(db);
    this.approvalChannels = new SqlApprovalChannelStore(db);
    this.rateLimits = new SqlRateLimiter(db);
    this.searches = new SqlSavedSearchStore(db);
    this.policies = new SqlPolicyStore(db);
    this.audit = new SqlAuditLog(db);
    this.reveals = new SqlRevealVault(db);
    this.continuations = new SqlContinuationStore(db);
    this.conversations = new SqlConversationStore(db);
  }

  async transaction<T>(work: (tx: this) => Promise<T>): Promise<T> {
    // Already inside one: the work joins it (Kysely has no nested transactions).
    if (this.db.isTransaction) return work(this);
    return this.db.transaction().execute((trx) => work(new SqlStore(trx) as this));
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
