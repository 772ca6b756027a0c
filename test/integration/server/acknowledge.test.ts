/**
 * Acknowledgement on a real server, on each backend (server/relay/acknowledge.ts): only a
 * recipient may acknowledge, signed with their own key, once; the event reaches the sender and
 * every recipient; replays and twenty concurrent attempts leave exactly the first.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signAcknowledgement, verifyAcknowledgement } from '../../../main/crypto/acknowledgement-signature';
import { signRecall } from '../../../shared/node/crypto/recall-signature';
import type { QuickReply } from '../../../shared/protocol/acknowledgement';
import { routes } from '../../../shared/protocol/api';
import { MAX_CLOCK_SKEW_MS } from '../../../shared/protocol/clock-skew';
import type { FeedEvent } from '../../../shared/protocol/feed';
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

describe.each(BACKENDS)('acknowledgement on %s', (backend) => {
  let target: TestServer;
  let nurse: TestUser;
  let physician: TestUser;
  let backup: TestUser;
  let outsider: TestUser;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    const tag = randomUUID().slice(0, 6);
    [nurse, physician, backup, outsider] = (await readyUsers(target, [
      { userId: `nurse${tag}`, displayName: 'Grace Adams' },
      { userId: `physician${tag}`, displayName: 'Chidi Okafor' },
      { userId: `backup${tag}`, displayName: 'Minh Nguyen' },
      { userId: `outsider${tag}`, displayName: 'Sam Reyes' },
    ])) as [TestUser, TestUser, TestUser, TestUser];
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const sent = async () => {
    const envelope = await sealMessage(target, {
      from: nurse,
      to: [physician, backup],
      text: 'Bed 4 K+ 6.8',
      priority: 'stat',
    });
    await target.api.ok('send', { envelope }, token(nurse));
    return envelope.header.id;
  };

  /** A request signed by `signer` (by default the caller), as a real client signs it. */
  async function acknowledgeAs(
    by: TestUser,
    messageId: string,
    options: { reply?: QuickReply | null; at?: number; signer?: TestUser } = {},
  ) {
    const acknowledgedAt = options.at ?? target.clock.now();
    const reply = options.reply ?? null;
    const signer = options.signer ?? by;
    const signature = await signAcknowledgement(
      { messageId, userId: by.userId, acknowledgedAt, reply },
      signer.identity!.signing.privateKey,
    );
    const response = await target.api.raw('POST', routes.acknowledge.path, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(by)}` },
      body: JSON.stringify({ messageId, acknowledgedAt, reply, signature }),
    });
    return { status: response.status, body: JSON.parse(response.text) as unknown };
  }

  const acknowledgementsIn = async (user: TestUser, messageId: string) =>
    (await target.api.ok('feed', { after: 0, limit: 500 }, token(user))).events.filter(
      (event): event is Extract<FeedEvent, { type: 'acknowledgement' }> =>
        event.type === 'acknowledgement' && event.messageId === messageId,
    );

  it("reaches the sender and every recipient, signed so anyone can check it is the acknowledger's", async () => {
    const messageId = await sent();
    const answer = await acknowledgeAs(backup, messageId, { reply: 'on-my-way' });
    expect(answer).toMatchObject({ status: 200, body: { reply: 'on-my-way' } });
    for (const user of [nurse, physician, backup]) {
      const [event, ...more] = await acknowledgementsIn(user, messageId);
      expect(more).toEqual([]);
      expect(event).toMatchObject({ userId: backup.userId, reply: 'on-my-way' });
      const key = Buffer.from(backup.identity!.signing.publicKey).toString('base64');
      expect(await verifyAcknowledgement({ ...event!, userId: backup.userId }, event!.signature, key)).toBe(true);
    }
    expect(await acknowledgementsIn(outsider, messageId)).toEqual([]);
  });

  it('answers anyone but a recipient (the sender too) as for an id never used', async () => {
    const messageId = await sent();
    const missing = await acknowledgeAs(outsider, randomUUID());
    expect(missing).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
    expect(await acknowledgeAs(outsider, messageId)).toEqual(missing);
    expect(await acknowledgeAs(nurse, messageId)).toEqual(missing);
    expect(await acknowledgementsIn(nurse, messageId)).toEqual([]);
  });

  it("refuses an acknowledgement signed with another person's key, or over other words", async () => {
    const messageId = await sent();
    // The server cannot be handed an acknowledgement in the physician's name signed by someone else.
    expect(await acknowledgeAs(physician, messageId, { signer: backup })).toEqual({
      status: 400,
      body: { error: 'SIGNATURE_INVALID' },
    });
    const acknowledgedAt = target.clock.now();
    const signature = await signAcknowledgement(
      { messageId, userId: physician.userId, acknowledgedAt, reply: 'call-me' },
      physician.identity!.signing.privateKey,
    );
    const swapped = await target.api.raw('POST', routes.acknowledge.path, {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token(physician)}` },
      body: JSON.stringify({ messageId, acknowledgedAt, reply: 'on-my-way', signature }),
    });
    expect(JSON.parse(swapped.text)).toEqual({ error: 'SIGNATURE_INVALID' });
    expect(await acknowledgementsIn(nurse, messageId)).toEqual([]);
  });

  it('refuses a signed time far from the server clock', async () => {
    const messageId = await sent();
    const late = target.clock.now() - MAX_CLOCK_SKEW_MS - 1;
    expect(await acknowledgeAs(physician, messageId, { at: late })).toEqual({
      status: 400,
      body: { error: 'CLOCK_SKEW' },
    });
  });

  it('keeps the first of twenty concurrent attempts with different replies, and a replay changes nothing', async () => {
    const messageId = await sent();
    const replies: QuickReply[] = ['on-my-way', 'call-me', 'seen-will-review'];
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => acknowledgeAs(physician, messageId, { reply: replies[i % 3]! })),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    const events = await acknowledgementsIn(nurse, messageId);
    expect(events).toHaveLength(1);
    expect(answers[0]!.body).toMatchObject({ reply: events[0]!.reply, acknowledgedAt: events[0]!.acknowledgedAt });
    // Later, and with other words: still the first.
    target.clock.advance(60_000);
    expect((await acknowledgeAs(physician, messageId, { reply: null })).body).toEqual(answers[0]!.body);
    expect(await acknowledgementsIn(nurse, messageId)).toHaveLength(1);
  });

  it('cannot acknowledge a recalled message', async () => {
    const messageId = await sent();
    const recalledAt = target.clock.now();
    const signature = await signRecall(
      { messageId, senderId: nurse.userId, recalledAt },
      nurse.identity!.signing.privateKey,
    );
    await target.api.ok('recall', { messageId, recalledAt, signature }, token(nurse));
    expect(await acknowledgeAs(physician, messageId)).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });
  });
});
