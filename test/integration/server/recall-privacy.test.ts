/**
 * Recall tells no one but the sender that a message id exists (server/relay/recall.ts), on a
 * real server on each backend: someone else's message, live or already recalled, and even one
 * sent to the caller, is answered exactly as an id that was never used, and stays as it was.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRecall } from '../../../shared/node/crypto/recall-signature';
import { routes } from '../../../shared/protocol/api';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  HOOK_TIMEOUT_MS,
  readyUsers,
  sealMessage,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
} from '../../support/server-fixtures';

const postgres = usePostgres();

describe.each(BACKENDS)('recall on %s', (backend) => {
  let target: TestServer;
  let sender: TestUser;
  let recipient: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    const tag = randomUUID().slice(0, 6);
    [sender, recipient, outsider] = (await readyUsers(target, [
      { userId: `sender${tag}`, displayName: 'Grace Adams' },
      { userId: `recipient${tag}`, displayName: 'Chidi Okafor' },
      { userId: `outsider${tag}`, displayName: 'Minh Nguyen' },
    ])) as [TestUser, TestUser, TestUser];
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const sent = async () => {
    const envelope = await sealMessage(target, { from: sender, to: [recipient], text: 'Bed 4 obs due' });
    await target.api.ok('send', { envelope }, token(sender));
    return envelope.header.id;
  };

  /** The whole answer to a recall by `by`, signed by `by` as a real client would sign it. */
  async function recallAs(by: TestUser, messageId: string) {
    const recalledAt = target.clock.now();
    const signature = await signRecall({ messageId, senderId: by.userId, recalledAt }, by.identity!.signing.privateKey);
    const response = await target.api.raw('POST', routes.recall.path, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(by)}` },
      body: JSON.stringify({ messageId, recalledAt, signature }),
    });
    return { status: response.status, body: response.text, retryAfter: response.headers['retry-after'] };
  }

  it("answers a recall of someone else's message exactly as one of an id never used, and leaves it alone", async () => {
    const live = await sent();
    const recalled = await sent();
    expect((await recallAs(sender, recalled)).status).toBe(200);
    const missing = await recallAs(outsider, randomUUID());
    expect(missing).toEqual({ status: 404, body: JSON.stringify({ error: 'NOT_FOUND' }), retryAfter: undefined });
    for (const messageId of [live, recalled]) {
      expect(await recallAs(outsider, messageId)).toEqual(missing);
      // Not even someone it was sent to learns more.
      expect(await recallAs(recipient, messageId)).toEqual(missing);
    }
    // Still the sender's to recall.
    expect((await recallAs(sender, live)).status).toBe(200);
  });
});
