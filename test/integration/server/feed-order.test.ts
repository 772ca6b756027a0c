/**
 * The relay's promise to streams: a reader that has seen event N of a user never later finds a
 * committed event of theirs below N (server/relay/feed-store.ts). Appends run side by side on
 * PostgreSQL, each holding its transaction open a random while after appending, so commits land
 * in any order; a reader pages through the feed the whole time, as a stream does, moving its
 * cursor past what it read. At the end it must have read every committed event exactly once.
 * Appends to other people run in between and must not wait for this person's.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../server/db/database';
import { openDatabase } from '../../../server/db/open-database';
import { appendFeedEvents, readFeed } from '../../../server/relay/feed-store';
import { usePostgres } from '../../support/postgres';
import { HOOK_TIMEOUT_MS } from '../../support/server-fixtures';

const postgres = usePostgres();

const READER = 'nurse.reader';
const APPENDS = 120;
const CONCURRENCY = 16;

describe('feed order under concurrent appends, on PostgreSQL', () => {
  let db: Database;
  let dataDir: string;
  let messageId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-feed-order-'));
    db = await openDatabase({ dataDir, databaseUrl: await postgres().createDatabase() });
    messageId = randomUUID();
    // The events' message: only its row matters here (receipt events carry no envelope).
    await db.query(
      `INSERT INTO envelopes (message_id, conversation_id, sender_id, accepted_at, digest, envelope_json)
       VALUES ($1, $2, 'dr.sender', 0, 'digest', '{}')`,
      [messageId, randomUUID()],
    );
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }, HOOK_TIMEOUT_MS);

  /** One append in its own transaction, which stays open up to 20 ms after it. */
  const append = (userIds: string[], at: number) =>
    db.transaction(async (tx) => {
      await appendFeedEvents(
        tx,
        userIds,
        { type: 'receipt', messageId, userId: `u${String(at)}`, kind: 'read', at },
        at,
      );
      await tx.query('SELECT pg_sleep(random() * 0.02)');
    });

  it('never lets a reader skip an event that commits after a later one', async () => {
    let done = false;
    // A function, not a read of `done`: the writers set it while the reader awaits.
    const writersDone = () => done;
    const seen: number[] = [];
    const reader = (async () => {
      let cursor = 0;
      for (;;) {
        const finished = writersDone();
        const page = await readFeed(db, READER, cursor, 50, 0);
        for (const event of page.events) if (event.type === 'receipt') seen.push(event.at);
        cursor = page.cursor;
        if (finished && !page.more) return;
      }
    })();
    let next = 0;
    const writers = Array.from({ length: CONCURRENCY }, async () => {
      for (let at = next++; at < APPENDS; at = next++) {
        // Most appends reach the reader and someone else; some reach only others.
        await append(at % 5 === 0 ? [`other.${String(at)}`] : [READER, `other.${String(at % 7)}`], at + 1);
      }
    });
    await Promise.all(writers);
    done = true;
    await reader;

    const committed = await db.query<{ at: number }>('SELECT at FROM feed_events WHERE user_id = $1 ORDER BY at', [
      READER,
    ]);
    expect(committed).toHaveLength(APPENDS - APPENDS / 5);
    expect([...seen].sort((a, b) => a - b)).toEqual(committed.map((row) => row.at));
  });

  it('makes an append to the same person wait for an open one, and an append to someone else not', async () => {
    const receipt = (at: number) => ({
      type: 'receipt' as const,
      messageId,
      userId: 'dr.sender',
      kind: 'read' as const,
      at,
    });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let appended: () => void = () => undefined;
    const open = new Promise<void>((resolve) => (appended = resolve));
    const first = db.transaction(async (tx) => {
      await appendFeedEvents(tx, ['nurse.waiting'], receipt(1_000), 1_000);
      appended();
      await held;
    });
    await open;
    let sameDone = false;
    const same = db
      .transaction((tx) => appendFeedEvents(tx, ['nurse.waiting'], receipt(1_001), 1_001))
      .then(() => (sameDone = true));
    // Someone else's append commits while the first is still open (once, one global lock made it wait).
    await db.transaction((tx) => appendFeedEvents(tx, ['nurse.elsewhere'], receipt(1_002), 1_002));
    expect(sameDone).toBe(false);
    release();
    await first;
    await same;
    const rows = await db.query<{ at: number; seq: number }>(
      "SELECT at, seq FROM feed_events WHERE user_id = 'nurse.waiting' ORDER BY seq",
    );
    expect(rows.map((row) => row.at)).toEqual([1_000, 1_001]);
  });
});
