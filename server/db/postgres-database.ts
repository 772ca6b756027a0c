/**
 * A real PostgreSQL server through `pg`: a pool for queries and transactions, and one dedicated
 * connection that holds the `LISTEN`s (a pooled connection would lose them when released).
 * Several server instances on one database reach each other only through these notifications.
 */
import pg from 'pg';
import type { Database, NotificationHandler, Queryable, Row } from './database';
import { isStalePreparedPlan, StatementNames } from './statement-names';

const RECONNECT_DELAY_MS = 1000;

type GetTypeParser = typeof pg.types.getTypeParser;
const parseInt8 = (value: string) => Number(value);

/** int8 as a number (see database.ts); everything else as pg parses it. */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: Parameters<GetTypeParser>[0], format?: Parameters<GetTypeParser>[1]): unknown =>
    oid === pg.types.builtins.INT8 ? parseInt8 : (pg.types.getTypeParser(oid, format) as unknown)) as GetTypeParser,
};

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

export interface PostgresDatabaseOptions {
  /** Reports that the listening connection dropped, without its error text (it may carry a host name). */
  readonly onListenerLost?: () => void;
}

export async function openPostgresDatabase(
  connectionString: string,
  options: PostgresDatabaseOptions = {},
): Promise<Database> {
  const pool = new pg.Pool({ connectionString, types: typeParsers, max: 10 });
  // An idle pooled connection that dies must not crash the server; the next query reconnects.
  pool.on('error', () => undefined);
  const handlers = new Map<string, Set<NotificationHandler>>();
  let listener: pg.Client | null = null;
  let closed = false;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const dispatch = (channel: string, payload: string | null) => {
    for (const handler of handlers.get(channel) ?? []) handler(payload);
  };

  async function connectListener(): Promise<void> {
    const client = new pg.Client({ connectionString, types: typeParsers });
    client.on('notification', (message) => dispatch(message.channel, message.payload ?? ''));
    const lost = () => {
      if (listener !== client) return;
      listener = null;
      options.onListenerLost?.();
      void client.end().catch(() => undefined);
      scheduleReconnect();
    };
    // A terminated backend surfaces as 'error', a closed socket as 'end': either way, reconnect.
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    for (const channel of handlers.keys()) await client.query(`LISTEN ${quoteIdentifier(channel)}`);
    listener = client;
  }

  function scheduleReconnect(): void {
    if (closed || reconnectTimer) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      connectListener().then(
        // Anything sent while the connection was down is lost: every listener re-reads.
        () => {
          for (const channel of handlers.keys()) dispatch(channel, null);
        },
        () => scheduleReconnect(),
      );
    }, RECONNECT_DELAY_MS);
  }

  const names = new StatementNames();
  const config = (sql: string, params: readonly unknown[]): pg.QueryConfig => {
    // Without parameters a text goes by the simple protocol, which also runs scripts (migrations).
    const name = params.length === 0 ? undefined : names.nameOf(sql);
    return name === undefined ? { text: sql, values: [...params] } : { name, text: sql, values: [...params] };
  };
  const query = async <R extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<R[]> => {
    try {
      return (await pool.query<R>(config(sql, params))).rows;
    } catch (error) {
      if (!isStalePreparedPlan(error)) throw error;
      names.unprepare(sql);
      return (await pool.query<R>(sql, [...params])).rows;
    }
  };

  async function transactionOnce<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const tx: Queryable = {
        query: async <R extends Row = Row>(sql: string, params: readonly unknown[] = []) => {
          try {
            return (await client.query<R>(config(sql, params))).rows;
          } catch (error) {
            if (isStalePreparedPlan(error)) names.unprepare(sql);
            throw error;
          }
        },
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {
        broken = true;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  await connectListener().catch(async (error: unknown) => {
    await pool.end();
    throw error;
  });

  return {
    kind: 'postgres',
    query,
    async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
      try {
        return await transactionOnce(work);
      } catch (error) {
        // Rolled back before anything committed, its stale text now unprepared: once more.
        if (!isStalePreparedPlan(error)) throw error;
        return transactionOnce(work);
      }
    },
    async listen(channel: string, handler: NotificationHandler) {
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await listener?.query(`LISTEN ${quoteIdentifier(channel)}`);
      }
      set.add(handler);
      return async () => {
        const current = handlers.get(channel);
        current?.delete(handler);
        if (current?.size === 0) {
          handlers.delete(channel);
          await listener?.query(`UNLISTEN ${quoteIdentifier(channel)}`).catch(() => undefined);
        }
      };
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      const client = listener;
      listener = null;
      await client?.end().catch(() => undefined);
      await pool.end();
    },
  };
}
