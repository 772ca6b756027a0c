/**
 * Prepared statements, prepared once per connection and reused: preparing is a large share of a
 * point query. Keyed by the connection, so a closed database takes its statements with it.
 */
import type { Database, Statement } from 'better-sqlite3';

const statements = new WeakMap<Database, Map<string, Statement>>();

export function sql(db: Database, text: string): Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map<string, Statement>()));
  let statement = cache.get(text);
  if (!statement) cache.set(text, (statement = db.prepare(text)));
  return statement;
}
