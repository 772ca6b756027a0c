/**
 * Server-side message retention by role address, against a real database on each backend: with
 * an organisation bound of a year, an address that keeps its messages 30 days and one that keeps
 * them ten years, a run deletes exactly what each bound makes due (envelopes naming no address,
 * an address without its own bound, or one that no longer exists go by the organisation's) and
 * nothing else, a legal hold still keeps what it covers, the walk stays batched across every
 * address's pass, and the chain records say the organisation's bound with how many addresses
 * had their own, and each address's own counts (for those whose bound deleted something). IT
 * lengthening a bound while a run is under way loses nothing the new bound keeps.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminEvents } from '../../../server/admin/admin-event-store';
import type { Database } from '../../../server/db/database';
import { openDatabase } from '../../../server/db/open-database';
import { storeRoleAddress } from '../../../server/directory/role-address-store';
import { updateRoleRetention } from '../../../server/directory/role-retention-store';
import { insertMessageHoldPlaced, lockHolds } from '../../../server/holds/message-hold-store';
import { retentionBound } from '../../../server/retention/message-retention';
import { runMessageRetention, type MessageRetentionDeps } from '../../../server/retention/message-retention-run';
import { usePostgres } from '../../support/postgres';
import { BACKENDS, HOOK_TIMEOUT_MS, type Backend } from '../../support/server-fixtures';
import { seedPgliteFromTemplate } from '../../support/pglite-template';

const postgres = usePostgres();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
}, HOOK_TIMEOUT_MS);

const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);
const ORGANISATION_DAYS = 365;
const SHORT = 'role:oncall-cardiology';
const LONG = 'role:stroke-team';
const FOLLOWS = 'role:night-pharmacy';
/** Its own bound, and nothing of it is due: it counts among those with their own, and has no record. */
const QUIET = 'role:renal-registrar';
const ORG = retentionBound(ORGANISATION_DAYS, NOW).acceptedBefore;
const SHORT_CUTOFF = retentionBound(30, NOW).acceptedBefore;
const LONG_CUTOFF = retentionBound(3650, NOW).acceptedBefore;
const QUIET_CUTOFF = retentionBound(90, NOW).acceptedBefore;

async function open(backend: Backend): Promise<Database> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-role-retention-'));
  const url = backend === 'postgres' ? await postgres().createDatabase() : undefined;
  if (backend === 'pglite') await seedPgliteFromTemplate(dataDir);
  const db = await openDatabase({ dataDir, databaseUrl: url });
  cleanups.push(async () => {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const address = (addressId: string) => ({ addressId, displayName: addressId, department: '', description: '' });
  for (const addressId of [SHORT, LONG, FOLLOWS, QUIET]) await storeRoleAddress(db, address(addressId), []);
  await updateRoleRetention(db, SHORT, 30);
  await updateRoleRetention(db, LONG, 3650);
  await updateRoleRetention(db, QUIET, 90);
  return db;
}

/** An envelope row accepted at `acceptedAt` naming `roleAddress`, with a recipient and `blobs` attachment blobs. */
async function stored(
  db: Database,
  acceptedAt: number,
  roleAddress: string | null,
  options: { conversation?: string; blobs?: number } = {},
): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO envelopes (message_id, conversation_id, sender_id, accepted_at, expires_at, digest, envelope_json, role_address)
     VALUES ($1, $2, 'nurse.adams', $3, NULL, 'digest', '{"sealed":"ciphertext"}', $4)`,
    [id, options.conversation ?? randomUUID(), acceptedAt, roleAddress],
  );
  await db.query(`INSERT INTO envelope_recipients (message_id, user_id) VALUES ($1, 'dr.okafor')`, [id]);
  for (let i = 0; i < (options.blobs ?? 0); i += 1)
    await db.query(
      `INSERT INTO blobs (blob_id, owner_id, size, reserved, created_at, completed, message_id)
       VALUES ($1, 'nurse.adams', 3, 3, $2, true, $3)`,
      [randomUUID(), acceptedAt, id],
    );
  return id;
}

const kept = async (db: Database) =>
  new Set((await db.query<{ message_id: string }>('SELECT message_id FROM envelopes')).map((row) => row.message_id));
const deps = (db: Database, more: Partial<MessageRetentionDeps> = {}): MessageRetentionDeps => ({
  db,
  clock: () => NOW,
  days: ORGANISATION_DAYS,
  ...more,
});
const manual = { actor: 'it.admin', scheduled: false } as const;

async function placeConversationHold(db: Database, conversationId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await lockHolds(tx);
    await insertMessageHoldPlaced(tx, {
      holdId: randomUUID(),
      matter: 'Matter 2026-201',
      reasonCode: 'litigation',
      custodianId: null,
      conversationId,
      at: NOW - 1000,
      actor: 'compliance.reed',
    });
  });
}

describe.each(BACKENDS)('message retention by role address on %s', (backend) => {
  it('applies each address’s own bound to its envelopes and the organisation’s to the rest, a hold still keeping what it covers', async () => {
    const db = await open(backend);
    const held = randomUUID();
    const due = [
      // The organisation's: no address, an address without its own bound, an address gone since.
      await stored(db, ORG - 1, null, { blobs: 1 }),
      await stored(db, ORG - 1, FOLLOWS),
      await stored(db, ORG - 1, 'role:closed-ward'),
      // The short address's: a month old, and older.
      await stored(db, SHORT_CUTOFF - 1, SHORT, { blobs: 2 }),
      await stored(db, ORG - 1, SHORT),
      // The long address's: only what is older than ten years.
      await stored(db, LONG_CUTOFF - 1, LONG),
    ];
    const stay = [
      await stored(db, ORG, null),
      await stored(db, ORG + 1, FOLLOWS),
      await stored(db, ORG + 1, 'role:closed-ward'),
      await stored(db, SHORT_CUTOFF, SHORT),
      await stored(db, NOW - 1000, SHORT),
      // Past the organisation's year, inside the long address's ten.
      await stored(db, ORG - 1, LONG, { blobs: 1 }),
      await stored(db, LONG_CUTOFF, LONG),
      await stored(db, QUIET_CUTOFF, QUIET),
      // Due under the short bound, and held.
      await stored(db, SHORT_CUTOFF - 5, SHORT, { conversation: held }),
    ];
    await placeConversationHold(db, held);

    const run = await runMessageRetention(deps(db, { batchSize: 2 }), manual);

    expect(await kept(db)).toEqual(new Set(stay));
    for (const id of due)
      expect(await db.query('SELECT 1 FROM envelope_recipients WHERE message_id = $1', [id])).toEqual([]);
    expect(run).toMatchObject({
      status: 'ran',
      days: ORGANISATION_DAYS,
      acceptedBefore: ORG,
      envelopes: 6,
      blobs: 3,
      roleAddresses: [
        { addressId: SHORT, days: 30, acceptedBefore: SHORT_CUTOFF, envelopes: 2, blobs: 2 },
        { addressId: QUIET, days: 90, acceptedBefore: QUIET_CUTOFF, envelopes: 0, blobs: 0 },
        { addressId: LONG, days: 3650, acceptedBefore: LONG_CUTOFF, envelopes: 1, blobs: 0 },
      ],
    });
    const records = (await adminEvents(db, { action: 'message-retention.ran' })).map((event) => ({
      subject: event.subject,
      affected: event.affected,
      receivedBefore: event.receivedBefore,
      retentionDays: event.retentionDays,
      blobsAffected: event.blobsAffected,
      roleAddressBounds: event.roleAddressBounds,
      outcome: event.outcome,
    }));
    // The organisation's bound with how many addresses had their own; then each address whose own deleted something.
    expect(records).toEqual([
      {
        subject: null,
        affected: 3,
        receivedBefore: ORG,
        retentionDays: ORGANISATION_DAYS,
        blobsAffected: 1,
        roleAddressBounds: 3,
        outcome: 'success',
      },
      {
        subject: SHORT,
        affected: 2,
        receivedBefore: SHORT_CUTOFF,
        retentionDays: 30,
        blobsAffected: 2,
        roleAddressBounds: null,
        outcome: 'success',
      },
      {
        subject: LONG,
        affected: 1,
        receivedBefore: LONG_CUTOFF,
        retentionDays: 3650,
        blobsAffected: 0,
        roleAddressBounds: null,
        outcome: 'success',
      },
    ]);
    const recorded = JSON.stringify(await db.query(`SELECT * FROM admin_events`));
    for (const id of [...due, ...stay, held]) expect(recorded).not.toContain(id);
    expect(recorded).not.toContain('ciphertext');

    // A second run finds nothing more due, and the hold's envelope is still there.
    expect(await runMessageRetention(deps(db), manual)).toMatchObject({ status: 'ran', envelopes: 0 });
    expect(await kept(db)).toEqual(new Set(stay));
  });

  it('runs as before where no address has a bound of its own', async () => {
    const db = await open(backend);
    for (const addressId of [SHORT, LONG, QUIET]) await updateRoleRetention(db, addressId, null);
    const inside = await stored(db, ORG, SHORT);
    await stored(db, ORG - 1, SHORT);
    await stored(db, ORG - 1, null);

    const run = await runMessageRetention(deps(db), manual);

    expect(run).toMatchObject({ status: 'ran', envelopes: 2, roleAddresses: [] });
    expect(await kept(db)).toEqual(new Set([inside]));
    expect(await adminEvents(db, { action: 'message-retention.ran' })).toEqual([
      expect.objectContaining({ subject: null, affected: 2, roleAddressBounds: 0 }),
    ]);
  });

  it('keeps what a bound IT lengthened during the run keeps, though the run began under the shorter one', async () => {
    const db = await open(backend);
    // Enough of the organisation's to take three batches of two, so the change lands mid-run.
    for (let i = 0; i < 5; i += 1) await stored(db, ORG - 10 - i, null);
    const short = [await stored(db, SHORT_CUTOFF - 2, SHORT), await stored(db, SHORT_CUTOFF - 1, SHORT)];
    let lengthened = false;

    const run = await runMessageRetention(
      deps(db, {
        batchSize: 2,
        betweenBatches: async () => {
          if (lengthened) return;
          lengthened = true;
          await updateRoleRetention(db, SHORT, 3650);
        },
      }),
      manual,
    );

    expect(await kept(db)).toEqual(new Set(short));
    expect(run).toMatchObject({ status: 'ran', envelopes: 5 });
    expect(run.status === 'ran' ? run.roleAddresses.find((own) => own.addressId === SHORT) : null).toMatchObject({
      days: 30,
      envelopes: 0,
    });
  });
});
