// Table shapes as Kysely sees them. Times are epoch milliseconds (bigint), flags 0/1: the same
// on SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export interface PinPolicyRow {
  identity: string;
  settings: string;
  updated_at: number;
}

export interface PolicyGrantRow {
  user_id: string;
  tag: string;
}

export interface PinRecordRow {
  user_id: string;
  pin_hash: string | null;
  pin_length: number | null;
  set_at: number | null;
  expires_at: number | null;
  admin_locked: number;
  failure_locked: number;
  temporary_lock_until: number | null;
  local_failures: number;
  global_failures: number;
  window_started_at: number | null;
  updated_at: number;
}

export interface PinHistoryRow {
  id: Generated<number>;
  user_id: string;
  pin_hash: string;
  set_at: number;
}

export interface RevealRow {
  id: string;
  addressee_id: string;
  target_id: string;
  sealed: string | null;
  details: string;
  created_at: number;
  expires_at: number;
  card: string | null;
  revealed_at: number | null;
}

export interface DeliveryRow {
  id: string;
  reveal_id: string;
  addressee_id: string;
  conversation: string;
  channel_id: string;
  request_id: string | null;
  state: string;
  attempts: number;
  next_attempt_at: number;
  lease_until: number | null;
  expires_at: number;
  last_error: string | null;
  activity_id: string | null;
  created_at: number;
  delivered_at: number | null;
  notice: string | null;
}

export interface PinIntentRow {
  id: string;
  target_id: string;
  target_sip: string | null;
  target_name: string;
  addressee_id: string;
  reveal_id: string;
  delivery_id: string | null;
  /** The change's audit record as JSON (no PIN), or null. */
  audit: string | null;
  before_mark: string;
  created_at: number;
  settle_by: number;
  claimed_by: string | null;
  claimed_until: number | null;
}

export interface RequestNoticeRow {
  id: string;
  request_id: string;
  change: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  give_up_at: number;
  leased_until: number | null;
  lease_token: string | null;
  note_sent_at: number | null;
  /** JSON list of what was given up (card activity ids, 'note'). */
  dropped: string;
  last_error: string | null;
  created_at: number;
}

export interface ContinuationRow {
  id: string;
  actor_id: string;
  kind: string;
  sealed: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  card: string | null;
}

export interface ConversationRow {
  user_id: string;
  channel_id: string;
  reference: string;
  updated_at: number;
}

export interface AuditRow {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  outcome: string;
  reason: string | null;
  request_id: string;
}

export interface SavedSearchRow {
  owner_id: string;
  name: string;
  search: string;
  saved_at: number;
}

export interface PinRequestRow {
  id: string;
  kind: string;
  requester_id: string;
  requester_name: string;
  requester_upn: string;
  reason: string | null;
  state: string;
  created_at: number;
  expires_at: number;
  decided_at: number | null;
  decided_by_id: string | null;
  decided_by_name: string | null;
  decision_note: string | null;
}

export interface RequestCardRow {
  id: Generated<number>;
  request_id: string;
  audience: string;
  card: string;
}

export interface ApprovalChannelRow {
  conversation_id: string;
  channel_id: string;
  reference: string;
  registered_by: string;
  registered_at: number;
}

export interface RateLimitRow {
  key: string;
  window_start: number;
  count: number;
}

export interface KeyCheckRow {
  /** 'pin-hash' or 'seal'. */
  purpose: string;
  /** HMAC-SHA256(key, "pindesk key check v1:" + purpose), base64url: identifies a key, reveals nothing of it. */
  check_value: string;
  first_used_at: number;
}

export interface WriteProbeRow {
  id: number;
  at: number;
}

export interface Database {
  pin_policies: PinPolicyRow;
  policy_grants: PolicyGrantRow;
  pin_records: PinRecordRow;
  pin_history: PinHistoryRow;
  reveals: RevealRow;
  continuations: ContinuationRow;
  conversations: ConversationRow;
  audit: AuditRow;
  saved_searches: SavedSearchRow;
  pin_requests: PinRequestRow;
  request_cards: RequestCardRow;
  approval_channels: ApprovalChannelRow;
  rate_limits: RateLimitRow;
  deliveries: DeliveryRow;
  pin_intents: PinIntentRow;
  request_notices: RequestNoticeRow;
  key_checks: KeyCheckRow;
  write_probe: WriteProbeRow;
}
