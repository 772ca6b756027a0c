/**
 * The relay end to end, on each backend: envelopes sealed by main/crypto, sent over HTTPS,
 * pushed over `/v1/stream` and fetched with `feed`; receipts, recall, expiry, idempotency and
 * history.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvelope } from '../../../shared/node/crypto/envelope-open';
import { signRecall } from '../../../shared/node/crypto/recall-signature';
import type { Envelope } from '../../../shared/protocol/envelope';
import type { FeedEvent } from '../../../shared/protocol/feed';
import type { ServerFrame } from '../../../shared/protocol/stream';
import { usePostgres } from '../../support/postgres';
import type { StreamClient } from '../../support/server-client';
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

const eventOf = (frame: ServerFrame): FeedEvent => {
  if (frame.type !== 'event') throw new Error(`expected an event, got ${JSON.stringify(frame)}`);
  return frame.event;
};

const summary = (event: FeedEvent) =>
  event.type === 'envelope'
    ? ['envelope', event.envelope.header.id]
    : event.type === 'receipt'
      ? ['receipt', event.messageId, event.userId, event.kind]
      : event.type === 'recall'
        ? ['recall', event.messageId, event.senderId]
        : event.type === 'acknowledgement'
          ? ['acknowledgement', event.messageId, event.userId]
          : ['escalation', event.messageId, event.step];

async function textFor(reader: TestUser, envelope: Envelope, sender: TestUser): Promise<string> {
  const signingKey = Buffer.from(sender.identity!.signing.publicKey).toString('base64');
  const opened = await openEnvelope(
    envelope,
    { recipient: reader.userId, encryption: reader.identity!.encryption },
    signingKey,
  );
  if (!opened.ok) throw new Error(`could not open: ${opened.error}`);
  return opened.value.text;
}

describe.each(BACKENDS)('relay on %s', (backend) => {
  let target: TestServer;
  let counter = 0;

  beforeAll(async () => {
    target = await startTestServer(backend, { postgres: postgres() });
  }, HOOK_TIMEOUT_MS);
  afterAll(() => target.dispose(), HOOK_TIMEOUT_MS);

  /** Fresh people for one test, signed in, identity keys published. */
  const team = async (count: number) => {
    const users = await readyUsers(
      target,
      Array.from({ length: count }, () => ({
        userId: `r${String(++counter)}.${randomUUID().slice(0, 6)}`,
        displayName: `Person ${String(counter)}`,
        role: 'physician' as const,
      })),
    );
    return users as [TestUser, TestUser, TestUser, ...TestUser[]];
  };

  /** A stream caught up to now. */
  async function live(user: TestUser): Promise<StreamClient> {
    const stream = await target.stream(token(user));
    stream.resume(0);
    await stream.untilReady();
    return stream;
  }

  const send = (from: TestUser, envelope: Envelope) => target.api.ok('send', { envelope }, token(from));
  const feed = async (user: TestUser, after = 0) =>
    (await target.api.ok('feed', { after, limit: 500 }, token(user))).events;

  it('delivers over the stream to every device of the recipient and of the sender, and to nobody else', async () => {
    const [adams, patel, okafor] = await team(3);
    const patelDesk = await live(patel);
    const patelWard = await live(patel);
    const adamsStream = await live(adams);
    const bystander = await live(okafor);

    const envelope = await sealMessage(target, {
      from: adams,
      to: [patel],
      text: 'Bed 12 troponin back, please review',
    });
    const accepted = await send(adams, envelope);
    expect(accepted).toEqual({
      messageId: envelope.header.id,
      acceptedAt: expect.any(Number) as unknown,
      duplicate: false,
    });

    for (const stream of [patelDesk, patelWard, adamsStream]) {
      const event = eventOf(await stream.next());
      expect(event).toEqual({
        type: 'envelope',
        seq: expect.any(Number) as unknown,
        envelope,
        acceptedAt: accepted.acceptedAt,
      });
      if (event.type === 'envelope')
        expect(await textFor(patel, event.envelope, adams)).toBe('Bed 12 troponin back, please review');
    }
    await bystander.silentFor(200);
    expect(await feed(okafor)).toEqual([]);
  });

  it('catches a reconnecting device up from its cursor: every later event once, then ready, then live', async () => {
    const [adams, patel] = await team(2);
    const first = await live(patel);
    const opening = await sealMessage(target, { from: adams, to: [patel], text: 'first' });
    await send(adams, opening);
    const cursor = eventOf(await first.next()).seq;
    await first.close();

    const missed = [];
    for (const text of ['second', 'third']) {
      const envelope = await sealMessage(target, { from: adams, to: [patel], text });
      await send(adams, envelope);
      missed.push(envelope.header.id);
    }
    const again = await target.stream(token(patel));
    again.resume(cursor);
    const frames = await again.untilReady();
    expect(frames.slice(0, -1).map((frame) => summary(eventOf(frame)))).toEqual(missed.map((id) => ['envelope', id]));
    const ready = frames.at(-1);
    expect(ready).toEqual({ type: 'ready', cursor: eventOf(frames[1]!).seq });

    const fetched = await target.api.ok('feed', { after: cursor, limit: 1 }, token(patel));
    expect(fetched.events.map(summary)).toEqual([['envelope', missed[0]]]);
    expect(fetched.more).toBe(true);
    const rest = await target.api.ok('feed', { after: fetched.cursor, limit: 10 }, token(patel));
    expect(rest.events.map(summary)).toEqual([['envelope', missed[1]]]);
    expect(rest.more).toBe(false);

    const later = await sealMessage(target, { from: adams, to: [patel], text: 'fourth' });
    await send(adams, later);
    expect(summary(eventOf(await again.next()))).toEqual(['envelope', later.header.id]);
  });

  it('stores and delivers a resent envelope once, and refuses other content under its id', async () => {
    const [adams, patel] = await team(2);
    const stream = await live(patel);
    const envelope = await sealMessage(target, { from: adams, to: [patel], text: 'Resend me' });
    const first = await send(adams, envelope);
    const second = await send(adams, envelope);
    expect(second).toEqual({ ...first, duplicate: true });
    eventOf(await stream.next());
    await stream.silentFor(200);
    expect((await feed(patel)).map(summary)).toEqual([['envelope', envelope.header.id]]);

    const other = await sealMessage(target, { from: adams, to: [patel], text: 'Something else' });
    const conflicting = await sealMessage(target, { from: adams, to: [patel], text: 'Something else' });
    const sameId = { ...conflicting, header: { ...conflicting.header, id: envelope.header.id } };
    expect(await target.api.refused('send', { envelope: sameId }, token(adams))).toMatchObject({
      status: 409,
      body: { error: 'IDEMPOTENCY_CONFLICT' },
    });
    await send(adams, other);
  });

  it('turns receipts from a recipient into events for the sender and the recipient’s other devices', async () => {
    const [adams, patel, okafor] = await team(3);
    const envelope = await sealMessage(target, { from: adams, to: [patel], text: 'Please confirm' });
    await send(adams, envelope);
    const adamsStream = await live(adams);
    const patelOther = await live(patel);
    const messageId = envelope.header.id;

    const receipts = [
      { messageId, kind: 'delivered' as const },
      { messageId, kind: 'read' as const },
    ];
    expect(await target.api.ok('receipts', { receipts }, token(patel))).toEqual({ accepted: 2 });
    for (const stream of [adamsStream, patelOther]) {
      expect([summary(eventOf(await stream.next())), summary(eventOf(await stream.next()))]).toEqual([
        ['receipt', messageId, patel.userId, 'delivered'],
        ['receipt', messageId, patel.userId, 'read'],
      ]);
    }
    // Again: counted, but no second event. From someone who is not a recipient: not counted.
    expect(await target.api.ok('receipts', { receipts }, token(patel))).toEqual({ accepted: 2 });
    expect(await target.api.ok('receipts', { receipts }, token(okafor))).toEqual({ accepted: 0 });
    expect(
      await target.api.ok('receipts', { receipts: [{ messageId: randomUUID(), kind: 'read' }] }, token(patel)),
    ).toEqual({ accepted: 0 });
    await adamsStream.silentFor(200);
    expect((await feed(okafor)).length).toBe(0);
  });

  it('recalls: deleted where undelivered, a recall event where delivered and for the sender', async () => {
    const [adams, patel, nguyen, okafor] = (await team(4)) as [TestUser, TestUser, TestUser, TestUser];
    const conversationId = randomUUID();
    const envelope = await sealMessage(target, {
      from: adams,
      to: [patel, nguyen],
      text: 'Wrong patient, ignore',
      conversationId,
    });
    await send(adams, envelope);
    const messageId = envelope.header.id;
    await target.api.ok('receipts', { receipts: [{ messageId, kind: 'delivered' }] }, token(patel));
    const patelStream = await live(patel);
    const nguyenStream = await live(nguyen);

    const recalledAt = target.clock.now();
    const signature = await signRecall(
      { messageId, senderId: adams.userId, recalledAt },
      adams.identity!.signing.privateKey,
    );
    expect(await target.api.refused('recall', { messageId, recalledAt, signature }, token(okafor))).toEqual({
      status: 404,
      body: { error: 'NOT_FOUND' },
    });
    const forged = await signRecall(
      { messageId, senderId: adams.userId, recalledAt },
      patel.identity!.signing.privateKey,
    );
    expect(await target.api.refused('recall', { messageId, recalledAt, signature: forged }, token(adams))).toEqual({
      status: 400,
      body: { error: 'SIGNATURE_INVALID' },
    });
    const otherTime = await signRecall(
      { messageId, senderId: adams.userId, recalledAt: recalledAt + 1 },
      adams.identity!.signing.privateKey,
    );
    expect(await target.api.refused('recall', { messageId, recalledAt, signature: otherTime }, token(adams))).toEqual({
      status: 400,
      body: { error: 'SIGNATURE_INVALID' },
    });
    expect(
      await target.api.refused('recall', { messageId: randomUUID(), recalledAt, signature }, token(adams)),
    ).toEqual({ status: 404, body: { error: 'NOT_FOUND' } });

    expect(await target.api.ok('recall', { messageId, recalledAt, signature }, token(adams))).toEqual({ recalledAt });
    expect(eventOf(await patelStream.next())).toEqual({
      type: 'recall',
      seq: expect.any(Number) as unknown,
      messageId,
      senderId: adams.userId,
      recalledAt,
      signature,
      acceptedAt: expect.any(Number) as unknown,
    });
    await nguyenStream.silentFor(200);

    expect((await feed(patel)).map(summary)).toEqual([
      ['receipt', messageId, patel.userId, 'delivered'],
      ['recall', messageId, adams.userId],
    ]);
    expect(await feed(nguyen)).toEqual([]);
    expect((await feed(adams)).map(summary)).toEqual([
      ['receipt', messageId, patel.userId, 'delivered'],
      ['recall', messageId, adams.userId],
    ]);
    for (const user of [adams, patel, nguyen]) {
      expect(
        (await target.api.ok('history', { conversationId, before: null, limit: 50 }, token(user))).envelopes,
      ).toEqual([]);
    }
    // Recalled stays recalled: a second recall answers the first time, a resend is a duplicate.
    const later = await signRecall(
      { messageId, senderId: adams.userId, recalledAt: recalledAt + 5 },
      adams.identity!.signing.privateKey,
    );
    expect(
      await target.api.ok('recall', { messageId, recalledAt: recalledAt + 5, signature: later }, token(adams)),
    ).toEqual({ recalledAt });
    expect((await send(adams, envelope)).duplicate).toBe(true);
    expect(await feed(nguyen)).toEqual([]);
    expect(await target.api.ok('receipts', { receipts: [{ messageId, kind: 'read' }] }, token(nguyen))).toEqual({
      accepted: 0,
    });
  });

  it('hides an envelope after its expiry and sweeps it and its events away', async () => {
    const [adams, patel] = await team(2);
    const conversationId = randomUUID();
    const now = target.clock.now();
    const brief = await sealMessage(target, {
      from: adams,
      to: [patel],
      text: 'Gone in a minute',
      conversationId,
      expiresAt: now + 60_000,
    });
    const lasting = await sealMessage(target, { from: adams, to: [patel], text: 'Stays', conversationId });
    await send(adams, brief);
    await send(adams, lasting);
    await target.api.ok('receipts', { receipts: [{ messageId: brief.header.id, kind: 'delivered' }] }, token(patel));
    expect((await feed(patel)).map(summary)).toEqual([
      ['envelope', brief.header.id],
      ['envelope', lasting.header.id],
      ['receipt', brief.header.id, patel.userId, 'delivered'],
    ]);

    target.clock.advance(61_000);
    // Past its time it is gone from every answer even before the sweeper runs.
    expect((await feed(patel)).map(summary)).toEqual([['envelope', lasting.header.id]]);
    const history = await target.api.ok('history', { conversationId, before: null, limit: 50 }, token(patel));
    expect(history.envelopes.map((stored) => stored.envelope.header.id)).toEqual([lasting.header.id]);
    expect((await target.server.admin.sweepExpired()).expiredEnvelopes).toBeGreaterThanOrEqual(1);
    expect((await feed(adams)).map(summary)).toEqual([['envelope', lasting.header.id]]);

    const stale = await sealMessage(target, {
      from: adams,
      to: [patel],
      text: 'Too late',
      sentAt: target.clock.now() - 10_000,
      expiresAt: target.clock.now() - 1,
    });
    expect(await target.api.refused('send', { envelope: stale }, token(adams))).toEqual({
      status: 410,
      body: { error: 'MESSAGE_EXPIRED' },
    });
  });

  it('pages a conversation’s history newest first, only for those who sent or received it', async () => {
    const [adams, patel, okafor] = await team(3);
    const conversationId = randomUUID();
    const ids = [];
    for (const text of ['one', 'two', 'three']) {
      const envelope = await sealMessage(target, { from: adams, to: [patel], text, conversationId });
      await send(adams, envelope);
      ids.push(envelope.header.id);
      target.clock.advance(5);
    }
    const page = await target.api.ok('history', { conversationId, before: null, limit: 2 }, token(patel));
    expect(page.envelopes.map((stored) => stored.envelope.header.id)).toEqual([ids[2], ids[1]]);
    expect(page.envelopes.every((stored) => stored.recalledAt === null)).toBe(true);
    expect(page.more).toBe(true);
    const next = await target.api.ok(
      'history',
      { conversationId, before: page.envelopes.at(-1)!.acceptedAt, limit: 2 },
      token(patel),
    );
    expect(next.envelopes.map((stored) => stored.envelope.header.id)).toEqual([ids[0]]);
    expect(next.more).toBe(false);
    expect(await textFor(patel, next.envelopes[0]!.envelope, adams)).toBe('one');
    expect(
      (await target.api.ok('history', { conversationId, before: null, limit: 10 }, token(adams))).envelopes,
    ).toHaveLength(3);
    expect(
      (await target.api.ok('history', { conversationId, before: null, limit: 10 }, token(okafor))).envelopes,
    ).toEqual([]);
  });
});
