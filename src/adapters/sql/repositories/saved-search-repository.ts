// The Control Panel's saved user searches, per admin and name (saved_searches table).
import type { Kysely } from 'kysely';
import type { UserSearch } from '../../../domain/user-search.js';
import type { SavedSearch, SavedSearchStore } from '../../../ports/store.js';
import type { Database } from '../schema.js';

export class SqlSavedSearchStore implements SavedSearchStore {
  constructor(private readonly db: Kysely<Database>) {}

  async save(search: SavedSearch): Promise<void> {
    const values = { owner_id: search.ownerId, name: search.name, search: JSON.stringify(search.search), saved_at: search.savedAt.getTime() };
    await this.db
      .insertInto('saved_searches')
      .values(values)
      .onConflict((oc) => oc.columns(['owner_id', 'name']).doUpdateSet({ search: values.search, saved_at: values.saved_at }))
      .execute();
  }

  async list(ownerId: string): Promise<SavedSearch[]> {
    const rows = await this.db.selectFrom('saved_searches').selectAll().where('owner_id', '=', ownerId).orderBy('name').execute();
    return rows.map(toSavedSearch);
  }

  async get(ownerId: string, name: string): Promise<SavedSearch | undefined> {
    const row = await this.db.selectFrom('saved_searches').selectAll().where('owner_id', '=', ownerId).where('name', '=', name).executeTakeFirst();
    return row ? toSavedSearch(row) : undefined;
  }

  async delete(ownerId: string, name: string): Promise<boolean> {
    const result = await this.db.deleteFrom('saved_searches').where('owner_id', '=', ownerId).where('name', '=', name).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toSavedSearch(row: { owner_id: string; name: string; search: string; saved_at: number }): SavedSearch {
  return { ownerId: row.owner_id, name: row.name, search: JSON.parse(row.search) as UserSearch, savedAt: new Date(Number(row.saved_at)) };
}
