/**
 * One instance's open streams at scale, on PostgreSQL (the production backend, where a dropped
 * LISTEN connection is a real event): the periodic session check reads every stream's session
 * in one query per thousand, and after the database drops the listener, every stream re-reads
 * its feed with at most REREAD_CONCURRENCY reads at once (server/stream/stream-registry.ts).
 *
 * The streams here stand for sockets: they record what the registry tells them. Sessions are real
 * (signed in through the server) or uuids no session has.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthenticatedSession } from '../../../server/accounts/session-store';
import type { Database } from '../../../server/db/database';
import { openDatabase } from '../../../server/db/open-database';
import type { SessionEndReason } from '../../../server/events/channels';
import type { StreamConnection } from '../../../server/stream/stream-connection';
import { REREAD_CONCURRENCY, startStreamRegistry, type StreamRegistry } from '../../../server/stream/stream-registry';
import { usePostgres } from '../../support/postgres';
import {
  HOOK_TIMEOUT_MS,
  readyUsers,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();

interface Recorded extends StreamConnection {
  readonly ended: SessionEndReason[];
  reads: number;
}

describe('the stream registry with 1,500 streams on PostgreSQL', () => {
  let target: TestServer;
  let databaseUrl: string;
  let db: Database;
  let registry: StreamRegistry;
  let dataDir: string;
  let users: TestUser[];
  const sessionQueries: string[] = [];
  let active = 0;
  let mostActive = 0;

  beforeAll(async () => {
    databaseUrl = await postgres().createDatabase();
    target = await startTestServer('postgres', { databaseUrl });
    users = await readyUsers(
      target,
      ['ward.a', 'ward.b', 'ward.c'].map((userId) => ({ userId, displayName: userId, role: 'nurse' as const })),
    );
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-registry-'));
    const real = await openDatabase({ dataDir, databaseUrl });
    // The registry's own database, with its session reads counted.
    db = {
      kind: real.kind,
      query: (sql, params) => {
        if (/\bFROM sessions\b/.test(sql)) sessionQueries.push(sql);
        return real.query(sql, params);
      },
      transaction: (work) => real.transaction(work),
      listen: (channel, handler) => real.listen(channel, handler),
      close: () => real.close(),
    };
    registry = await startStreamRegistry(db, target.clock.now);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    await registry.stop();
    await db.close();
    await target.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }, HOOK_TIMEOUT_MS);

  function stream(sessionId: string, userId: string): Recorded {
    let close: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (close = resolve));
    const session: AuthenticatedSession = {
      sessionId,
      userId,
      deviceId: randomUUID(),
      role: 'nurse',
      authenticatedAt: 0,
      commandsPending: false,
    };
    const recorded: Recorded = {
      session,
      closed,
      ended: [],
      reads: 0,
      async feedChanged() {
        active += 1;
        mostActive = Math.max(mostActive, active);
        await new Promise((resolve) => setImmediate(resolve));
        recorded.reads += 1;
        active -= 1;
      },
      endSession(reason) {
        recorded.ended.push(reason);
        close();
      },
      commandsPending: () => undefined,
      heartbeat: () => undefined,
      shutdown: close,
    };
    return recorded;
  }

  it('checks every session in one query per thousand and ends only those that are over', async () => {
    const sessionOf = (user: TestUser) => user.session?.sessionId ?? '';
    const [live, signedOut, extra] = users as [TestUser, TestUser, TestUser];
    await target.api.ok('logout', {}, token(signedOut));
    const liveStreams = [stream(sessionOf(live), live.userId), stream(sessionOf(extra), extra.userId)];
    const outStream = stream(sessionOf(signedOut), signedOut.userId);
    const unknown = Array.from({ length: 1_497 }, (_, i) => stream(randomUUID(), `gone.${String(i)}`));
    for (const s of [...liveStreams, outStream, ...unknown]) registry.add(s);
    expect(registry.size).toBe(1_500);

    sessionQueries.length = 0;
    await registry.checkSessions();
    expect(sessionQueries).toHaveLength(2);
    expect(liveStreams.map((s) => s.ended)).toEqual([[], []]);
    expect(outStream.ended).toEqual(['signed-out']);
    expect(unknown.every((s) => s.ended.length === 1 && s.ended[0] === 'revoked')).toBe(true);
    // Ended streams leave the registry once closed.
    await new Promise((resolve) => setImmediate(resolve));
    expect(registry.size).toBe(2);

    // Their maximum age over, the live ones end as expired, in one query.
    target.clock.advance(13 * 60 * 60 * 1000);
    sessionQueries.length = 0;
    await registry.checkSessions();
    target.clock.advance(-13 * 60 * 60 * 1000);
    expect(sessionQueries).toHaveLength(1);
    expect(liveStreams.map((s) => s.ended)).toEqual([['expired'], ['expired']]);
  });

  it('re-reads every stream after the database drops its listener, a few at a time', async () => {
    const many = Array.from({ length: 400 }, (_, i) => stream(randomUUID(), `reader.${String(i % 40)}`));
    for (const s of many) registry.add(s);
    mostActive = 0;
    const killed = await postgres().execute(
      databaseUrl,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    );
    expect(killed.length).toBeGreaterThanOrEqual(1);
    await expect.poll(() => many.every((s) => s.reads >= 1), { timeout: 15_000 }).toBe(true);
    expect(mostActive).toBeGreaterThan(1);
    expect(mostActive).toBeLessThanOrEqual(REREAD_CONCURRENCY);
  });
});
