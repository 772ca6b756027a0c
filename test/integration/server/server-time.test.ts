/**
 * The server's clock orders messages (shared/protocol/clock-skew.ts): an envelope's signed
 * `sentAt` and a recall's `recalledAt` are refused with CLOCK_SKEW outside the stated bounds, the
 * server's acceptance time travels beside them in feed events and history, and both list in the
 * order the server accepted. On each backend.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRecall } from '../../../shared/node/crypto/recall-signature';
import { MAX_CLOCK_SKEW_MS, MAX_SEND_DELAY_MS } from '../../../shared/protocol/clock-skew';
import type { Envelope } from '../../../shared/protocol/envelope';
import { usePostgres } from '../../support/postgres';
import {
  BACKENDS,
  readyUsers,
  sealMessage,
  startTestServer,
  token,
  type TestServer,
  type TestUser,
  HOOK_TIMEOUT_MS,
} from '../../support/server-fixtures';

const postgres = usePostgres();
const SECOND = 1000;
const YEAR_2028 = Date.UTC(2028, 0, 1);

describe.each(BACKENDS)('server time on %s', (backend) => {
  let target: TestServer;
  let adams: TestUser;
  let patel: TestUser;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
    [adams, patel] = (await readyUsers(target, [
      { userId: 'nurse.clock', displayName: 'Nurse Clock' },
      { userId: 'dr.clock', displayName: 'Doctor Clock', role: 'physician' },
    ])) as [TestUser, TestUser];
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  const send = (envelope: Envelope) => target.api.ok('send', { envelope }, token(adams));
  const refusedSend = (envelope: Envelope) => target.api.refused('send', { envelope }, token(adams));
  const sealedAt = (sentAt: number, conversationId = randomUUID(), text = 'Obs due') =>
    sealMessage(target, { from: adams, to: [patel], text, conversationId, sentAt });
  const feedIds = async (user: TestUser) =>
    (await target.api.ok('feed', { after: 0, limit: 500 }, token(user))).events.flatMap((event) =>
      event.type === 'envelope' ? [event.envelope.header.id] : [],
    );

  it('refuses an envelope dated ahead of the server by more than the skew, or older than the outbox allows, and keeps nothing', async () => {
    const before = await feedIds(patel);
    const now = target.clock.now();
    for (const sentAt of [YEAR_2028, now + MAX_CLOCK_SKEW_MS + 5 * SECOND, now - MAX_SEND_DELAY_MS - 60 * SECOND, 0]) {
      expect(await refusedSend(await sealedAt(sentAt))).toEqual({ status: 400, body: { error: 'CLOCK_SKEW' } });
    }
    expect(await feedIds(patel)).toEqual(before);
  });

  it('accepts a clock a little ahead, and an envelope that waited in an outbox, each with the server’s own acceptance time', async () => {
    const now = target.clock.now();
    for (const sentAt of [now + MAX_CLOCK_SKEW_MS - 5 * SECOND, now - 3 * 60 * 60 * SECOND]) {
      const envelope = await sealedAt(sentAt);
      const from = target.clock.now();
      const accepted = await send(envelope);
      expect(accepted.acceptedAt).toBeGreaterThanOrEqual(from);
      expect(accepted.acceptedAt).toBeLessThanOrEqual(target.clock.now());
    }
  });

  it('lists feed and history in the order the server accepted, whatever the senders’ clocks said', async () => {
    const conversationId = randomUUID();
    const now = target.clock.now();
    // Accepted first, dated last (a clock four minutes fast); then one from an outbox, dated an hour back.
    const ahead = await sealedAt(now + 4 * 60 * SECOND, conversationId, 'first accepted');
    const first = await send(ahead);
    target.clock.advance(2 * SECOND);
    const behind = await sealedAt(now - 60 * 60 * SECOND, conversationId, 'second accepted');
    const second = await send(behind);
    target.clock.advance(2 * SECOND);
    const onTime = await sealedAt(target.clock.now(), conversationId, 'third accepted');
    const third = await send(onTime);
    expect(first.acceptedAt).toBeLessThan(second.acceptedAt);
    expect(second.acceptedAt).toBeLessThan(third.acceptedAt);

    const ids = [ahead, behind, onTime].map((envelope) => envelope.header.id);
    expect((await feedIds(patel)).filter((id) => ids.includes(id))).toEqual(ids);
    const events = (await target.api.ok('feed', { after: 0, limit: 500 }, token(patel))).events;
    const acceptedTimes = events.flatMap((event) =>
      event.type === 'envelope' && ids.includes(event.envelope.header.id)
        ? [[event.envelope.header.sentAt, event.acceptedAt]]
        : [],
    );
    expect(acceptedTimes).toEqual([
      [ahead.header.sentAt, first.acceptedAt],
      [behind.header.sentAt, second.acceptedAt],
      [onTime.header.sentAt, third.acceptedAt],
    ]);

    const history = await target.api.ok('history', { conversationId, before: null, limit: 50 }, token(patel));
    expect(history.envelopes.map((stored) => [stored.envelope.header.id, stored.acceptedAt])).toEqual([
      [onTime.header.id, third.acceptedAt],
      [behind.header.id, second.acceptedAt],
      [ahead.header.id, first.acceptedAt],
    ]);
    // Paging by the server's time: everything accepted before the second, however it was dated.
    const older = await target.api.ok(
      'history',
      { conversationId, before: second.acceptedAt, limit: 50 },
      token(patel),
    );
    expect(older.envelopes.map((stored) => stored.envelope.header.id)).toEqual([ahead.header.id]);
  });

  it('refuses a recall dated outside the skew either way, and gives the server’s time of a recall beside the signed one', async () => {
    const envelope = await sealedAt(target.clock.now());
    await send(envelope);
    const messageId = envelope.header.id;
    await target.api.ok('receipts', { receipts: [{ messageId, kind: 'delivered' }] }, token(patel));
    const recallAt = async (recalledAt: number) => ({
      messageId,
      recalledAt,
      signature: await signRecall(
        { messageId, senderId: adams.userId, recalledAt },
        adams.identity!.signing.privateKey,
      ),
    });
    const now = target.clock.now();
    for (const recalledAt of [
      0,
      now - MAX_CLOCK_SKEW_MS - 5 * SECOND,
      now + MAX_CLOCK_SKEW_MS + 5 * SECOND,
      YEAR_2028,
    ]) {
      expect(await target.api.refused('recall', await recallAt(recalledAt), token(adams))).toEqual({
        status: 400,
        body: { error: 'CLOCK_SKEW' },
      });
    }

    const signedAt = now - 3 * 60 * SECOND;
    const from = target.clock.now();
    expect(await target.api.ok('recall', await recallAt(signedAt), token(adams))).toEqual({ recalledAt: signedAt });
    const until = target.clock.now();
    for (const user of [adams, patel]) {
      const recall = (await target.api.ok('feed', { after: 0, limit: 500 }, token(user))).events.find(
        (event) => event.type === 'recall' && event.messageId === messageId,
      );
      expect(recall).toMatchObject({ type: 'recall', recalledAt: signedAt });
      const acceptedAt = recall?.type === 'recall' ? recall.acceptedAt : 0;
      expect(acceptedAt).toBeGreaterThanOrEqual(from);
      expect(acceptedAt).toBeLessThanOrEqual(until);
    }
  });
});
