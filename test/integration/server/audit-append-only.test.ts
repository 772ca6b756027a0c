/**
 * The audit tables are append-only in the database itself, for the role the server connects
 * with (on PostgreSQL a superuser, the strongest case): no UPDATE, DELETE or TRUNCATE. A
 * record's content may go only six years after the server received it (whatever time the
 * workstation stamped on it) and outside every legal hold; its leaf never. Checked on real
 * PostgreSQL and on the embedded PGlite alike.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database';
import { migrate } from '../../../server/db/migrate';
import { MIGRATIONS } from '../../../server/db/migrations';
import { openPgliteDatabase } from '../../../server/db/pglite-database';
import { openPostgresDatabase } from '../../../server/db/postgres-database';
import {
  placeLegalHold,
  purgeExpiredAudit,
  releaseLegalHold,
  RetentionTooShortError,
} from '../../../server/audit/audit-retention';
import { legalHolds } from '../../../server/audit/legal-hold-store';
import { adminEvents } from '../../../server/admin/admin-event-store';
import { usePostgres } from '../../support/postgres';
import { BACKENDS, HOOK_TIMEOUT_MS } from '../../support/server-fixtures';
import { seedPgliteFromTemplate } from '../../support/pglite-template';
import { useTestDatabases } from '../../support/test-databases';

const postgres = usePostgres();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
}, HOOK_TIMEOUT_MS);

const open = useTestDatabases(postgres);

/** A database as an earlier server version left it: migrated only up to `version`. */
async function openAt(backend: (typeof BACKENDS)[number], version: number): Promise<Database> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-audit-db-'));
  if (backend === 'pglite') await seedPgliteFromTemplate(dataDir);
  const db =
    backend === 'postgres'
      ? await openPostgresDatabase(await postgres().createDatabase())
      : await openPgliteDatabase(path.join(dataDir, 'pglite'));
  cleanups.push(async () => {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  await migrate(
    db,
    MIGRATIONS.filter((migration) => migration.version <= version),
  );
  return db;
}

const WORKSTATION = 'aa11bb22-cc33-4d44-8e55-ff6677889900';
const YEAR = 365.25 * 24 * 3600 * 1000;
const hash = (n: number) => n.toString(16).padStart(64, '0');

/**
 * A record the workstation stamped `at` and the server received at `receivedAt` (by default the
 * same), with the tree head that intake signs over it at `headAt` (by default on receipt).
 */
async function insertRecord(
  db: Database,
  index: number,
  at: number,
  userId = 'nurse.adams',
  receivedAt = at,
  more: { headAt?: number; objectKind?: string } = {},
): Promise<void> {
  await db.query('INSERT INTO audit_leaves (tree_index, leaf_hash) VALUES ($1, $2)', [index, hash(index + 1000)]);
  await db.query(
    `INSERT INTO audit_records (tree_index, workstation_id, seq, at, actor_user_id, actor_role, action, object_kind, object_id,
       conversation_id, patient, outcome, reason, record, previous_hash, hash, received_at)
     VALUES ($1, $2, $3, $4, $5, 'nurse', 'conversation.opened', $9, NULL, NULL, NULL, 'success', NULL, '{}', $6, $7, $8)`,
    [index, WORKSTATION, index + 1, at, userId, hash(index), hash(index + 1), receivedAt, more.objectKind ?? 'none'],
  );
  await db.query(
    `INSERT INTO audit_tree_heads (tree_size, signed_at, root_hash, signature) VALUES ($1, $2, $3, 'sig')`,
    [index + 1, Math.floor(more.headAt ?? receivedAt), hash(index + 2000)],
  );
}

const count = async (db: Database, table: string) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]?.n;

/** SQLSTATE 42501 (insufficient_privilege), raised by the triggers. */
const refused = { code: '42501' };

describe.each(BACKENDS)('audit tables on %s', (backend) => {
  it('refuse UPDATE, DELETE and TRUNCATE of every audit table, the server role included', async () => {
    const db = await open(backend);
    await insertRecord(db, 0, Date.now());
    await db.query(
      `INSERT INTO audit_batches (workstation_id, first_seq, last_seq, previous_hash, last_hash, signature, device_public_key, received_at)
      VALUES ($1, 1, 1, $2, $3, 'sig', 'key', 1)`,
      [WORKSTATION, hash(0), hash(1)],
    );
    await db.query(`INSERT INTO audit_alerts (at, workstation_id, kind, seq) VALUES (1, $1, 'gap', 1)`, [WORKSTATION]);
    await db.query(
      `INSERT INTO account_events (at, actor, action, target_user_id) VALUES (1, 'it.admin', 'account.deactivated', 'nurse.adams')`,
    );
    await db.query(
      `INSERT INTO admin_events (at, actor, action, target_user_id, outcome) VALUES (1, 'it.admin', 'account.created', 'nurse.adams', 'success')`,
    );

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
      `TRUNCATE audit_purged`,
      `DELETE FROM audit_batches`,
      `UPDATE audit_batches SET signature = 'forged'`,
      `DELETE FROM audit_alerts`,
      `UPDATE account_events SET actor = 'nobody'`,
      `DELETE FROM account_events`,
      `TRUNCATE account_events`,
      `UPDATE admin_events SET affected = 0`,
      `DELETE FROM admin_events`,
      `TRUNCATE admin_events`,
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
    await db.query(
      `INSERT INTO audit_legal_holds (hold_id, event, user_id, at, actor) VALUES ('5d3c1a2b-1111-4222-8333-944455556666', 'placed', 'dr.okafor', $1, 'compliance.lee')`,
      [now],
    );
    await expect(db.query('DELETE FROM audit_records WHERE tree_index = 1')).rejects.toMatchObject(refused);
    await db.query('DELETE FROM audit_records WHERE tree_index = 0');

    await db.query(
      `INSERT INTO audit_legal_holds (hold_id, event, user_id, at, actor) VALUES ('5d3c1a2b-1111-4222-8333-944455556666', 'released', 'dr.okafor', $1, 'compliance.lee')`,
      [now],
    );
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
    await expect(purgeExpiredAudit(db, clock, 5)).rejects.toBeInstanceOf(RetentionTooShortError);

    const hold = await placeLegalHold(db, clock, { userId: 'dr.okafor', actor: 'compliance.lee' });
    expect(await legalHolds(db)).toEqual([
      { holdId: hold, userId: 'dr.okafor', placedAt: now, placedBy: 'compliance.lee' },
    ]);
    expect(await purgeExpiredAudit(db, clock, 6)).toBe(1);
    expect(await purgeExpiredAudit(db, clock, 10)).toBe(0);

    expect(await releaseLegalHold(db, clock, { holdId: hold, actor: 'compliance.lee' })).toBe(true);
    expect(await releaseLegalHold(db, clock, { holdId: hold, actor: 'compliance.lee' })).toBe(false);
    expect(await legalHolds(db)).toEqual([]);
    expect(await purgeExpiredAudit(db, clock, 6)).toBe(2);
    const left = await db.query<{ tree_index: number }>(
      'SELECT tree_index::int AS tree_index FROM audit_records ORDER BY tree_index',
    );
    expect(left.map((row) => row.tree_index)).toEqual([3]);
    const leaves = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_leaves');
    expect(leaves[0]?.n).toBe(4);

    // Each purge is recorded with how many went and from before when; the refused one too.
    const purges = await adminEvents(db, { action: 'audit.purged' });
    const sixYearsBefore = Math.floor(now - 6 * YEAR);
    expect(
      purges.map(({ actor, affected, receivedBefore, outcome, reason }) => ({
        actor,
        affected,
        receivedBefore,
        outcome,
        reason,
      })),
    ).toEqual([
      {
        actor: 'server-operator',
        affected: null,
        receivedBefore: null,
        outcome: 'failure',
        reason: 'AUDIT_RETENTION_TOO_SHORT',
      },
      { actor: 'server-operator', affected: 1, receivedBefore: sixYearsBefore, outcome: 'success', reason: null },
      {
        actor: 'server-operator',
        affected: 0,
        receivedBefore: Math.floor(now - 10 * YEAR),
        outcome: 'success',
        reason: null,
      },
      { actor: 'server-operator', affected: 2, receivedBefore: sixYearsBefore, outcome: 'success', reason: null },
    ]);
    expect(
      (await adminEvents(db)).map((event) => [event.action, event.actor, event.targetUserId, event.subject]),
    ).toEqual([
      ['audit.purged', 'server-operator', null, null],
      ['legal-hold.placed', 'compliance.lee', 'dr.okafor', hold],
      ['audit.purged', 'server-operator', null, null],
      ['audit.purged', 'server-operator', null, null],
      ['legal-hold.released', 'compliance.lee', 'dr.okafor', hold],
      ['audit.purged', 'server-operator', null, null],
    ]);
  });

  it('counts retention from when the server received a record, not from the time the workstation stamped on it', async () => {
    const db = await open(backend);
    const now = Date.now();
    // Stamped 1970 by a workstation with a wrong clock, received just now.
    await insertRecord(db, 0, 0, 'nurse.adams', now);
    // Received 5.9 years ago (stamped then too): still inside the six years.
    await insertRecord(db, 1, now - 5.9 * YEAR, 'nurse.adams', now - 5.9 * YEAR);
    // Stamped yesterday by a workstation whose clock ran fast, but received 6.1 years ago: expired.
    await insertRecord(db, 2, now - 24 * 3600 * 1000, 'nurse.adams', now - 6.1 * YEAR);

    await expect(db.query('DELETE FROM audit_records WHERE tree_index = 0'), 'the trigger').rejects.toMatchObject(
      refused,
    );
    await expect(db.query('DELETE FROM audit_records WHERE tree_index = 1'), 'the trigger').rejects.toMatchObject(
      refused,
    );
    expect(await purgeExpiredAudit(db, () => now, 6)).toBe(1);
    const left = await db.query<{ tree_index: number }>(
      'SELECT tree_index::int AS tree_index FROM audit_records ORDER BY tree_index',
    );
    expect(left.map((row) => row.tree_index)).toEqual([0, 1]);
  });

  it('moves an existing database to receive-time retention when it is upgraded', async () => {
    const db = await openAt(backend, 4);
    const now = Date.now();
    await insertRecord(db, 0, 0, 'nurse.adams', now);
    await insertRecord(db, 1, now, 'nurse.adams', now - 7 * YEAR);
    expect(await migrate(db)).toEqual(
      MIGRATIONS.filter((migration) => migration.version > 4).map((migration) => migration.version),
    );
    await expect(db.query('DELETE FROM audit_records WHERE tree_index = 0')).rejects.toMatchObject(refused);
    expect(await purgeExpiredAudit(db, () => now, 6)).toBe(1);
    const left = await db.query<{ tree_index: number }>('SELECT tree_index::int AS tree_index FROM audit_records');
    expect(left.map((row) => row.tree_index)).toEqual([0]);
  });

  it('purges through the function only what six years by the database clock allow, whatever time it is asked to use', async () => {
    const db = await open(backend);
    const now = Date.now();
    await insertRecord(db, 0, 0, 'nurse.adams', now - 1000);
    await insertRecord(db, 1, now - 7 * YEAR, 'nurse.adams', now - 7 * YEAR);
    // A caller claiming it is a hundred years later (a moved server clock, or a hand-written call).
    const [row] = await db.query<{ n: number }>('SELECT audit_purge_expired($1, $2, $3)::int AS n', [
      now + 100 * YEAR,
      'it.admin',
      now,
    ]);
    expect(row?.n).toBe(1);
    expect(await purgeExpiredAudit(db, () => now + 100 * YEAR, 6)).toBe(0);
    expect(await count(db, 'audit_records')).toBe(1);
    // The purge wrote its own record, bounded at six years before the database's now.
    const [purge] = await adminEvents(db, { action: 'audit.purged' });
    expect(purge).toMatchObject({ actor: 'it.admin', affected: 1, outcome: 'success' });
    expect(purge?.receivedBefore).toBeLessThanOrEqual(Date.now() - 6 * YEAR);
    expect(purge?.receivedBefore).toBeGreaterThan(now - 6 * YEAR - 60_000);
  });

  it('keeps the place and hash of each purged record, and never purges a purge record or one no old enough head covers', async () => {
    const db = await open(backend);
    const now = Date.now();
    await insertRecord(db, 0, now - 7 * YEAR);
    await insertRecord(db, 1, now - 7 * YEAR, 'it.admin', now - 7 * YEAR, { objectKind: 'audit-purge' });
    await insertRecord(db, 2, now - 7 * YEAR);
    // Received seven years ago by its column, but the first head over it was signed last week: the column was set by hand.
    await insertRecord(db, 3, now - 7 * YEAR, 'nurse.adams', now - 7 * YEAR, { headAt: now - 7 * 24 * 3600 * 1000 });

    await expect(db.query('DELETE FROM audit_records WHERE tree_index = 1'), 'the trigger').rejects.toMatchObject(
      refused,
    );
    await expect(db.query('DELETE FROM audit_records WHERE tree_index = 3'), 'the trigger').rejects.toMatchObject(
      refused,
    );
    // An owner's direct delete of an expired record leaves its stub as well.
    await db.query('DELETE FROM audit_records WHERE tree_index = 2');
    expect(await purgeExpiredAudit(db, () => now, 6)).toBe(1);
    const left = await db.query<{ tree_index: number }>(
      'SELECT tree_index::int AS tree_index FROM audit_records ORDER BY tree_index',
    );
    expect(left.map((row) => row.tree_index)).toEqual([1, 3]);
    const stubs = await db.query<{ tree_index: number; workstation_id: string; seq: number; hash: string }>(
      'SELECT tree_index::int AS tree_index, workstation_id::text AS workstation_id, seq::int AS seq, hash FROM audit_purged ORDER BY tree_index',
    );
    expect(stubs).toEqual([
      { tree_index: 0, workstation_id: WORKSTATION, seq: 1, hash: hash(1) },
      { tree_index: 2, workstation_id: WORKSTATION, seq: 3, hash: hash(3) },
    ]);
    for (const sql of ['UPDATE audit_purged SET seq = 9', 'DELETE FROM audit_purged', 'TRUNCATE audit_purged'])
      await expect(db.query(sql), sql).rejects.toMatchObject(refused);
  });
});
