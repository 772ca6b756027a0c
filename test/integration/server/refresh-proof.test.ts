/**
 * A refresh proof is good once (server/accounts/device-proof.ts, spent-proof-store.ts), on a
 * real server on each backend: replayed with the token it earned, or sent twice at once, only
 * one use succeeds, however soon inside the proof's two minutes; spent records go once stale.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROOF_WINDOW_MS } from '../../../shared/protocol/auth';
import { routes } from '../../../shared/protocol/api';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  createUser,
  HOOK_TIMEOUT_MS,
  refreshProof,
  signIn,
  startTestServer,
  type TestServer,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const PROOF_INVALID = { status: 401, body: { error: 'DEVICE_PROOF_INVALID' } };

describe.each(BACKENDS)('refresh proofs on %s', (backend) => {
  let target: TestServer;
  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const signedIn = async () => {
    const user = await createUser(target, { userId: `r${randomUUID().slice(0, 8)}`, displayName: 'Grace Adams' });
    await signIn(target, user);
    return user;
  };

  it('refuses a proof used a second time, with the token it earned, inside its window', async () => {
    const grace = await signedIn();
    const session = grace.session!;
    const proof = await refreshProof(grace.device, session.sessionId, target.clock.now());
    const refreshed = await target.api.ok('refresh', { proof }, session.token);
    target.clock.advance(1000);
    expect(await target.api.refused('refresh', { proof }, refreshed.token)).toEqual(PROOF_INVALID);
    // Refused, not rotated: the token still works, and a fresh proof refreshes it.
    await target.api.ok('listSessions', {}, refreshed.token);
    await target.api.ok(
      'refresh',
      { proof: await refreshProof(grace.device, session.sessionId, target.clock.now()) },
      refreshed.token,
    );
  });

  it('lets one of two refreshes sent at once with the same proof succeed', async () => {
    for (let round = 0; round < 5; round += 1) {
      const grace = await signedIn();
      const session = grace.session!;
      const body = JSON.stringify({ proof: await refreshProof(grace.device, session.sessionId, target.clock.now()) });
      const send = () =>
        target.api.raw('POST', routes.refresh.path, {
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
          body,
        });
      const answers = await Promise.all([send(), send()]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    }
  });

  it('forgets a spent proof once it is stale, when it is refused as stale anyway', async () => {
    const grace = await signedIn();
    const session = grace.session!;
    const proof = await refreshProof(grace.device, session.sessionId, target.clock.now());
    const refreshed = await target.api.ok('refresh', { proof }, session.token);
    target.clock.advance(PROOF_WINDOW_MS + 1000);
    await target.server.admin.sweepExpired();
    expect(await target.api.refused('refresh', { proof }, refreshed.token)).toEqual(PROOF_INVALID);
    if (backend === 'postgres') {
      const rows = await postgres().execute(target.databaseUrl!, 'SELECT count(*)::int AS n FROM spent_device_proofs');
      expect(rows).toEqual([{ n: 0 }]);
    }
  });
});
