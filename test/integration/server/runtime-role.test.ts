/**
 * The production setup on PostgreSQL: the schema's owner migrates (`--migrate-only
 * --runtime-role`), and the server runs as a role that owns nothing. That role cannot change or
 * remove audit rows even with the triggers' help taken away: UPDATE, DELETE and TRUNCATE are
 * refused by privilege, and so are disabling a trigger, replacing the function behind it and
 * creating objects. The server still does its work: intake, compliance search, legal holds, and
 * purging through the one function that enforces retention and holds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresDatabase } from '../../../server/db/postgres-database';
import { migrate, MigrationNotPermittedError } from '../../../server/db/migrate';
import { APPEND_ONLY_TABLES, grantRuntimeRole, RuntimeRoleError } from '../../../server/db/runtime-role';
import { MIGRATIONS } from '../../../server/db/migrations';
import { startServer } from '../../../server/server';
import { chainRecords, chainStart, signedBatch } from '../../support/audit-batches';
import { repoRoot } from '../../support/browser-host-process';
import { usePostgres } from '../../support/postgres';
import {
  createUser,
  HOOK_TIMEOUT_MS,
  signIn,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const YEAR = 365.25 * 24 * 3600 * 1000;
/** Each append-only table's key, for an UPDATE that parses (the tables without an `id`). */
const KEY_COLUMN: Readonly<Record<string, string>> = {
  audit_leaves: 'tree_index',
  audit_records: 'tree_index',
  audit_purged: 'tree_index',
  audit_tree_heads: 'tree_size',
};
const noFilter = {
  userId: null,
  patient: null,
  workstationId: null,
  conversationId: null,
  action: null,
  since: null,
  until: null,
};

/** The URL of the same database as another role (the test cluster trusts local connections). */
const as = (url: string, role: string) => url.replace(/^postgres:\/\/[^@]+@/, `postgres://${role}@`);
const databaseOf = (url: string) => new URL(url).pathname.slice(1);

/** A database owned by `owner`, as an operator creates one; its URL as the superuser. */
async function ownedDatabase(owner: string): Promise<string> {
  const url = await postgres().createDatabase();
  await postgres().execute(url, `ALTER DATABASE ${databaseOf(url)} OWNER TO ${owner}`);
  return url;
}

/** `npm run server -- --migrate-only …` as the operator runs it; its exit code and output. */
function migrateCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/cli.ts', '--migrate-only', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

/** One statement as `url`'s role on its own connection; the SQLSTATE it failed with, or null. */
async function sqlState(url: string, sql: string, params: unknown[] = []): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql, params);
    return null;
  } catch (error) {
    return (error as { code?: string }).code ?? 'no code';
  } finally {
    await client.end();
  }
}

let superUrl: string;
let ownerUrl: string;
let appUrl: string;

beforeAll(async () => {
  // Roles belong to the cluster: an operator creates both once, then a database for the owner.
  const setup = await postgres().createDatabase();
  for (const role of ['wardline_owner', 'wardline_app']) await postgres().execute(setup, `CREATE ROLE ${role} LOGIN`);
  superUrl = await ownedDatabase('wardline_owner');
  ownerUrl = as(superUrl, 'wardline_owner');
  appUrl = as(superUrl, 'wardline_app');
}, HOOK_TIMEOUT_MS);

describe('setting up the runtime role', () => {
  it('migrates as the owner and grants the runtime role from the command line', async () => {
    const done = await migrateCli(['--database-url', ownerUrl, '--runtime-role', 'wardline_app']);
    expect(done.stderr).toBe('');
    expect(done.stdout).toBe(
      `schema migrated: version ${String(MIGRATIONS.at(-1)?.version)}; runtime role wardline_app granted\n`,
    );
    expect(done.code).toBe(0);
    // Run again (as after an upgrade), it changes nothing and says the same.
    expect((await migrateCli(['--database-url', ownerUrl, '--runtime-role', 'wardline_app'])).code).toBe(0);
  });

  it('refuses to grant to a role that could switch the triggers off, or that does not exist', async () => {
    const db = await openPostgresDatabase(ownerUrl);
    try {
      await expect(grantRuntimeRole(db, 'wardline_owner')).rejects.toMatchObject({ code: 'ROLE_TOO_POWERFUL' });
      await expect(grantRuntimeRole(db, 'postgres')).rejects.toMatchObject({ code: 'ROLE_TOO_POWERFUL' });
      await expect(grantRuntimeRole(db, 'nobody_at_all')).rejects.toMatchObject({ code: 'UNKNOWN_ROLE' });
      await expect(grantRuntimeRole(db, 'app; DROP TABLE accounts')).rejects.toBeInstanceOf(RuntimeRoleError);
    } finally {
      await db.close();
    }
    const refused = await migrateCli(['--database-url', ownerUrl, '--runtime-role', 'wardline_owner']);
    expect([refused.code, refused.stderr]).toEqual([1, 'migration failed (RuntimeRoleError ROLE_TOO_POWERFUL)\n']);
  });

  it('will not let a server running as the runtime role migrate a schema that is behind', async () => {
    const behindUrl = await ownedDatabase('wardline_owner');
    const owner = await openPostgresDatabase(as(behindUrl, 'wardline_owner'));
    try {
      await migrate(
        owner,
        MIGRATIONS.filter((migration) => migration.version <= 4),
      );
    } finally {
      await owner.close();
    }
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-runtime-'));
    try {
      await expect(
        startServer({ dataDir, port: 0, databaseUrl: as(behindUrl, 'wardline_app'), log: { level: 'silent' } }),
      ).rejects.toBeInstanceOf(MigrationNotPermittedError);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('the server running as the runtime role', () => {
  let target: TestServer;
  let nurse: TestUser;
  let officer: TestUser;

  beforeAll(async () => {
    target = await startTestServer('postgres', { databaseUrl: appUrl });
    nurse = await createUser(target, { userId: 'nurse.adams', displayName: 'Grace Adams' });
    officer = await createUser(target, {
      userId: 'compliance.lee',
      displayName: 'Jin Lee',
      role: 'compliance-officer',
    });
    await signIn(target, nurse);
    await signIn(target, officer);
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  it('takes in a workstation batch and finds it for the compliance officer', async () => {
    const entries = await chainRecords(nurse.device.deviceId, chainStart(), [{}, { action: 'session.locked' }]);
    const ack = await target.api.ok('auditBatch', await signedBatch(nurse.device, entries));
    expect(ack.ackedSeq).toBe(2);
    const found = await target.api.ok(
      'auditSearch',
      { filter: { ...noFilter, workstationId: nurse.device.deviceId }, afterIndex: -1, limit: 50, knownTreeSize: 0 },
      token(officer),
    );
    expect(found.entries.map(({ entry }) => entry.record.action)).toEqual(['session.unlocked', 'session.locked']);
    // The accounts it created are in its own chain too.
    const created = await target.server.admin.auditRecords({ action: 'admin.action' });
    expect(created.map((entry) => entry.record.reason)).toEqual(['ACCOUNT_CREATED', 'ACCOUNT_CREATED']);
  });

  it('cannot change, remove or unprotect an audit row, nor the function that guards them', async () => {
    const attempts = [
      ...APPEND_ONLY_TABLES.flatMap((table) => [
        `UPDATE ${table} SET ${KEY_COLUMN[table] ?? 'id'} = ${KEY_COLUMN[table] ?? 'id'}`,
        `DELETE FROM ${table}`,
        `TRUNCATE ${table}`,
        `ALTER TABLE ${table} DISABLE TRIGGER ALL`,
        `ALTER TABLE ${table} DISABLE TRIGGER USER`,
        `DROP TABLE ${table}`,
      ]),
      'ALTER TABLE audit_records DISABLE TRIGGER audit_records_retention',
      `CREATE OR REPLACE FUNCTION audit_record_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`,
      `CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$`,
      'DROP TRIGGER audit_records_retention ON audit_records',
      'CREATE TABLE audit_shadow (id int)',
      'UPDATE schema_migrations SET name = name',
      'SET session_replication_role = replica',
    ];
    for (const sql of attempts) expect(await sqlState(appUrl, sql), sql).toBe('42501');
    // The owner could (which is why the server must not run as the owner); rolled back here.
    expect(await sqlState(ownerUrl, 'BEGIN; ALTER TABLE audit_records DISABLE TRIGGER USER; ROLLBACK')).toBeNull();
    // The same statements as the superuser would have worked: these rows are there to protect.
    const [row] = (await postgres().execute(superUrl, 'SELECT count(*)::int AS n FROM audit_records')) as {
      n: number;
    }[];
    expect(row?.n).toBeGreaterThan(0);
  });

  it('holds and purges only through the checked function, which keeps six years and every hold', async () => {
    // A record received seven years ago (written by the owner, as an old server would have).
    const old = Date.now() - 7 * YEAR;
    // Next in the tree, so every head stays provable.
    const [{ next }] = (await postgres().execute(superUrl, 'SELECT count(*)::int AS next FROM audit_leaves')) as [
      { next: number },
    ];
    await postgres().execute(
      superUrl,
      `INSERT INTO audit_leaves (tree_index, leaf_hash) VALUES (${String(next)}, '${'a'.repeat(64)}')`,
    );
    await postgres().execute(
      superUrl,
      `INSERT INTO audit_records (tree_index, workstation_id, seq, at, actor_user_id, actor_role, action, object_kind, object_id, conversation_id, patient, outcome, reason, record, previous_hash, hash, received_at)
       VALUES (${String(next)}, '0f0e0d0c-0b0a-4909-8807-060504030201', 1, 0, 'dr.gone', 'physician', 'session.locked', 'none', NULL, NULL, NULL, 'success', NULL, '{}', '${'b'.repeat(64)}', '${'c'.repeat(64)}', ${String(old)})`,
    );
    // And the head signed over it on receipt, which is what proves its age.
    await postgres().execute(
      superUrl,
      `INSERT INTO audit_tree_heads (tree_size, signed_at, root_hash, signature) VALUES (${String(next + 1)}, ${String(old)}, '${'d'.repeat(64)}', 'sig')`,
    );
    // The runtime role cannot delete it directly, however old it is.
    expect(await sqlState(appUrl, 'DELETE FROM audit_records WHERE tree_index = $1', [next])).toBe('42501');
    const hold = await target.server.admin.placeLegalHold('dr.gone', 'compliance.lee');
    expect(await target.server.admin.purgeExpiredAudit(6, 'compliance.lee')).toBe(0);
    expect(await target.server.admin.releaseLegalHold(hold, 'compliance.lee')).toBe(true);
    expect(await target.server.admin.purgeExpiredAudit(6, 'compliance.lee')).toBe(1);
    // What the workstation sent a moment ago stays: six years from receipt, whatever is asked.
    expect(
      await sqlState(appUrl, 'SELECT audit_purge_expired($1, $2, $3)', [
        Date.now() + 100 * YEAR,
        'compliance.lee',
        Date.now(),
      ]),
    ).toBeNull();
    const left = (await postgres().execute(
      superUrl,
      `SELECT action FROM audit_records WHERE workstation_id = '${nurse.device.deviceId}' ORDER BY seq`,
    )) as { action: string }[];
    expect(left.map((entry) => entry.action)).toEqual(['session.unlocked', 'session.locked']);
    expect(await target.server.admin.adminEvents({ action: 'audit.purged' })).toMatchObject([
      { actor: 'compliance.lee', affected: 0, outcome: 'success' },
      { actor: 'compliance.lee', affected: 1, outcome: 'success' },
      { actor: 'compliance.lee', affected: 0, outcome: 'success' },
    ]);
  });
});
