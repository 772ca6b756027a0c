/**
 * How far the fold into the server's audit chain has read each outbox (`audit_server_cursor`,
 * one row): the last account_events, admin_events and served_events ids folded. Read and moved in
 * the fold's own transaction, so a crash between the fold and the cursor only delays a record.
 */
import type { Queryable } from '../db/database';

export interface ServerCursor {
  readonly lastAccountEvent: number;
  readonly lastAdminEvent: number;
  readonly lastServedEvent: number;
}

/** The row is made on first use. */
export async function readServerCursor(tx: Queryable): Promise<ServerCursor> {
  await tx.query('INSERT INTO audit_server_cursor (id, last_event) VALUES (1, 0) ON CONFLICT (id) DO NOTHING');
  const [cursor] = await tx.query<{
    last_event: number | string;
    last_admin_event: number | string;
    last_served_event: number | string;
  }>('SELECT last_event, last_admin_event, last_served_event FROM audit_server_cursor WHERE id = 1');
  return {
    lastAccountEvent: Number(cursor?.last_event ?? 0),
    lastAdminEvent: Number(cursor?.last_admin_event ?? 0),
    lastServedEvent: Number(cursor?.last_served_event ?? 0),
  };
}

/** Never backwards, each outbox on its own. */
export async function advanceServerCursor(tx: Queryable, to: ServerCursor): Promise<void> {
  await tx.query(
    `UPDATE audit_server_cursor SET last_event = GREATEST(last_event, $1), last_admin_event = GREATEST(last_admin_event, $2),
       last_served_event = GREATEST(last_served_event, $3) WHERE id = 1`,
    [to.lastAccountEvent, to.lastAdminEvent, to.lastServedEvent],
  );
}
