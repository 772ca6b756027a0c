/** The vault's local settings: small named values such as the feed cursor and the PIN record. */
import type { Database } from 'better-sqlite3';
import { sql } from '../statement-cache';

export const settingReads = {
  'setting.get': (db: Database, args: { key: string }): string | null =>
    (sql(db, 'SELECT value FROM settings WHERE key = ?').get(args.key) as { value: string } | undefined)?.value ?? null,
} as const;

export const settingWrites = {
  'setting.set': (db: Database, args: { key: string; value: string }): null => {
    sql(
      db,
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(args.key, args.value);
    return null;
  },
} as const;
