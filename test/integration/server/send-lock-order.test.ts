/**
 * A send's one statement takes its locks in the order a transaction would (send-message.ts):
 * the envelope, its blobs, the feed heads, and last the audit outbox's shared lock. A send that
 * waits for a busy feed head must not hold the outbox lock meanwhile: the audit fold, which takes
 * that lock exclusively, would wait behind it and give up (FOLD_LOCK_TIMEOUT). PostgreSQL only:
 * PGlite has one connection, so nothing there waits on a lock.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_OUTBOX_LOCK_ID } from '../../../server/audit/audit-tree-store';
import { routes } from '../../../shared/protocol/api';
import { usePostgres } from '../../support/postgres';
import {
  HOOK_TIMEOUT_MS,
  readyUsers,
  sealMessage,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();

describe('the order of a send’s locks on PostgreSQL', () => {
  let target: TestServer;
  let nurse: TestUser;
  let doctor: TestUser;
  let holder: pg.Client;
  let observer: pg.Client;

  beforeAll(async () => {
    target = await startTestServer('postgres', { postgres: postgres() });
    [nurse, doctor] = (await readyUsers(target, [
      { userId: 'nurse.lock', displayName: 'Grace Adams' },
      { userId: 'doctor.lock', displayName: 'Chidi Okafor' },
    ])) as [TestUser, TestUser];
    holder = new pg.Client({ connectionString: target.databaseUrl });
    observer = new pg.Client({ connectionString: target.databaseUrl });
    await Promise.all([holder.connect(), observer.connect()]);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await Promise.all([holder.end(), observer.end()]);
    await target.dispose();
  }, HOOK_TIMEOUT_MS);

  // The backends waiting for another transaction: the send, once it reaches the busy head.
  const waitingBackends = async () =>
    (
      await observer.query<{ pid: number }>("SELECT pid FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'")
    ).rows.map((row) => row.pid);
  // Whether one of them holds the outbox lock. The audit fold may hold it for a moment on its own
  // connection, which is no fault. A one-key advisory lock is keyed by the low 32 bits in objid.
  const outboxHeldBy = async (pids: number[]) =>
    Number(
      (
        await observer.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = 0 AND objid = $1 AND objsubid = 1 AND pid = ANY($2::int[])",
          [AUDIT_OUTBOX_LOCK_ID, pids],
        )
      ).rows[0]?.n,
    );

  it('waits for a busy feed head without holding the audit outbox lock', async () => {
    // Another transaction holds the doctor's feed head (a receipt being appended, say).
    await holder.query('BEGIN');
    await holder.query(
      'INSERT INTO feed_heads (user_id, seq) VALUES ($1, 0) ON CONFLICT (user_id) DO UPDATE SET seq = feed_heads.seq',
      [doctor.userId],
    );
    const envelope = await sealMessage(target, { from: nurse, to: [doctor], text: 'Bed 4 obs due' });
    const sent = target.api.raw('POST', routes.send.path, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(nurse)}` },
      body: JSON.stringify({ envelope }),
    });
    let waiting: number[] = [];
    for (let waited = 0; (waiting = await waitingBackends()).length === 0; waited += 20) {
      if (waited > 10_000) throw new Error('the send never waited for the head');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await outboxHeldBy(waiting)).toBe(0);

    await holder.query('COMMIT');
    expect((await sent).status).toBe(200);
  });
});
