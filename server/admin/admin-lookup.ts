/**
 * What IT reads is recorded too: a search of people, a person's sessions, the admin's own log.
 * Each is a `search.performed` on the server's chain naming the admin and how many results the
 * read returned, never what was asked (a name typed into the search box stays out of the trail).
 */
import type { Clock } from '../clock';
import type { Queryable } from '../db/database';
import { recordServed, servedEvent } from '../audit/served-events';

export function recordAdminLookup(
  deps: { readonly db: Queryable; readonly clock: Clock },
  actor: string,
  resultCount: number,
): Promise<void> {
  return recordServed(
    deps.db,
    servedEvent({ at: deps.clock(), actor, action: 'search.performed', object: { kind: 'search', resultCount } }),
  );
}
