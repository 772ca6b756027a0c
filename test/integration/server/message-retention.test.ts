/**
 * Server-side message retention against a real database on each backend: a run deletes exactly
 * the envelopes accepted before its bound (one exactly at the cutoff, and one just after, stay)
 * with everything that refers to them, a batch per transaction; rows the database keeps from a
 * DELETE (as a legal hold's trigger does) do not stop the walk or count as deleted; one run holds
 * the job at a time, across instances; a legal hold placed between two batches keeps what it
 * covers from then on; a scheduled run waits a day after the last; a run the
 * database refuses midway is reported with its code and what it had done, and recorded so.
 */
import { appendFeedEvents } from '../../../server/relay/feed-store';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adminEvents } from '../../../server/admin/admin-event-store';
import type { Database } from '../../../server/db/database';
import { openDatabase } from '../../../server/db/open-database';
import { insertMessageHoldPlaced, lockHolds } from '../../../server/holds/message-hold-store';
import { DAY_MS, retentionBound } from '../../../server/retention/message-retention';
import {
  MessageRetentionError,
  runMessageRetention,
  type MessageRetentionDeps,
} from '../../../server/retention/message-retention-run';
import { usePostgres } from '../../support/postgres';
import { BACKENDS, HOOK_TIMEOUT_MS, type Backend } from '../../support/server-fixtures';
import { seedPgliteFromTemplate } from '../../support/pglite-template';

const postgres = usePostgres();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
}, HOOK_TIMEOUT_MS);

const DAYS = 30;
const NOW = Date.UTC(2026, 11, 7, 9, 0, 0);
const CUTOFF = retentionBound(DAYS, NOW).acceptedBefore;

/** A database of its own; on PostgreSQL, a second handle on it is a second instance. */
async function open(backend: Backend): Promise<{ db: Database; another: () => Promise<Database> }> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-retention-'));
  const url = backend === 'postgres' ? await postgres().createDatabase() : undefined;
  if (backend === 'pglite') await seedPgliteFromTemplate(dataDir);
  const db = await openDatabase({ dataDir, databaseUrl: url });
  cleanups.push(async () => {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const another = async () => {
    if (url === undefined) return db;
    const second = await openDatabase({ dataDir, databaseUrl: url });
    cleanups.push(() => second.close());
    return second;
  };
  return { db, another };
}

/** An envelope row accepted at `acceptedAt`, with a recipient, a receipt, a feed event and `blobs` attachment blobs. */
async function stored(db: Database, acceptedAt: number, blobs = 0): Promise<string> {
  const id = randomUUID();
  await db.query(
    `INSERT INTO envelopes (message_id, conversation_id, sender_id, accepted_at, expires_at, digest, envelope_json)
     VALUES ($1, $2, 'nurse.adams', $3, NULL, 'digest', '{"sealed":"ciphertext"}')`,
    [id, randomUUID(), acceptedAt],
  );
  await db.query(`INSERT INTO envelope_recipients (message_id, user_id) VALUES ($1, 'dr.okafor')`, [id]);
  await db.query(`INSERT INTO receipts (message_id, user_id, kind, at) VALUES ($1, 'dr.okafor', 'read', $2)`, [
    id,
    acceptedAt,
  ]);
  await db.transaction((tx) => appendFeedEvents(tx, ['dr.okafor'], { type: 'envelope', messageId: id }, acceptedAt));
  for (let i = 0; i < blobs; i += 1) {
    const blobId = randomUUID();
    await db.query(
      `INSERT INTO blobs (blob_id, owner_id, size, reserved, created_at, completed, message_id)
       VALUES ($1, 'nurse.adams', 3, 3, $2, true, $3)`,
      [blobId, acceptedAt, id],
    );
    await db.query(`INSERT INTO blob_chunks (blob_id, seq, data) VALUES ($1, 0, '\\x010203')`, [blobId]);
  }
  return id;
}

async function many(db: Database, count: number, acceptedAt: (i: number) => number): Promise<string[]> {
  await db.query(
    `INSERT INTO envelopes (message_id, conversation_id, sender_id, accepted_at, expires_at, digest, envelope_json)
     SELECT gen_random_uuid(), gen_random_uuid(), 'nurse.adams', t, NULL, 'digest', '{}' FROM unnest($1::bigint[]) AS t`,
    [Array.from({ length: count }, (_, i) => acceptedAt(i))],
  );
  const rows = await db.query<{ message_id: string }>('SELECT message_id FROM envelopes ORDER BY accepted_at');
  return rows.map((row) => row.message_id);
}

const remaining = async (db: Database, table: string) =>
  Number((await db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n);
const held = async (db: Database) =>
  new Set((await db.query<{ message_id: string }>('SELECT message_id FROM envelopes')).map((row) => row.message_id));
const runs = (db: Database) => adminEvents(db, { action: 'message-retention.ran' });

const deps = (db: Database, more: Partial<MessageRetentionDeps> = {}): MessageRetentionDeps => ({
  db,
  clock: () => NOW,
  days: DAYS,
  ...more,
});
const manual = { actor: 'it.admin', scheduled: false } as const;
const scheduled = { actor: null, scheduled: true } as const;

describe.each(BACKENDS)('message retention on %s', (backend) => {
  it('deletes what is due with everything that refers to it, and nothing else; the run is recorded by counts and bound', async () => {
    const { db } = await open(backend);
    const due = [await stored(db, CUTOFF - 1, 2), await stored(db, CUTOFF - 5 * DAY_MS), await stored(db, 0, 1)];
    const atCutoff = await stored(db, CUTOFF, 1);
    const inside = await stored(db, CUTOFF + 1);
    const recent = await stored(db, NOW - 1000);

    const run = await runMessageRetention(deps(db), manual);

    expect(run).toEqual({
      status: 'ran',
      days: DAYS,
      acceptedBefore: CUTOFF,
      envelopes: 3,
      blobs: 3,
      batches: 1,
      roleAddresses: [],
    });
    expect(await held(db)).toEqual(new Set([atCutoff, inside, recent]));
    for (const id of due)
      for (const table of ['envelope_recipients', 'receipts', 'feed_events', 'blobs'])
        expect(await db.query(`SELECT 1 FROM ${table} WHERE message_id = $1`, [id])).toEqual([]);
    expect(await remaining(db, 'envelope_recipients')).toBe(3);
    expect(await remaining(db, 'blobs')).toBe(1);
    expect(await remaining(db, 'blob_chunks')).toBe(1);
    const [event, ...others] = await runs(db);
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      actor: 'it.admin',
      targetUserId: null,
      subject: null,
      affected: 3,
      receivedBefore: CUTOFF,
      retentionDays: DAYS,
      blobsAffected: 3,
      roleAddressBounds: 0,
      outcome: 'success',
      reason: null,
    });
    // Counts and a bound: no message id and nothing of a message anywhere in the record.
    const recorded = JSON.stringify(
      await db.query(`SELECT * FROM admin_events WHERE action = 'message-retention.ran'`),
    );
    for (const id of [...due, atCutoff]) expect(recorded).not.toContain(id);
    expect(recorded).not.toContain('ciphertext');
  });

  it('deletes in batches, walking past rows the database keeps (as a hold does) without counting or revisiting them', async () => {
    const { db } = await open(backend);
    const ids = await many(db, 23, (i) => CUTOFF - 1000 + i);
    const kept = new Set([ids[0], ids[4], ids[5], ids[6], ids[7], ids[22]] as string[]);
    // A BEFORE DELETE trigger that keeps rows silently, as migration 23's legal hold does.
    await db.query('CREATE TABLE test_kept (message_id uuid PRIMARY KEY)');
    await db.query('INSERT INTO test_kept SELECT unnest($1::uuid[])', [[...kept]]);
    await db.query(`CREATE FUNCTION test_keep() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM test_kept k WHERE k.message_id = OLD.message_id) THEN RETURN NULL; END IF;
        RETURN OLD;
      END $$`);
    await db.query('CREATE TRIGGER test_keep BEFORE DELETE ON envelopes FOR EACH ROW EXECUTE FUNCTION test_keep()');
    const between: number[] = [];

    const run = await runMessageRetention(
      deps(db, {
        batchSize: 4,
        betweenBatches: (done) => {
          between.push(done.envelopes);
          return Promise.resolve();
        },
      }),
      manual,
    );

    // 23 chosen four at a time: six batches; the fifth chose only kept rows and deleted none.
    expect(run).toMatchObject({ status: 'ran', envelopes: 17, batches: 6 });
    expect(between).toEqual([3, 3, 7, 11, 15]);
    expect(await held(db)).toEqual(kept);
    expect((await runs(db))[0]).toMatchObject({ affected: 17, outcome: 'success' });
  });

  it('lets one run hold the job at a time: a second, here or on another instance, is refused while the first runs', async () => {
    const { db, another } = await open(backend);
    const other = await another();
    await many(db, 9, (i) => CUTOFF - 100 + i);
    const rivals: unknown[] = [];

    const first = await runMessageRetention(
      deps(db, {
        batchSize: 4,
        betweenBatches: async () => {
          rivals.push(await runMessageRetention(deps(other), manual));
          rivals.push(await runMessageRetention(deps(other), scheduled));
        },
      }),
      manual,
    );

    expect(first).toMatchObject({ status: 'ran', envelopes: 9, batches: 3 });
    expect(rivals).toEqual([{ status: 'busy' }, { status: 'busy' }, { status: 'busy' }, { status: 'busy' }]);
    // IT's refused requests are recorded (nothing deleted, no bound); the schedule's are not.
    const recorded = await runs(db);
    expect(recorded.map((event) => [event.outcome, event.reason, event.affected])).toEqual([
      ['failure', 'MESSAGE_RETENTION_BUSY', null],
      ['failure', 'MESSAGE_RETENTION_BUSY', null],
      ['success', null, 9],
    ]);
  });

  it('starts one of two runs begun at once', async () => {
    const { db, another } = await open(backend);
    const other = await another();
    await many(db, 6, (i) => CUTOFF - 100 + i);
    const slow: MessageRetentionDeps['betweenBatches'] = () => new Promise((resolve) => setTimeout(resolve, 50));

    const both = await Promise.all([
      runMessageRetention(deps(db, { batchSize: 2, betweenBatches: slow }), scheduled),
      runMessageRetention(deps(other, { batchSize: 2, betweenBatches: slow }), scheduled),
    ]);

    expect(both.map((run) => run.status).sort()).toEqual(['busy', 'ran']);
    expect(await remaining(db, 'envelopes')).toBe(0);
  });

  it('runs on schedule once a day: not again until a day after the last run finished', async () => {
    const { db } = await open(backend);
    let now = NOW;
    const clock = () => now;
    expect(await runMessageRetention(deps(db, { clock }), scheduled)).toMatchObject({ status: 'ran' });
    now += DAY_MS - 1;
    expect(await runMessageRetention(deps(db, { clock }), scheduled)).toEqual({ status: 'not-due' });
    // IT may run it whenever no other run holds the job.
    expect(await runMessageRetention(deps(db, { clock }), manual)).toMatchObject({ status: 'ran' });
    now += DAY_MS;
    expect(await runMessageRetention(deps(db, { clock }), scheduled)).toMatchObject({ status: 'ran' });
    expect((await runs(db)).map((event) => event.actor)).toEqual(['(server)', 'it.admin', '(server)']);
  });

  it('reports a run the database refuses midway with its code and what it did, records it so, and frees the job', async () => {
    const { db } = await open(backend);
    await many(db, 7, (i) => CUTOFF - 100 + i);
    const refuse = async () => {
      await db.query(`CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'refused'; END $$`);
      await db.query(
        'CREATE TRIGGER test_refuse BEFORE DELETE ON envelopes FOR EACH ROW EXECUTE FUNCTION test_refuse()',
      );
    };

    const failed = await runMessageRetention(deps(db, { batchSize: 3, betweenBatches: refuse }), manual).then(
      () => null,
      (error: unknown) => error,
    );

    expect(failed).toBeInstanceOf(MessageRetentionError);
    expect(failed).toMatchObject({ code: 'MESSAGE_RETENTION_FAILED', done: { envelopes: 3, blobs: 0, batches: 1 } });
    expect(await remaining(db, 'envelopes')).toBe(4);
    expect((await runs(db))[0]).toMatchObject({
      outcome: 'failure',
      reason: 'MESSAGE_RETENTION_FAILED',
      affected: 3,
      receivedBefore: CUTOFF,
      retentionDays: DAYS,
      blobsAffected: 0,
    });
    // The job is free again at once, and a failed run does not count as the day's.
    await db.query('DROP TRIGGER test_refuse ON envelopes');
    expect(await runMessageRetention(deps(db), scheduled)).toMatchObject({ status: 'ran', envelopes: 4 });
  });

  it('stops a run whose lease ran out and was taken by another, with its own code', async () => {
    const { db, another } = await open(backend);
    const other = await another();
    await many(db, 6, (i) => CUTOFF - 100 + i);
    let rival: unknown;

    const stopped = await runMessageRetention(
      deps(db, {
        batchSize: 2,
        leaseTtlMs: 1,
        betweenBatches: async () => {
          if (rival !== undefined) return;
          // Stalled past its lease: another run may take the job, and does.
          await new Promise((resolve) => setTimeout(resolve, 20));
          rival = await runMessageRetention(deps(other), manual);
        },
      }),
      manual,
    ).then(
      () => null,
      (error: unknown) => error,
    );

    expect(rival).toMatchObject({ status: 'ran', envelopes: 4 });
    expect(stopped).toMatchObject({ code: 'MESSAGE_RETENTION_LEASE_LOST', done: { envelopes: 2, batches: 1 } });
    expect((await runs(db)).map((event) => [event.outcome, event.reason, event.affected])).toEqual([
      ['success', null, 4],
      ['failure', 'MESSAGE_RETENTION_LEASE_LOST', 2],
    ]);
  });

  it('stops deleting what a legal hold placed between two batches covers, and deletes the rest', async () => {
    const { db } = await open(backend);
    const heldConversation = randomUUID();
    const otherConversation = randomUUID();
    // Twelve due envelopes in order of acceptance, in turn: the conversation held later, the
    // custodian held later (in another conversation), and neither.
    const rows = Array.from({ length: 12 }, (_, i) => ({
      id: randomUUID(),
      acceptedAt: CUTOFF - 1000 + i,
      conversation: i % 3 === 0 ? heldConversation : otherConversation,
      sender: i % 3 === 1 ? 'dr.custodian' : 'nurse.adams',
    }));
    for (const row of rows)
      await db.query(
        `INSERT INTO envelopes (message_id, conversation_id, sender_id, accepted_at, expires_at, digest, envelope_json)
         VALUES ($1, $2, $3, $4, NULL, 'digest', '{}')`,
        [row.id, row.conversation, row.sender, row.acceptedAt],
      );
    const blobOf = new Map<string, string>();
    for (const row of rows) {
      const blobId = randomUUID();
      blobOf.set(row.id, blobId);
      await db.query(
        `INSERT INTO blobs (blob_id, owner_id, size, reserved, created_at, completed, message_id)
         VALUES ($1, $2, 1, 1, $3, true, $4)`,
        [blobId, row.sender, row.acceptedAt, row.id],
      );
    }
    const placeHolds = async () => {
      await db.transaction(async (tx) => {
        await lockHolds(tx);
        const hold = {
          matter: 'Matter 2026-114',
          reasonCode: 'litigation' as const,
          at: NOW,
          actor: 'compliance.reed',
        };
        await insertMessageHoldPlaced(tx, {
          ...hold,
          holdId: randomUUID(),
          custodianId: null,
          conversationId: heldConversation,
        });
        await insertMessageHoldPlaced(tx, {
          ...hold,
          holdId: randomUUID(),
          custodianId: 'dr.custodian',
          conversationId: null,
        });
      });
    };
    let placed = false;

    const run = await runMessageRetention(
      deps(db, {
        batchSize: 3,
        betweenBatches: async () => {
          if (placed) return;
          placed = true;
          await placeHolds();
        },
      }),
      manual,
    );

    // The first batch (rows 0-2) went before any hold; of the rest, the held ones stay.
    const covered = rows
      .slice(3)
      .filter((row) => row.conversation === heldConversation || row.sender === 'dr.custodian');
    expect(covered).toHaveLength(6);
    expect(await held(db)).toEqual(new Set(covered.map((row) => row.id)));
    // Twelve chosen three at a time, and a fifth batch that finds none left.
    expect(run).toMatchObject({ status: 'ran', envelopes: 6, blobs: 6, batches: 5 });
    const blobs = await db.query<{ blob_id: string }>('SELECT blob_id FROM blobs');
    expect(new Set(blobs.map((row) => row.blob_id))).toEqual(new Set(covered.map((row) => blobOf.get(row.id))));
    expect((await runs(db))[0]).toMatchObject({ affected: 6, blobsAffected: 6, outcome: 'success' });
  });

  it('refuses an actor that cannot be recorded before touching anything', async () => {
    const { db } = await open(backend);
    await many(db, 1, () => CUTOFF - 1);
    await expect(runMessageRetention(deps(db), { actor: 'not an id!', scheduled: false })).rejects.toMatchObject({
      code: 'INVALID_ACTOR',
    });
    expect(await remaining(db, 'envelopes')).toBe(1);
  });
});
