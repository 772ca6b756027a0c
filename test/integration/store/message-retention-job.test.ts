/**
 * The local retention job (main/messaging/message-retention.ts) on a real SQLCipher vault, with
 * the clock and the daily timer in the test's hands: what goes (strictly older than the bound,
 * with everything derived from it), what stays (the bound itself, newer messages, the outbox,
 * open acknowledgement requests, the conversation), the batches, the daily cadence, and the
 * record of each run.
 */
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActionEvent } from '../../../shared/audit/audit-event-builder';
import { createMessageRetention, type MessageRetentionDeps } from '../../../main/messaging/message-retention';
import { DAY_MS, RETENTION_EVERY_MS, retentionBound, firstSyncSince } from '../../../main/messaging/retention-bound';
import { openStore, type StoreClient } from '../../../main/store/store-client';
import { randomKey, tempDir } from '../../support/vault-fixtures';
import { attachmentRecord, conversation, received } from '../../support/vault-records';

const DAYS = 30;
/** The test's "now": the bound falls on message 1000's acceptance time. */
const T0 = 1_700_000_000_000;
const NOW = T0 + 1000 + DAYS * DAY_MS;

let store: StoreClient;
let now: number;
let events: ActionEvent[];
let timers: { run: () => void; ms: number; cancelled: boolean }[];
let removedFrom: string[][];
let calls: number;

beforeEach(async () => {
  store = await openStore(path.join(tempDir('wardline-retention-'), 'vault.db'), randomKey(), { create: true });
  now = NOW;
  events = [];
  timers = [];
  removedFrom = [];
  calls = 0;
});

afterEach(async () => {
  await store.close().catch(() => undefined);
});

function retention(overrides: Partial<MessageRetentionDeps> = {}) {
  const counted: StoreClient = {
    ...store,
    call: ((op: string, args: unknown) => {
      if (op === 'message.removeOlderThan') calls += 1;
      return (store.call as (op: string, args: unknown) => Promise<unknown>)(op, args);
    }) as StoreClient['call'],
  };
  return createMessageRetention({
    store: counted,
    records: {
      noted: (event) => {
        events.push(event);
        return Promise.resolve();
      },
    },
    days: DAYS,
    now: () => now,
    setTimer: (run, ms) => {
      const timer = { run, ms, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
    onRemoved: (ids) => removedFrom.push([...ids]),
    background: (work) => void work,
    ...overrides,
  });
}

/** Message `i` of the conversation, accepted at T0 + i. */
const receive = (i: number, overrides: Parameters<typeof received>[1] = {}) =>
  store.call('message.receive', received(i, overrides));
const ids = async (): Promise<string[]> =>
  (await store.call('message.thread', { conversationId: conversation.id, before: null, limit: 1000 })).map((m) => m.id);
const id = (i: number) => `msg-${String(i).padStart(6, '0')}`;
const found = async (text: string) =>
  (await store.call('message.search', { text, selfId: 'nurse.adams', now, limit: 50 })).rows.map((r) => r.messageId);

describe('local message retention on a real vault', () => {
  it('removes what is strictly older than the bound with its attachments, receipts and search entries, and keeps the rest', async () => {
    await receive(999, { attachments: [attachmentRecord('blob-old', { file: 'ab'.repeat(16), thumbnail: null })] });
    await receive(1000);
    await receive(1001);
    await store.call('receipt.record', { messageId: id(999), userId: 'dr.okafor', kind: 'read', at: T0 + 2000 });
    expect(retentionBound(DAYS, now)).toBe(T0 + 1000);
    expect(await found('potassium')).toHaveLength(3);

    const run = await retention().run();

    expect(run).toEqual({ days: DAYS, removedBefore: T0 + 1000, messages: 1, attachments: 1, failure: null });
    // Exactly at the bound is not older than it: it stays, as does everything newer.
    expect(await ids()).toEqual([id(1000), id(1001)]);
    expect(await store.call('message.find', { id: id(999) })).toBeNull();
    expect((await found('potassium')).sort()).toEqual([id(1000), id(1001)]);
    expect(await found('bed 999')).toEqual([]);
    expect(await store.call('attachment.forMessages', { messageIds: [id(999)] })).toEqual([]);
    // Its file is let go for main to unlink (attachment-file-sweep.ts).
    expect(await store.call('attachment.discardedFiles', { limit: 10 })).toEqual(['ab'.repeat(16)]);
    // The receipt went with it: recording another for the removed message finds nothing.
    expect(
      await store.call('receipt.record', { messageId: id(999), userId: 'dr.okafor', kind: 'read', at: now }),
    ).toEqual({ conversationId: null });
    // The conversation stays, to list and to fetch its history again.
    expect(await store.call('conversation.get', { id: conversation.id })).not.toBeNull();
    expect(removedFrom).toEqual([[conversation.id]]);
  });

  it('records each run with the bound and counts only, never a message', async () => {
    await receive(1, { attachments: [attachmentRecord('blob-1')] });
    await receive(2);
    await retention().run();
    expect(events).toEqual([
      {
        action: 'vault.retention-applied',
        object: { kind: 'message-retention', days: DAYS, removedBefore: T0 + 1000, messages: 2, attachments: 1 },
        patient: null,
        outcome: 'success',
        reason: null,
      },
    ]);
    expect(JSON.stringify(events)).not.toMatch(/msg-|potassium|Quigley|conv-1/);
    // A run that finds nothing is recorded too: the trail shows the job ran.
    await retention().run();
    expect(events[1]).toMatchObject({ object: { messages: 0, attachments: 0 } });
  });

  it('keeps a message still in the outbox and one still waiting for an acknowledgement, whatever their age', async () => {
    await store.call('message.queueOutgoing', {
      conversation,
      message: {
        id: 'out-pending',
        senderId: 'nurse.adams',
        sentAt: T0 + 1,
        priority: 'routine',
        expiresAt: null,
        recipientCount: 1,
        body: 'not yet on the server',
      },
      envelope: new Uint8Array([9]),
    });
    await receive(2, { priority: 'stat', ackRequested: true });
    await receive(3, { priority: 'urgent', ackRequested: true });
    await store.call('acknowledgement.record', { messageId: id(3), userId: 'nurse.adams', reply: null, at: T0 + 5 });
    await receive(4);

    const run = await retention().run();

    expect(run?.messages).toBe(2);
    expect((await ids()).sort()).toEqual([id(2), 'out-pending'].sort());
    // Once the server has it, the next run takes it.
    await store.call('outbox.accepted', { id: 'out-pending' });
    await retention().run();
    expect(await ids()).toEqual([id(2)]);
  });

  it('deletes in bounded batches and counts them all in one record', async () => {
    for (let i = 0; i < 250; i += 1) await receive(i);
    await receive(5000);
    const run = await retention({ batchSize: 100 }).run();
    expect(run?.messages).toBe(250);
    expect(calls).toBe(3);
    expect(events).toHaveLength(1);
    expect(await ids()).toEqual([id(5000)]);
  });

  it('runs at start and then every 24 hours on the injected timer, and not after stop', async () => {
    await receive(1);
    await receive(2000);
    const job = retention();
    job.start();
    await job.run();
    expect(await ids()).toEqual([id(2000)]);
    expect(timers.map((t) => t.ms)).toEqual([RETENTION_EVERY_MS]);

    // A day later message 2000 is past the bound too.
    now += DAY_MS;
    timers[0]!.run();
    await job.run();
    expect(await ids()).toEqual([]);
    expect(timers.map((t) => t.ms)).toEqual([RETENTION_EVERY_MS, RETENTION_EVERY_MS]);

    await job.stop();
    expect(timers.at(-1)?.cancelled).toBe(true);
    await receive(3);
    expect(await job.run()).toBeNull();
    expect(await ids()).toEqual([id(3)]);
  });

  it('shares a run under way with whoever asks for one meanwhile: one pass, one record', async () => {
    for (let i = 0; i < 5; i += 1) await receive(i);
    const job = retention();
    const runs = await Promise.all(Array.from({ length: 20 }, () => job.run()));
    expect(new Set(runs).size).toBe(1);
    expect(runs[0]?.messages).toBe(5);
    expect(events).toHaveLength(1);
  });

  it('a lock stops a run between batches, and waits for it to be recorded before the vault closes', async () => {
    for (let i = 0; i < 10; i += 1) await receive(i);
    const job = retention({ batchSize: 2 });
    const running = job.run();
    await job.stop();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'success', object: { messages: 2 } });
    expect((await running)?.messages).toBe(2);
    expect(await ids()).toHaveLength(8);
  });

  it('with no bound in policy, removes nothing and schedules nothing', async () => {
    await receive(1);
    const job = retention({ days: null });
    job.start();
    expect(await job.run()).toBeNull();
    expect(await ids()).toEqual([id(1)]);
    expect(timers).toEqual([]);
    expect(events).toEqual([]);
  });

  it('records a run the vault stopped as a failure with its code, counting nothing it did not remove', async () => {
    await receive(1);
    await store.close();
    const run = await retention().run();
    expect(run).toMatchObject({ messages: 0, failure: 'STORE_CLOSED' });
    expect(events[0]).toMatchObject({ outcome: 'failure', reason: 'STORE_CLOSED', object: { messages: 0 } });
  });

  it('starts a first sync no further back than retention keeps', () => {
    expect(firstSyncSince(NOW, 30 * DAY_MS, null)).toBe(NOW - 30 * DAY_MS);
    expect(firstSyncSince(NOW, 30 * DAY_MS, 7)).toBe(NOW - 7 * DAY_MS);
    expect(firstSyncSince(NOW, DAY_MS, 7)).toBe(NOW - DAY_MS);
  });
});
