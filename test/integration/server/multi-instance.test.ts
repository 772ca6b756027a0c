/**
 * Two server instances on different ports serving one hospital from one PostgreSQL database:
 * whatever one accepts reaches streams connected to the other, through PostgreSQL
 * LISTEN/NOTIFY (the servers have no other channel between them, and streams are only ever
 * pushed on a notification).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usePostgres } from '../../support/postgres';
import { apiClient, type ApiClient } from '../../support/server-client';
import {
  publishIdentity,
  readyUsers,
  sealMessage,
  signIn,
  startTestServer,
  testClock,
  token,
  type TestServer,
  type TestUser,
  HOOK_TIMEOUT_MS,
} from '../../support/server-fixtures';

const postgres = usePostgres();

describe('two instances on one PostgreSQL', () => {
  let east: TestServer;
  let west: TestServer;
  let westApi: ApiClient;
  let adams: TestUser;
  let patel: TestUser;

  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await postgres().createDatabase();
    const clock = testClock();
    east = await startTestServer('postgres', { databaseUrl, clock });
    // Same data dir: the same CA, as one deployment's instances share their TLS material.
    west = await startTestServer('postgres', { databaseUrl, clock, dataDir: east.dataDir });
    westApi = apiClient(west.server.url, west.caPem);
    [adams, patel] = (await readyUsers(east, [
      { userId: 'nurse.adams', displayName: 'Grace Adams' },
      { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' },
    ])) as [TestUser, TestUser];
    // Patel works against the other instance from here on.
    await signIn(west, patel, westApi);
    await publishIdentity(west, patel);
  }, HOOK_TIMEOUT_MS);
  afterAll(async () => {
    westApi.close();
    await west.close();
    await east.dispose();
  }, HOOK_TIMEOUT_MS);

  it('listen on different ports with one CA', () => {
    expect(east.server.port).not.toBe(west.server.port);
    expect(east.server.caCertPath).toBe(west.server.caCertPath);
  });

  it('delivers a message accepted by one instance to a stream on the other, and a receipt back', async () => {
    const patelOnWest = await west.stream(token(patel));
    const adamsOnEast = await east.stream(token(adams));
    for (const stream of [patelOnWest, adamsOnEast]) {
      stream.resume(0);
      await stream.untilReady();
    }
    const envelope = await sealMessage(east, {
      from: adams,
      to: [patel],
      text: 'Can you see this from the other side?',
    });
    await east.api.ok('send', { envelope }, token(adams));
    expect(await patelOnWest.next(3000)).toMatchObject({
      type: 'event',
      event: { type: 'envelope', envelope: { header: { id: envelope.header.id } } },
    });
    expect(await adamsOnEast.next(3000)).toMatchObject({ type: 'event', event: { type: 'envelope' } });

    await westApi.ok('receipts', { receipts: [{ messageId: envelope.header.id, kind: 'read' }] }, token(patel));
    expect(await adamsOnEast.next(3000)).toMatchObject({
      type: 'event',
      event: { type: 'receipt', messageId: envelope.header.id, userId: patel.userId, kind: 'read' },
    });
  });

  it('keeps delivering after the database drops the instances’ LISTEN connections', async () => {
    const patelOnWest = await west.stream(token(patel));
    patelOnWest.resume(0);
    await patelOnWest.untilReady();
    const killed = await postgres().execute(
      databaseUrl,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'",
    );
    expect(killed.length).toBeGreaterThanOrEqual(2);
    const envelope = await sealMessage(east, { from: adams, to: [patel], text: 'Sent while the listeners reconnect' });
    await east.api.ok('send', { envelope }, token(adams));
    // Whether the notification is caught live or re-read after the reconnect, it arrives.
    expect(await patelOnWest.next(5000)).toMatchObject({
      type: 'event',
      event: { type: 'envelope', envelope: { header: { id: envelope.header.id } } },
    });
    await patelOnWest.close();
  });

  it('ends a stream on one instance when its session is ended through the other', async () => {
    const patelOnWest = await west.stream(token(patel));
    patelOnWest.resume(0);
    await patelOnWest.untilReady();
    await east.api.ok('logout', {}, token(patel));
    expect(await patelOnWest.next(3000)).toEqual({ type: 'session-ended', reason: 'signed-out' });
    expect(await westApi.refused('listSessions', {}, token(patel))).toEqual({
      status: 401,
      body: { error: 'UNAUTHENTICATED' },
    });
  });
});
