/**
 * The audit tables are append-only in the database itself, for the role the server connects
 * with (on PostgreSQL a superuser, the strongest case): no UPDATE, DELETE or TRUNCATE. A
 * record's content may go only after six years and outside every legal hold; its leaf never.
 * Checked on real PostgreSQL and on the embedded PGlite alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database';
import { openDatabase } from '../../../server/db/open-database';
import { legalHolds, placeLegalHold, purgeExpiredAudit, releaseLegalHold } from '../../../server/audit/audit-retention';
import { usePostgres } from '../../support/postgres';
import { BACKENDS, HOOK_TIMEOUT_MS, seedPgliteFromTemplate } from '../../support/server-fixtures';

const postgres = usePostgres();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
}, HOOK_TIMEOUT_MS);

async function open(backend: (typeof BACKENDS)[number]): Promise<Database> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-audit-db-'));
  const url = backend === 'postgres' ? await postgres().createDatabase() : undefined;
  if (backend === 'pglite') await seedPgliteFromTemplate(dataDir);
  const db = await openDatabase({ dataDir, databaseUrl: url });
  cleanups.push(async () => {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return db;
}

const WORKSTATION = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
const YEAR = 365.25 * 24 * 3600 * 1000;
const hash = (n: number) => n.toString(16).padStart(64, '0');

async function insertRecord(db: Database, index: number, at: number, userId = 'nurse.adams'): Promise<void> {
  await db.query('INSERT INTO audit_leaves (tree_index, leaf_hash) VALUES ($1, $2)', [index, hash(index + 1000)]);
  await db.query(
    `INSERT INTO audit_records (tree_index, workstation_id, seq, at, actor_user_id, actor_role, action, object_kind, object_id,
       conversation_id, patient, outcome, reason, record, previous_hash, hash, received_at)
     VALUES ($1, $2, $3, $4, $5, 'nurse', 'conversation.opened', 'none', NULL, NULL, NULL, 'success', NULL, '{}', $6, $7, $4)`,
    [index, WORKSTATION, index + 1, at, userId, hash(index), hash(index + 1)],
  );
}

/** SQLSTATE 42501 (insufficient_privilege), raised by the triggers. */
const refused = { code: '42501' };

describe.each(BACKENDS)('audit tables on %s', (backend) => {
  it('refuse UPDATE, DELETE and TRUNCATE of every audit table, the server role included', async () => {
    const db = await open(backend);
    await insertRecord(db, 0, Date.now());
    await db.query(`INSERT INTO audit_tree_heads (tree_size, signed_at, root_hash, signature) VALUES (1, 1, $1, 'sig')`, [hash(7)]);
    await db.query(`INSERT INTO audit_batches (workstation_id, first_seq, last_seq, previous_hash, last_hash, signature, device_public_key, received_at)
      VALUES ($1, 1, 1, $2, $3, 'sig', 'key', 1)`, [WORKSTATION, hash(0), hash(1)]);
    await db.query(`INSERT INTO audit_alerts (at, workstation_id, kind, seq) VALUES (1, $1, 'gap', 1)`, [WORKSTATION]);
    await db.query(`INSERT INTO account_events (at, actor, action, target_user_id) VALUES (1, 'it.admin', 'account.deactivated', 'nurse.adams')`);

    const attempts = [
      `UPDATE audit_records SET actor_user_id = 'nurse.brown'`,
      `UPDATE audit_records SET record = '{"edited":true}'`,
      `DELETE FROM audit_records`,
      `TRUNCATE audit_records CASCADE`,
      `UPDATE audit_leaves SET leaf_hash = '${hash(9)}'`,
      `DELETE FROM audit_leaves`,
      `TRUNCATE audit_leaves CASCADE`,
      `UPDATE audit_tree_heads SET root_hash = '${hash(9)}'`,
      `DELETE FROM audit_tree_heads`,
      `DELETE FROM audit_batches`,
      `UPDATE audit_batches SET signature = 'forged'`,
      `DELETE FROM audit_alerts`,
      `UPDATE account_events SET actor = 'nobody'`,
      `DELETE FROM account_events`,
    ];
    for (const sql of attempts) await expect(db.query(sql), sql).rejects.toMatchObject(refused);
    const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_records');
    expect(row?.n).toBe(1);
  });

  it('lets a record older than six years go, unless a legal hold covers it; its leaf stays', async () => {
    const db = await open(backend);
    const now = Date.now();
    await insertRecord(db, 0, now - 6.5 * YEAR, 'nurse.adams');
    await insertRecord(db, 1, now - 6.5 * YEAR, 'dr.okafor');
    await insertRecord(db, 2, now - 5 * YEAR, 'nurse.adams');

    await expect(db.query('DELETE FROM audit_records WHERE tree_index = 2')).rejects.toMatchObject(refused);
    await db.query(`INSERT INTO audit_legal_holds (hold_id, event, user_id, at, actor) VALUES ('5d3c1a2b-1111-4222-8333-944455556666', 'placed', 'dr.okafor', $1, 'compliance.lee')`, [now]);
    await expect(db.query('DELETE FROM audit_records WHERE tree_index = 1')).rejects.toMatchObject(refused);
    await db.query('DELETE FROM audit_records WHERE tree_index = 0');

    await db.query(`INSERT INTO audit_legal_holds (hold_id, event, user_id, at, actor) VALUES ('5d3c1a2b-1111-4222-8333-944455556666', 'released', 'dr.okafor', $1, 'compliance.lee')`, [now]);
    await db.query('DELETE FROM audit_records WHERE tree_index = 1');
    const leaves = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_leaves');
    const records = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_records');
    expect([leaves[0]?.n, records[0]?.n]).toEqual([3, 1]);
  });

  it('purges only past the retention and outside legal holds, and refuses a retention under six years', async () => {
    const db = await open(backend);
    const now = Date.now();
    const clock = () => now;
    await insertRecord(db, 0, now - 7 * YEAR, 'nurse.adams');
    await insertRecord(db, 1, now - 7 * YEAR, 'dr.okafor');
    await insertRecord(db, 2, now - 6.5 * YEAR, 'dr.okafor');
    await insertRecord(db, 3, now - 1 * YEAR, 'nurse.adams');
    await expect(purgeExpiredAudit(db, clock, 5)).rejects.toBeInstanceOf(RangeError);

    const hold = await placeLegalHold(db, clock, { userId: 'dr.okafor', actor: 'compliance.lee' });
    expect(await legalHolds(db)).toEqual([{ holdId: hold, userId: 'dr.okafor', placedAt: now, placedBy: 'compliance.lee' }]);
    expect(await purgeExpiredAudit(db, clock, 6)).toBe(1);
    expect(await purgeExpiredAudit(db, clock, 10)).toBe(0);

    expect(await releaseLegalHold(db, clock, { holdId: hold, actor: 'compliance.lee' })).toBe(true);
    expect(await releaseLegalHold(db, clock, { holdId: hold, actor: 'compliance.lee' })).toBe(false);
    expect(await legalHolds(db)).toEqual([]);
    expect(await purgeExpiredAudit(db, clock, 6)).toBe(2);
    const left = await db.query<{ tree_index: number }>('SELECT tree_index::int AS tree_index FROM audit_records ORDER BY tree_index');
    expect(left.map((row) => row.tree_index)).toEqual([3]);
    const leaves = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_leaves');
    expect(leaves[0]?.n).toBe(4);
  });
});
