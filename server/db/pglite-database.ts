/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) persisting to a folder in
 * the data dir. One process, one connection: PGlite runs every query and transaction one at a
 * time, and its notifications reach listeners in this same process. Its files are made private
 * once it has opened: its file system sets their modes itself, past the process umask
 * (data-folder.ts).
 */
import { PGlite, types } from '@electric-sql/pglite';
import { tightenFolder } from '../data-folder';
import type { Database, NotificationHandler, Queryable, Row } from './database';

export async function openPgliteDatabase(directory: string): Promise<Database> {
  const pg = await PGlite.create(directory, {
    parsers: { [types.INT8]: (value: string) => Number(value) },
  });
  try {
    await tightenFolder(directory);
  } catch (error) {
    await pg.close();
    throw error;
  }
  const queryable = (target: Pick<PGlite, 'query'>): Queryable => ({
    query: async <R extends Row = Row>(sql: string, params: readonly unknown[] = []) =>
      (await target.query<R>(sql, [...params])).rows,
  });
  const direct = queryable(pg);
  return {
    kind: 'pglite',
    query: <R extends Row = Row>(sql: string, params?: readonly unknown[]) => direct.query<R>(sql, params),
    transaction: (work) => pg.transaction((tx) => work(queryable(tx))),
    async listen(channel: string, handler: NotificationHandler) {
      const unlisten = await pg.listen(channel, (payload) => handler(payload));
      return unlisten;
    },
    close: () => pg.close(),
  };
}
