/**
 * A restart loses nothing: accounts, sessions, identity keys, envelopes, feeds and the server's
 * own secrets are all in the database (the PGlite folder in the data dir, or PostgreSQL).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  readyUsers,
  sealMessage,
  startTestServer,
  testClock,
  token,
  type TestServer,
  HOOK_TIMEOUT_MS,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const started: TestServer[] = [];
afterAll(async () => {
  for (const server of started.reverse()) await server.dispose();
}, HOOK_TIMEOUT_MS);

describe.each(BACKENDS)('restart on %s', (backend) => {
  it('keeps sessions, directory, keys, envelopes, feeds and the decoy salts', async () => {
    const clock = testClock();
    const before = await startTestServer(backend, { postgres: postgres(), clock });
    started.push(before);
    const [adams, patel] = await readyUsers(before, [
      { userId: 'nurse.adams', displayName: 'Grace Adams' },
      { userId: 'dr.patel', displayName: 'Anika Patel', role: 'physician' },
    ]);
    const envelope = await sealMessage(before, { from: adams!, to: [patel!], text: 'Before the restart' });
    const accepted = await before.api.ok('send', { envelope }, token(adams!));
    const decoy = await before.api.ok('prelogin', { userId: 'not.a.user' });
    const feedBefore = await before.api.ok('feed', { after: 0, limit: 100 }, token(patel!));
    await before.close();

    const after = await startTestServer(backend, {
      dataDir: before.dataDir,
      clock,
      ...(before.databaseUrl === undefined ? {} : { databaseUrl: before.databaseUrl }),
    });
    started.push(after);
    expect(after.server.caCertPath).toBe(before.server.caCertPath);
    expect(await after.api.ok('prelogin', { userId: 'not.a.user' })).toEqual(decoy);
    expect(await after.api.ok('feed', { after: 0, limit: 100 }, token(patel!))).toEqual(feedBefore);
    expect(feedBefore.events).toEqual([
      { type: 'envelope', seq: expect.any(Number) as unknown, envelope, acceptedAt: accepted.acceptedAt },
    ]);
    const history = await after.api.ok(
      'history',
      { conversationId: envelope.header.conversationId, before: null, limit: 10 },
      token(adams!),
    );
    expect(history.envelopes.map((stored) => stored.envelope)).toEqual([envelope]);
    const found = await after.api.ok('lookupKeys', { userIds: [patel!.userId] }, token(adams!));
    expect(found.users[0]?.user.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // The same envelope again is still a duplicate: the idempotency key survived too.
    expect((await after.api.ok('send', { envelope }, token(adams!))).duplicate).toBe(true);
  });
});
