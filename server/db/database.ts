/**
 * The one database interface the server codes against. Both implementations speak PostgreSQL's
 * dialect (PGlite embedded, or a real server through `pg`), so every query, migration and
 * notification is written once.
 *
 * 64-bit integers come back as JavaScript numbers: every one the server stores is an epoch
 * millisecond or a sequence number, far below 2^53.
 */
export type Row = Record<string, unknown>;

export interface Queryable {
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/**
 * Called with each notification's payload, or with `null` when notifications may have been
 * missed (the listening connection was lost and re-established), so the listener re-reads state.
 */
export type NotificationHandler = (payload: string | null) => void;

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Runs `work` in one transaction, committed if it resolves and rolled back if it throws.
   * Inside, use only `tx`: on PGlite the database itself waits for the transaction to end.
   * `work` may run twice: on PostgreSQL, a transaction that met a stale prepared plan is rolled
   * back and run once more (statement-names.ts), so it does nothing outside `tx` that a second
   * run would repeat wrongly.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** `LISTEN` on a fixed channel name; resolves to the function that stops listening. */
  listen(channel: string, handler: NotificationHandler): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Sends a notification on commit of the surrounding transaction (or at once outside one). */
export async function notify(db: Queryable, channel: string, payload: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

/** One notification per payload in one statement: a send to a role of twenty is one round trip. */
export async function notifyEach(db: Queryable, channel: string, payloads: readonly string[]): Promise<void> {
  if (payloads.length === 1) return notify(db, channel, payloads[0] as string);
  if (payloads.length > 1) await db.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [channel, payloads]);
}
