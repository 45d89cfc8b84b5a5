// Site and per-user PIN policies (pin_policies) and which per-user policy each user is granted
// (policy_grants).
import type { Kysely } from 'kysely';
import { pinPolicySettingsSchema, type PinPolicy, type PolicyIdentity } from '../../../domain/policy.js';
import type { PolicyStore } from '../../../ports/store.js';
import type { Database } from '../schema.js';
import { inTransaction } from '../in-transaction.js';
import { prepared } from '../prepared.js';

// Read by every PIN turn: built once (prepared.ts).
const allPolicies = prepared((db) => db.selectFrom('pin_policies').selectAll());
const tagOf = prepared((db, userId: string) => db.selectFrom('policy_grants').select('tag').where('user_id', '=', userId));

export class SqlPolicyStore implements PolicyStore {
  constructor(private readonly db: Kysely<Database>) {}

  async policies(): Promise<ReadonlyMap<PolicyIdentity, PinPolicy>> {
    const { rows } = await allPolicies(this.db);
    return new Map(rows.map((row) => [row.identity, { identity: row.identity, ...pinPolicySettingsSchema.parse(JSON.parse(row.settings)) }]));
  }

  async savePolicy(policy: PinPolicy): Promise<void> {
    const { identity, ...settings } = policy;
    const values = { identity, settings: JSON.stringify(pinPolicySettingsSchema.parse(settings)), updated_at: Date.now() };
    await this.db
      .insertInto('pin_policies')
      .values(values)
      .onConflict((oc) => oc.column('identity').doUpdateSet({ settings: values.settings, updated_at: values.updated_at }))
      .execute();
  }

  async grantedTag(userId: string): Promise<string | undefined> {
    return (await tagOf(this.db, userId)).rows[0]?.tag;
  }

  async removePolicy(identity: PolicyIdentity): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      await tx.deleteFrom('pin_policies').where('identity', '=', identity).execute();
      if (identity.startsWith('tag:')) await tx.deleteFrom('policy_grants').where('tag', '=', identity.slice('tag:'.length)).execute();
    });
  }

  async grant(userId: string, tag: string | undefined): Promise<void> {
    if (tag === undefined) {
      await this.db.deleteFrom('policy_grants').where('user_id', '=', userId).execute();
      return;
    }
    await this.db
      .insertInto('policy_grants')
      .values({ user_id: userId, tag })
      .onConflict((oc) => oc.column('user_id').doUpdateSet({ tag }))
      .execute();
  }
}
