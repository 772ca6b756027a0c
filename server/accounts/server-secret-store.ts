/**
 * Secrets the server keeps for itself in the database (so every instance of a deployment shares
 * them): created at random the first time they are asked for, the same ever after.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database';

export async function serverSecret(db: Queryable, name: string): Promise<Buffer> {
  await db.query('INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING', [
    name,
    randomBytes(32).toString('base64'),
  ]);
  const rows = await db.query<{ value: string }>('SELECT value FROM server_secrets WHERE name = $1', [name]);
  const value = rows[0]?.value;
  if (value === undefined) throw new Error('server secret missing');
  return Buffer.from(value, 'base64');
}

/** Whether the secret was ever made, without making it. */
export async function hasServerSecret(db: Queryable, name: string): Promise<boolean> {
  const rows = await db.query<{ name: string }>('SELECT name FROM server_secrets WHERE name = $1', [name]);
  return rows.length > 0;
}
