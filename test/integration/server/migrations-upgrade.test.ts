/**
 * Upgrading a server database that is in service: for every past migration version, a database
 * migrated only that far and populated the way a server of that version populated it (every
 * table it had holds rows) is migrated to the latest, and nothing is lost. Two checks: every row
 * of every table that existed still holds the values it held (column by column, through the
 * renames the migrations made), and the app's own store functions read each one back.
 *
 * Rows are written with the current store functions where the table has not changed since, and
 * with the SQL of that version where it has (auth_throttle before migration 9, sessions before
 * the served_events outbox that createSession now writes to, admin_events before migration 24,
 * envelopes before migration 26).
 */
import { insertTemplate } from '../../../server/templates/template-store';
import { ledDepartmentOf } from '../../../server/accounts/department-lead-store';
import {
  releaseRetentionLease,
  retentionRunDue,
  takeRetentionLease,
} from '../../../server/retention/message-retention-store';
import { insertMessageHoldPlaced, messageHoldsInForce } from '../../../server/holds/message-hold-store';
import { DEFAULT_BLOB_LIMITS } from '../../../server/blobs/blob-limits';
import { appendChunk, blobChunk, completeBlob, createBlob, readableBlobSize } from '../../../server/blobs/blob-store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StoredEntry } from '../../../shared/audit/audit-entry';
import type { Envelope } from '../../../shared/protocol/envelope';
import { alertTimes, DEFAULT_ESCALATION_TIMES } from '../../../shared/protocol/escalation';
import { accountEventsOf, recordAccountEvent } from '../../../server/accounts/account-event-store';
import { findAccount, insertAccount } from '../../../server/accounts/account-store';
import { spendProof } from '../../../server/accounts/spent-proof-store';
import { deviceKeyOf, registerDevice } from '../../../server/accounts/device-store';
import { enrollmentExpiryOf, storeEnrollmentCode } from '../../../server/accounts/enrollment-code-store';
import { findChallenge, insertChallenge } from '../../../server/accounts/mfa-challenge-store';
import { serverSecret } from '../../../server/accounts/server-secret-store';
import { liveSessionsOf, sessionStatuses } from '../../../server/accounts/session-store';
import { readThrottle } from '../../../server/accounts/throttle-store';
import { adminEvents } from '../../../server/admin/admin-event-store';
import { adminRoleAddressOf } from '../../../server/admin/admin-role-address-store';
import { auditAlerts, recordAuditAlert } from '../../../server/audit/audit-alert-store';
import { auditBatches, treeHeads } from '../../../server/audit/audit-head-store';
import { appendBatch } from '../../../server/audit/audit-intake';
import { purgedRecords, searchAuditRecords } from '../../../server/audit/audit-record-store';
import { loadAuditSigningKey } from '../../../server/audit/audit-signing-key';
import { createAuditTree } from '../../../server/audit/audit-tree';
import { insertLeaves } from '../../../server/audit/audit-tree-store';
import { insertHoldPlaced, legalHolds } from '../../../server/audit/legal-hold-store';
import { recordServed, servedEvent } from '../../../server/audit/served-events';
import { servedEventsAfter } from '../../../server/audit/served-event-store';
import { readServerCursor } from '../../../server/audit/server-cursor-store';
import type { Database, Queryable } from '../../../server/db/database';
import { migrate } from '../../../server/db/migrate';
import { updateRoleEscalation } from '../../../server/directory/role-escalation-store';
import { activeTemplatesFor, templatePage } from '../../../server/templates/template-store';
import { MIGRATIONS } from '../../../server/db/migrations';
import { openPgliteDatabase } from '../../../server/db/pglite-database';
import { openPostgresDatabase } from '../../../server/db/postgres-database';
import { searchDirectory } from '../../../server/directory/directory-search';
import { findIdentity } from '../../../server/directory/identity-store';
import { publishedSigningKeysOf } from '../../../server/directory/key-history-store';
import { storeRoleAddress } from '../../../server/directory/role-address-store';
import { envelopeIdentity, heldEnvelope } from '../../../server/relay/envelope-store';
import { acknowledgementOf, insertAcknowledgement } from '../../../server/relay/acknowledgement-store';
import { claimDueAlerts } from '../../../server/relay/escalation-store';
import { appendFeedEvents, readFeed } from '../../../server/relay/feed-store';
import { insertScimToken, scimTokenOf } from '../../../server/scim/scim-token-store';
import { readSiemCursor } from '../../../server/siem/siem-cursor-store';
import { holdsLease, takeLease } from '../../../server/siem/siem-lease-store';
import {
  commandsOfDevice,
  currentDeviceName,
  devicesOfUser,
  queueCommand,
  recordDeviceUser,
} from '../../../server/devices/device-command-store';
import { chainRecords, chainStart } from '../../support/audit-batches';
import { usePostgres } from '../../support/postgres';
import { BACKENDS, HOOK_TIMEOUT_MS, type Backend } from '../../support/server-fixtures';
import { seedPgliteFromTemplate } from '../../support/pglite-template';

/** Times a version 19 server may have kept for a role address. */
const OWN_ESCALATION = { repeatEveryMs: null, backupAfterMs: 240_000, everyoneAfterMs: 420_000 };
const LATEST = MIGRATIONS.at(-1)?.version ?? 0;
const PAST_VERSIONS = MIGRATIONS.map((migration) => migration.version).filter((version) => version < LATEST);

const postgres = usePostgres();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
}, HOOK_TIMEOUT_MS);

/** A database as a server of `version` left it: migrated only that far. */
async function openAt(backend: Backend, version: number): Promise<Database> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-upgrade-'));
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

/**
 * Columns a migration renamed (old name → new), or dropped (→ null): migration 9 counts
 * consecutive failures from the last attempt, so `window_started_at` became `last_attempt_at`,
 * and its hard lock is recorded anew (`locked_at`) instead of the old lock's end time.
 */
const RENAMED: Readonly<Record<string, Readonly<Record<string, string | null>>>> = {
  auth_throttle: { window_started_at: 'last_attempt_at', locked_until: null },
};

type Snapshot = Map<string, string[]>;

/** Every row of every table (but the migrations' own), each as its columns' values in text. */
async function snapshot(db: Queryable): Promise<Snapshot> {
  const tables = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'schema_migrations'
     ORDER BY table_name`,
  );
  const result: Snapshot = new Map();
  for (const { table_name: table } of tables) {
    const rows = await db.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM ${table} t`);
    result.set(
      table,
      rows.map((row) => row.row),
    );
  }
  return result;
}

/** Rows as their columns from before the upgrade, each under `nameNow(column)` (null: dropped since). */
function project(rows: readonly string[], columns: readonly string[], nameNow: (column: string) => string | null) {
  return rows
    .map((text) => {
      const row = JSON.parse(text) as Record<string, unknown>;
      const values = columns.map((column) => {
        const name = nameNow(column);
        return name === null ? '(dropped)' : row[name];
      });
      return JSON.stringify(values);
    })
    .sort();
}

function expectNothingLost(before: Snapshot, after: Snapshot): void {
  for (const [table, rows] of before) {
    expect(rows.length, `${table} held rows before the upgrade`).toBeGreaterThan(0);
    const renamed = RENAMED[table] ?? {};
    const columns = Object.keys(JSON.parse(rows[0] ?? '{}') as object);
    const wasDropped = (column: string) => (renamed[column] === null ? null : column);
    const nameNow = (column: string) => (column in renamed ? (renamed[column] ?? null) : column);
    expect(project(after.get(table) ?? [], columns, nameNow), table).toEqual(project(rows, columns, wasDropped));
  }
}

const NOW = Date.now();
const NURSE = 'nurse.adams';
const DOCTOR = 'dr.brown';
const DEVICE = randomUUID();
const WIPE_COMMAND = randomUUID();
const SESSION = randomUUID();
const CHALLENGE = randomUUID();
const MESSAGE = randomUUID();
const CONVERSATION = randomUUID();
const HOLD = randomUUID();
const MESSAGE_HOLD = randomUUID();
const MESSAGE_HOLD_CONVERSATION = randomUUID();
const SCIM_TOKEN = randomUUID();
const LEASE_HOLDER = randomUUID();
const BLOB = randomUUID();
const BLOB_BYTES = new Uint8Array([0xc1, 0x9e, 0x47, 0x00, 0xff]);

const envelopeOf = (): Envelope =>
  ({
    v: 1,
    header: {
      v: 1,
      id: MESSAGE,
      conversationId: CONVERSATION,
      sender: { userId: DOCTOR, deviceId: DEVICE },
      recipients: [NURSE],
      sentAt: NOW - 1000,
      expiresAt: null,
      priority: 'routine',
    },
    keys: [{ userId: NURSE, sealedKey: 'a2V5' }],
    body: { nonce: 'bm9uY2U=', ciphertext: 'Ym9keQ==' },
    signature: 'c2ln',
  }) as unknown as Envelope;

/** What a server of `version` had written by the time it was upgraded: rows in every table it had. */
async function populate(db: Database, version: number): Promise<{ audit: StoredEntry[]; secret: Buffer }> {
  for (const [userId, role] of [
    [NURSE, 'nurse'],
    [DOCTOR, 'physician'],
  ] as const) {
    await insertAccount(
      db,
      {
        userId,
        displayName: userId,
        role,
        department: 'Cardiology',
        title: role,
        salt: 'c2FsdHNhbHRzYWx0c2FsdA==',
        kdf: { memoryMiB: 64, passes: 3 },
        authKeyHash: `$argon2id$${userId}`,
        totpSecret: 'JBSWY3DPEHPK3PXP',
      },
      NOW - 5000,
    );
  }
  // With the SQL of every version before the key history (migration 25), which storeIdentity also writes.
  await db.query(
    `INSERT INTO identities (user_id, signing_key, encryption_key, wrapped_private_keys, fingerprint, published_at)
     VALUES ($1, 'c2lnbmluZw==', 'ZW5jcnlwdGlvbg==', 'd3JhcHBlZA==', 'ab12', $2)`,
    [NURSE, NOW - 4000],
  );
  // A version 25 server kept the history too (its own rows, not the backfill's).
  if (version >= 25)
    await db.query(
      `INSERT INTO identity_key_history (user_id, signing_key, encryption_key, fingerprint, published_at)
       VALUES ($1, 'c2lnbmluZw==', 'ZW5jcnlwdGlvbg==', 'ab12', $2)`,
      [NURSE, NOW - 4000],
    );
  await storeRoleAddress(
    db,
    {
      addressId: 'cardiology-on-call',
      displayName: 'On-call cardiology',
      department: 'Cardiology',
      description: 'Pager',
    },
    [NURSE, DOCTOR],
  );
  await registerDevice(db, DEVICE, 'ZGV2aWNla2V5', NOW - 4000);
  await insertChallenge(db, {
    challengeId: CHALLENGE,
    userId: NURSE,
    deviceId: DEVICE,
    devicePublicKey: 'ZGV2aWNla2V5',
    deviceName: 'Ward 3 desk',
    enrollmentSecret: null,
    expiresAt: NOW + 60_000,
  });
  await db.query(
    `INSERT INTO sessions (session_id, user_id, device_id, device_name, token_hash, token_expires_at, created_at, max_expires_at, last_seen_at)
     VALUES ($1, $2, $3, 'Ward 3 desk', 'digest', $4, $5, $6, $5)`,
    [SESSION, NURSE, DEVICE, NOW + 3_600_000, NOW - 3000, NOW + 8 * 3_600_000],
  );
  await db.query(
    `INSERT INTO auth_throttle (key, failures, ${version < 9 ? 'window_started_at, locked_until' : 'last_attempt_at, locked_at'})
     VALUES ('account:nurse.adams', 2, $1, NULL)`,
    [NOW - 2000],
  );
  // With the SQL of versions 1 to 25: migration 26 added the role address an envelope names.
  await db.query(
    `INSERT INTO envelopes (message_id, conversation_id, sender_id, accepted_at, expires_at, digest, envelope_json)
     VALUES ($1, $2, $3, $4, NULL, 'ZGlnZXN0', $5)`,
    [MESSAGE, CONVERSATION, DOCTOR, NOW - 900, JSON.stringify(envelopeOf())],
  );
  await db.query('INSERT INTO envelope_recipients (message_id, user_id) VALUES ($1, $2)', [MESSAGE, NURSE]);
  // Feed rows as every version writes them: numbered by one global sequence before migration 27
  // (today's appendFeedEvents writes columns added later), by each person's head since.
  if (version >= 27) {
    await db.transaction(async (tx) => {
      await appendFeedEvents(tx, [NURSE], { type: 'envelope', messageId: MESSAGE }, NOW - 900);
      const receipt = { type: 'receipt', messageId: MESSAGE, userId: NURSE, kind: 'delivered', at: NOW - 800 } as const;
      await appendFeedEvents(tx, [DOCTOR], receipt, NOW - 800);
    });
  } else {
    await db.query(
      `INSERT INTO feed_events (user_id, type, message_id, actor_id, receipt_kind, at, signature, created_at)
       VALUES ($1, 'envelope', $3, NULL, NULL, NULL, NULL, $4), ($2, 'receipt', $3, $1, 'delivered', $5, NULL, $5)`,
      [NURSE, DOCTOR, MESSAGE, NOW - 900, NOW - 800],
    );
  }
  await db.query(`INSERT INTO receipts (message_id, user_id, kind, at) VALUES ($1, $2, 'delivered', $3)`, [
    MESSAGE,
    NURSE,
    NOW - 800,
  ]);
  const secret = await serverSecret(db, 'upgrade-test');
  if (version >= 2) {
    await recordAccountEvent(db, {
      at: NOW - 700,
      actor: 'it.admin',
      action: 'sessions.revoked',
      targetUserId: DOCTOR,
      sessionsEnded: 1,
    });
  }
  const audit: StoredEntry[] = [];
  if (version >= 3) {
    const tree = createAuditTree(await loadAuditSigningKey(db));
    const fresh = await chainRecords(DEVICE, chainStart(), [{}, { action: 'session.locked' }]);
    await db.transaction(async (tx) => {
      const { entries } = await appendBatch(tx, tree, {
        workstationId: DEVICE,
        fresh,
        signed: {
          firstSeq: 1,
          lastSeq: 2,
          previousHash: fresh[0]?.previousHash ?? '',
          lastHash: fresh[1]?.hash ?? '',
          signature: 'c2lnbmF0dXJl',
          devicePublicKey: 'ZGV2aWNla2V5',
        },
        now: NOW - 600,
      });
      audit.push(...entries);
    });
    await recordAuditAlert(db, { at: NOW - 600, workstationId: DEVICE, kind: 'gap', seq: 7 });
    await insertHoldPlaced(db, { holdId: HOLD, userId: NURSE, at: NOW - 500, actor: 'compliance.chen' });
  }
  if (version >= 4) {
    await readSiemCursor(db);
    // As forwarding before the lease (migration 15) moved it.
    await db.query('UPDATE siem_cursor SET next_index = 2 WHERE id = 1');
    await db.query('INSERT INTO audit_server_cursor (id, last_event) VALUES (1, 1)');
  }
  if (version >= 5) {
    // With the SQL of versions 5 to 23: migration 24 added the retention run's columns.
    await db.query(
      `INSERT INTO admin_events (at, actor, action, target_user_id, subject, affected, received_before, outcome, reason)
       VALUES ($1, 'it.admin', 'account.created', $2, NULL, NULL, NULL, 'success', NULL)`,
      [NOW - 400, NURSE],
    );
  }
  if (version >= 7) {
    // What a purge leaves of a record: its leaf, and its place and hash.
    await insertLeaves(db, 2, ['00'.repeat(32)]);
    await db.query('INSERT INTO audit_purged (tree_index, workstation_id, seq, hash) VALUES (2, $1, 3, $2)', [
      DEVICE,
      'ff'.repeat(32),
    ]);
  }
  if (version >= 8) {
    await recordServed(
      db,
      servedEvent({
        at: NOW - 300,
        actor: NURSE,
        action: 'history.read',
        object: { kind: 'conversation', id: CONVERSATION },
      }),
    );
    // A sign-in whose session is long gone: only the served record says it happened there.
    await recordServed(
      db,
      servedEvent({
        at: NOW - 250,
        actor: DOCTOR,
        action: 'session.issued',
        object: { kind: 'session', id: randomUUID(), userId: DOCTOR, workstationId: DEVICE, until: NOW },
      }),
    );
  }
  if (version >= 9) await spendProof(db, 'c3BlbnQtcHJvb2Y=', NOW + 60_000);
  if (version >= 11)
    await storeEnrollmentCode(db, {
      userId: NURSE,
      code: 'ABCDEFGHJKMNPQRSTVWX',
      purpose: 'password-reset',
      issuedBy: 'it.admin',
      issuedAt: NOW - 200,
      expiresAt: NOW + 3_600_000,
    });
  if (version >= 13)
    await insertScimToken(db, {
      tokenId: SCIM_TOKEN,
      digest: 'ab'.repeat(32),
      label: 'Entra ID',
      issuedBy: 'it.admin',
      issuedAt: NOW - 100,
    });
  if (version >= 14) {
    // A version 14 server records each sign-in's workstation as it happens (migration 14 backfilled older ones).
    await recordDeviceUser(db, { deviceId: DEVICE, userId: DOCTOR, deviceName: 'Ward 3 desk' }, NOW - 60);
    await recordDeviceUser(db, { deviceId: DEVICE, userId: NURSE, deviceName: 'Ward 3 desk' }, NOW - 50);
    await queueCommand(db, {
      commandId: WIPE_COMMAND,
      deviceId: DEVICE,
      kind: 'wipe-user',
      userId: NURSE,
      issuedAt: NOW - 40,
      signature: 'c2lnbmF0dXJl',
      issuedBy: 'it.admin',
    });
  }
  // A version 15 server holds the forwarding lease while it runs.
  if (version >= 15) await takeLease(db, LEASE_HOLDER, 10 * 60_000, false);
  if (version >= 16)
    await db.query(
      `INSERT INTO role_shifts (shift_id, address_id, user_id, backup_user_id, starts_at, ends_at, source, created_at)
       VALUES ($1, 'cardiology-on-call', $2, $3, $4, $5, 'ics', $6)`,
      [randomUUID(), DOCTOR, NURSE, NOW - 3_600_000, NOW + 3_600_000, NOW - 100],
    );
  if (version >= 17)
    await db.query(
      `INSERT INTO availability (user_id, state, until_at, cover_user_id, set_at) VALUES ($1, 'busy', $2, NULL, $3)`,
      [DOCTOR, NOW + 3_600_000, NOW - 50],
    );
  if (version >= 18) {
    await insertAcknowledgement(db, {
      messageId: MESSAGE,
      userId: NURSE,
      reply: 'on-my-way',
      acknowledgedAt: NOW - 40,
      signature: 'c2ln',
      acceptedAt: NOW - 40,
    });
    // A re-alert and a step still due when the server stopped, with the SQL of version 18.
    const alerts = alertTimes({ repeatEveryMs: 60_000, steps: [{ afterMs: 120_000, to: [DOCTOR], reason: 'backup' }] });
    await db.query(
      `INSERT INTO escalation_alerts (message_id, seq, step, due_at)
       SELECT $1, ord::int - 1, s, d FROM unnest($2::int[], $3::bigint[]) WITH ORDINALITY AS t(s, d, ord)`,
      [MESSAGE, alerts.map((alert) => alert.step), alerts.map((alert) => NOW - 30 + alert.afterMs)],
    );
  }
  // A version 19 server kept a role address's own escalation times.
  if (version >= 19) await updateRoleEscalation(db, 'cardiology-on-call', OWN_ESCALATION);
  // A version 20 server kept IT's approved templates.
  if (version >= 20)
    await insertTemplate(db, {
      templateId: '6d1c3c2e-2b7f-4f0e-9a53-0c6e7f1f2a10',
      name: 'Appointment moved',
      body: 'Your clinic appointment has moved to {day:choice:Monday|Tuesday}.',
      audience: { roles: ['front-desk'], departments: [] },
      at: NOW - 10,
      by: 'it.jones',
    });
  // A version 21 server held an attachment's ciphertext, claimed by the message.
  if (version >= 21) {
    const blob = { blobId: BLOB, ownerId: DOCTOR, reserved: BLOB_BYTES.length, createdAt: NOW - 5 };
    await createBlob(db, blob, DEFAULT_BLOB_LIMITS);
    await appendChunk(db, BLOB, 0, BLOB_BYTES);
    await completeBlob(db, BLOB);
    // With the SQL of version 21 (the send claims its blobs in its own statement since migration 28).
    await db.query('UPDATE blobs SET message_id = $1 WHERE blob_id = $2', [MESSAGE, BLOB]);
  }
  // A version 23 server held a conversation's messages for a matter (the hold kept in force).
  if (version >= 23)
    await insertMessageHoldPlaced(db, {
      holdId: MESSAGE_HOLD,
      matter: 'Matter 2026-114',
      reasonCode: 'litigation',
      custodianId: null,
      conversationId: MESSAGE_HOLD_CONVERSATION,
      at: NOW - 3,
      actor: 'compliance.chen',
    });
  // A version 24 server ran message retention: a run finished two days ago, and the job is free.
  if (version >= 24) {
    const holder = randomUUID();
    await takeRetentionLease(db, { holder, ttlMs: 60_000, lastCompletedBy: null });
    await releaseRetentionLease(db, holder, NOW - 2 * 24 * 3_600_000);
  }
  return { audit, secret };
}

/** Reads each row back through the app's store functions, as the latest server does. */
async function expectReadable(
  db: Database,
  version: number,
  written: { audit: StoredEntry[]; secret: Buffer },
): Promise<void> {
  expect(await findAccount(db, NURSE)).toMatchObject({
    userId: NURSE,
    role: 'nurse',
    active: true,
    totpLastStep: null,
  });
  expect(await findIdentity(db, NURSE)).toMatchObject({ fingerprint: 'ab12', wrappedPrivateKeys: 'd3JhcHBlZA==' });
  // The key history (migration 25) begins with the keys each person had, from when they were published.
  expect(Object.fromEntries(await publishedSigningKeysOf(db, [NURSE, DOCTOR]))).toEqual({
    [NURSE]: [{ key: 'c2lnbmluZw==', publishedAt: NOW - 4000 }],
    [DOCTOR]: [],
  });
  const directory = await searchDirectory(db, 'cardiology', 10, NOW);
  expect(JSON.stringify(directory)).toContain('cardiology-on-call');
  // Addresses from before their own escalation times (migration 19) follow the organisation's.
  expect(directory.entries.find((entry) => entry.kind === 'role')).toMatchObject({
    escalation: version >= 19 ? OWN_ESCALATION : DEFAULT_ESCALATION_TIMES,
  });
  // Role addresses from before their own retention bound (migration 26) follow the organisation's.
  expect(
    await adminRoleAddressOf(db, 'cardiology-on-call', { escalation: DEFAULT_ESCALATION_TIMES, retentionDays: 2190 }),
  ).toMatchObject({
    escalation: version >= 19 ? OWN_ESCALATION : null,
    retentionDays: null,
    organisationRetentionDays: 2190,
  });
  // Templates (migration 20): none before it; a version 20 server's kept, offered to front desk only.
  expect(await activeTemplatesFor(db, NURSE, 10)).toEqual([]);
  const page = await templatePage(db, { after: null, limit: 10 });
  expect(page.templates.map((t) => [t.name, t.version, t.retired])).toEqual(
    version >= 20 ? [['Appointment moved', 1, false]] : [],
  );
  if (version >= 21) {
    expect(await readableBlobSize(db, BLOB, NURSE, NOW)).toBe(BLOB_BYTES.length);
    expect(Array.from((await blobChunk(db, BLOB, 0)) ?? [])).toEqual(Array.from(BLOB_BYTES));
  }
  // Department leads (migration 22): nobody led a department before it.
  expect(await ledDepartmentOf(db, NURSE)).toBeNull();
  // Legal holds on messages (migration 23): none before it; a version 23 server's still in force.
  expect((await messageHoldsInForce(db)).map((hold) => [hold.holdId, hold.conversationId, hold.placedBy])).toEqual(
    version >= 23 ? [[MESSAGE_HOLD, MESSAGE_HOLD_CONVERSATION, 'compliance.chen']] : [],
  );
  // Message retention (migration 24): no run before it, or one two days ago: the next scheduled one is due.
  expect(await retentionRunDue(db, NOW)).toBe(true);
  expect(await deviceKeyOf(db, DEVICE)).toBe('ZGV2aWNla2V5');
  expect(await findChallenge(db, CHALLENGE)).toMatchObject({ userId: NURSE, deviceName: 'Ward 3 desk' });
  expect((await sessionStatuses(db, [SESSION], NOW)).get(SESSION)).toEqual({ state: 'live', endReason: null });
  expect(await liveSessionsOf(db, NURSE, NOW)).toEqual([expect.objectContaining({ sessionId: SESSION })]);
  expect(await readThrottle(db, 'account:nurse.adams')).toEqual({
    failures: 2,
    lastAttemptAt: NOW - 2000,
    lockedAt: null,
  });
  expect(await envelopeIdentity(db, MESSAGE)).toEqual({ senderId: DOCTOR, digest: 'ZGlnZXN0', acceptedAt: NOW - 900 });
  // Stored before envelopes named a role address (migration 26): none, so the organisation's bound.
  expect(await db.query('SELECT role_address FROM envelopes WHERE message_id = $1', [MESSAGE])).toEqual([
    { role_address: null },
  ]);
  expect(await heldEnvelope(db, MESSAGE, NOW)).toMatchObject({ recipients: [NURSE], recalledAt: null });
  const feed = await readFeed(db, NURSE, 0, 10, NOW);
  expect(feed.events).toEqual([expect.objectContaining({ type: 'envelope', envelope: envelopeOf() })]);
  const receipts = await readFeed(db, DOCTOR, 0, 10, NOW);
  expect(receipts.events).toEqual([expect.objectContaining({ type: 'receipt', userId: NURSE, kind: 'delivered' })]);
  expect(await serverSecret(db, 'upgrade-test')).toEqual(written.secret);
  if (version >= 2)
    expect(await accountEventsOf(db, DOCTOR)).toEqual([
      { at: NOW - 700, actor: 'it.admin', action: 'sessions.revoked', targetUserId: DOCTOR, sessionsEnded: 1 },
    ]);
  if (version >= 3) {
    expect(await searchAuditRecords(db, {})).toEqual(written.audit);
    expect(await treeHeads(db)).toHaveLength(1);
    expect(await auditBatches(db)).toEqual([
      expect.objectContaining({ workstationId: DEVICE, firstSeq: 1, lastSeq: 2 }),
    ]);
    expect(await auditAlerts(db)).toEqual([{ at: NOW - 600, workstationId: DEVICE, kind: 'gap', seq: 7 }]);
    expect(await legalHolds(db)).toEqual([
      { holdId: HOLD, userId: NURSE, placedAt: NOW - 500, placedBy: 'compliance.chen' },
    ]);
  }
  if (version >= 4) {
    expect(await readSiemCursor(db)).toBe(2);
    expect(await readServerCursor(db)).toEqual({ lastAccountEvent: 1, lastAdminEvent: 0, lastServedEvent: 0 });
  }
  if (version >= 5)
    expect(await adminEvents(db)).toEqual([
      expect.objectContaining({ at: NOW - 400, actor: 'it.admin', action: 'account.created', targetUserId: NURSE }),
    ]);
  if (version >= 7)
    expect(await purgedRecords(db)).toEqual({
      purged: [{ treeIndex: 2, workstationId: DEVICE, seq: 3, hash: 'ff'.repeat(32) }],
      unreadable: [],
    });
  if (version >= 11) expect(await enrollmentExpiryOf(db, NURSE)).toBe(NOW + 3_600_000);
  if (version >= 13)
    expect(await scimTokenOf(db, SCIM_TOKEN)).toMatchObject({
      label: 'Entra ID',
      issuedBy: 'it.admin',
      revokedAt: null,
    });
  if (version >= 14)
    expect(await commandsOfDevice(db, DEVICE, 10)).toEqual([
      expect.objectContaining({ commandId: WIPE_COMMAND, kind: 'wipe-user', userId: NURSE, issuedBy: 'it.admin' }),
    ]);
  if (version >= 15) expect(await holdsLease(db, { holder: LEASE_HOLDER, epoch: 1 })).toBe(true);
  if (version >= 18) {
    expect(await acknowledgementOf(db, MESSAGE, NURSE)).toMatchObject({ reply: 'on-my-way', acknowledgedAt: NOW - 40 });
    expect(await claimDueAlerts(db, NOW + 10 * 60_000, 10)).toEqual([
      { messageId: MESSAGE, seq: 0, step: null },
      { messageId: MESSAGE, seq: 1, step: 0 },
      { messageId: MESSAGE, seq: 2, step: null },
      { messageId: MESSAGE, seq: 3, step: null },
      { messageId: MESSAGE, seq: 4, step: null },
    ]);
  }
  // Spent once, before the upgrade: still spent after it.
  if (version >= 9) expect(await spendProof(db, 'c3BlbnQtcHJvb2Y=', NOW + 60_000)).toBe(false);
  if (version >= 8)
    expect(await servedEventsAfter(db, 0, 10)).toEqual([
      expect.objectContaining({
        actor: NURSE,
        action: 'history.read',
        object: { kind: 'conversation', id: CONVERSATION },
      }),
      expect.objectContaining({ actor: DOCTOR, action: 'session.issued' }),
    ]);
  // Who signed in at which workstation, for remote wipe: from the sessions held (with the
  // workstation's name) and, for sessions long gone, from the served records.
  expect(await devicesOfUser(db, NURSE)).toEqual([DEVICE]);
  expect(await devicesOfUser(db, DOCTOR)).toEqual(version >= 8 ? [DEVICE] : []);
  expect(await currentDeviceName(db, DEVICE)).toBe('Ward 3 desk');

  // Cursors held before migration 27 are numbers of one global sequence: everyone's next event
  // is numbered above every one of them; someone new starts at 1.
  const held = (await readFeed(db, DOCTOR, 0, 10, NOW)).cursor;
  await db.transaction((tx) =>
    appendFeedEvents(tx, [NURSE, 'new.person'], { type: 'envelope', messageId: MESSAGE }, NOW),
  );
  const nurseNext = await readFeed(db, NURSE, held, 10, NOW);
  expect(nurseNext.events).toEqual([expect.objectContaining({ type: 'envelope', seq: held + 1 })]);
  expect((await readFeed(db, 'new.person', 0, 10, NOW)).events).toEqual([
    expect.objectContaining({ type: 'envelope', seq: 1 }),
  ]);
}

describe.each(BACKENDS)('server database upgrade (%s)', (backend) => {
  it.each(PAST_VERSIONS)(
    'a populated database at version %i upgrades to the latest with nothing lost',
    async (version) => {
      const db = await openAt(backend, version);
      const written = await populate(db, version);
      const before = await snapshot(db);
      expect(await migrate(db)).toEqual(
        MIGRATIONS.filter((migration) => migration.version > version).map((migration) => migration.version),
      );
      expectNothingLost(before, await snapshot(db));
      await expectReadable(db, version, written);
    },
    HOOK_TIMEOUT_MS,
  );
});
