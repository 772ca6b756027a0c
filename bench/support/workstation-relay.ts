/**
 * The baseline client of the round-trip workstation (workstation-child.ts): the same client
 * modules as the core's minus the end-to-end encryption. See message-round-trip.bench.ts for
 * exactly what the baseline series includes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { createOutboxSender, type OutboxSender } from '../../main/messaging/outbox-sender';
import { createReceiptQueue, type ReceiptQueue } from '../../main/messaging/receipt-queue';
import { asArrived, createFeedStream, type FeedStream } from '../../main/server-link/feed-stream';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import { openStore, type StoreClient } from '../../main/store/store-client';
import type { Envelope } from '../../shared/protocol/envelope';
import type { FeedEvent } from '../../shared/protocol/feed';
import { emit, monoMs } from './child-rpc';
import { deriveAccountKeys, signInRaw, type BenchAccount, type RawClient } from './clients';

const FEED_CURSOR = 'feed.cursor';

/** What the coordinator's `setup` call gives a workstation, for both of its clients. */
export interface SetupParams {
  readonly role: 'sender' | 'recipient';
  readonly endpoint: ServerEndpoint;
  readonly dataDir: string;
  /** Signs in on the real core. */
  readonly real: BenchAccount;
  /** Signs in on the baseline relay client. */
  readonly baseline: BenchAccount;
  readonly text: string;
}

/**
 * The baseline client: a raw session, a SQLCipher store (same worker, same schema as a vault),
 * the client's real outbox sender and feed stream, and a feed handler that stores what arrives
 * without opening it.
 */
export interface Relay {
  readonly client: RawClient;
  readonly store: StoreClient;
  readonly stream: FeedStream;
  readonly outbox: OutboxSender;
  readonly receipts: ReceiptQueue;
  close(): Promise<void>;
}

export async function startRelay(setup: SetupParams): Promise<Relay> {
  const keys = await deriveAccountKeys(setup.endpoint, setup.baseline);
  const client = await signInRaw({
    endpoint: setup.endpoint,
    account: setup.baseline,
    keys,
    dataDir: setup.dataDir,
    identity: true,
  });
  keys.authKey.fill(0);
  keys.wrapKey.fill(0);
  const store = await openStore(
    path.join(mkdtempSync(path.join(setup.dataDir, 'relay-')), 'vault.db'),
    new Uint8Array(randomBytes(32)),
    { create: true },
  );
  const token = () => client.server.token();
  const receipts = createReceiptQueue({ api: client.api, token });
  const outbox = createOutboxSender({
    api: client.api,
    store,
    token,
    now: Date.now,
    onChanged: () => undefined,
    onUnreachable: () => undefined,
    onKeyMismatch: () => Promise.resolve('retry' as const),
  });
  const self = setup.baseline.userId;

  /** As the core's feed receiver, minus the pinned-key lookup and opening: the body stored is the known text, not decrypted. */
  async function onEnvelope(envelope: Envelope): Promise<void> {
    const header = envelope.header;
    if (header.expiresAt !== null && header.expiresAt <= Date.now()) return;
    const direction = header.sender.userId === self ? 'out' : 'in';
    const ids = [...new Set([...header.recipients, header.sender.userId])];
    const { inserted } = await store.call('message.receive', {
      conversation: {
        id: header.conversationId,
        kind: 'direct',
        title: null,
        roleAddressId: null,
        roleAddressName: null,
        createdAt: header.sentAt,
        patient: null,
        participants: ids.map((userId) => ({ userId, displayName: userId, role: null, department: null, title: null })),
      },
      message: {
        id: header.id,
        conversationId: header.conversationId,
        senderId: header.sender.userId,
        sentAt: header.sentAt,
        receivedAt: Date.now(),
        priority: header.priority,
        expiresAt: header.expiresAt,
        recipientCount: header.recipients.filter((id) => id !== header.sender.userId).length,
        envelope: new TextEncoder().encode(JSON.stringify(envelope)),
        body: setup.text,
        direction,
      },
    });
    if (direction === 'in') receipts.add(header.id, 'delivered');
    if (inserted && setup.role === 'recipient') emit('stored', { series: 'baseline', at: monoMs(), id: header.id });
  }

  async function onEvent(event: FeedEvent): Promise<void> {
    if (event.type === 'envelope') await onEnvelope(event.envelope);
    else if (event.type === 'receipt')
      await store.call('receipt.record', {
        messageId: event.messageId,
        userId: event.userId,
        kind: event.kind,
        at: event.at,
      });
    const current = Number((await store.call('setting.get', { key: FEED_CURSOR })) ?? '0');
    if (event.seq > current) await store.call('setting.set', { key: FEED_CURSOR, value: String(event.seq) });
  }

  let markOnline: () => void = () => undefined;
  const online = new Promise<void>((resolve) => (markOnline = resolve));
  const stream = createFeedStream({
    endpoint: setup.endpoint,
    token,
    cursor: async () => Number((await store.call('setting.get', { key: FEED_CURSOR })) ?? '0'),
    // The baseline stores one event at a time, as the core did before pages (feed-receiver.ts).
    prepare: asArrived,
    onEvents: async (events) => {
      for (const event of events) await onEvent(event);
    },
    onState: (state) => {
      if (state === 'online') {
        markOnline();
        void outbox.drainNow();
        void receipts.flush();
      }
    },
    onSessionEnded: () => undefined,
  });
  stream.start();
  await online;
  return {
    client,
    store,
    stream,
    outbox,
    receipts,
    async close() {
      await stream.stop();
      await client.close();
      await store.close();
    },
  };
}
