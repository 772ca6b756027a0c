/**
 * Child process: one workstation of the round-trip bench. It holds two clients of the same
 * server, side by side, so both series see the same process, the same cores and the same load:
 *
 * - the real main-process core (`createAppCore`, driven through its IPC router as the renderer
 *   drives it): seals and sends (sender) or verifies, opens and stores (recipient);
 * - the baseline "relay" client (workstation-relay.ts): the same client modules minus the
 *   end-to-end encryption. Its envelopes were sealed before any clock started, and what it
 *   receives is stored unopened. See message-round-trip.bench.ts for exactly what each series
 *   includes.
 *
 * Role `sender` answers `sendEncrypted` / `sendBaseline` with the time it started (CLOCK_MONOTONIC);
 * role `recipient` posts a `stored` event with the time each message was stored in its vault.
 */
import { randomUUID } from 'node:crypto';
import type { AppCore } from '../../main/core/app-core';
import { openEnvelope } from '../../shared/node/crypto/envelope-open';
import { sealEnvelope } from '../../main/crypto/envelope-seal';
import type { ConversationRecord, ParticipantRecord } from '../../main/store/ops/conversation-ops';
import type { ChannelName, RequestOf } from '../../shared/ipc/contract';
import type { Envelope, EnvelopeHeader, MessageBody } from '../../shared/protocol/envelope';
import { createBenchCore, dispatch as dispatchTo, signIn } from './bench-core';
import { emit, monoMs, serveChild } from './child-rpc';
import { upperMedian } from './stats';
import { drain, traceFramesReceived, traceHttpClient, type Trace } from './trace';
import { startRelay, type Relay, type SetupParams } from './workstation-relay';

const trace: Trace = { http: [], frames: [] };
traceHttpClient(trace.http);
traceFramesReceived(trace.frames);

let core: AppCore | null = null;
let relay: Relay | null = null;
let params: SetupParams | null = null;

async function dispatch<C extends ChannelName>(channel: C, payload: RequestOf<C>) {
  if (core === null) throw new Error('not set up');
  return dispatchTo(core, channel, payload);
}

async function signInCore(setup: SetupParams): Promise<void> {
  core = createBenchCore(setup.dataDir, setup.endpoint);
  core.onEvent((name) => {
    // `conversations.changed`, not `thread.changed`: the latter also fires when this workstation's
    // own delivery receipt comes back on its feed, the former only when a message was stored.
    if (name === 'conversations.changed' && setup.role === 'recipient')
      emit('stored', { series: 'encrypted', at: monoMs() });
  });
  await signIn(core, setup.real);
}

// ---- sender state --------------------------------------------------------------------------

let conversationId = '';
let baselineConversation: ConversationRecord | null = null;
let baselineRecipientKey = '';
const pool: Envelope[] = [];

function body(participants: readonly string[], text: string): MessageBody {
  return {
    kind: 'text',
    text,
    conversation: { kind: 'direct', title: null, participants: [...participants], roleAddress: null },
  };
}

/** Seals a baseline envelope exactly as the core would (same text, same two key recipients). */
async function sealBaseline(to: string): Promise<Envelope> {
  if (relay?.client.identity == null || params === null || baselineConversation === null)
    throw new Error('relay not ready');
  const identity = relay.client.identity;
  const self = relay.client.userId;
  const header: EnvelopeHeader = {
    v: 1,
    id: randomUUID(),
    conversationId: baselineConversation.id,
    sender: { userId: self, deviceId: relay.client.deviceId },
    recipients: [to],
    sentAt: Date.now(),
    expiresAt: null,
    priority: 'routine',
  };
  return sealEnvelope({
    header,
    body: body([self, to], params.text),
    recipientKeys: [
      { recipient: to, encryptionKey: baselineRecipientKey },
      { recipient: self, encryptionKey: Buffer.from(identity.encryption.publicKey).toString('base64') },
    ],
    signingKey: identity.signing.privateKey,
  });
}

async function queueBaseline(envelope: Envelope, conversation: ConversationRecord): Promise<void> {
  if (relay === null) throw new Error('relay not ready');
  const header = envelope.header;
  await relay.store.call('message.queueOutgoing', {
    conversation,
    message: {
      id: header.id,
      senderId: header.sender.userId,
      sentAt: header.sentAt,
      priority: header.priority,
      expiresAt: header.expiresAt,
      recipientCount: 1,
      body: params?.text ?? '',
    },
    envelope: new TextEncoder().encode(JSON.stringify(envelope)),
  });
  void relay.outbox.drain();
}

serveChild(
  {
    async setup(setup: SetupParams) {
      params = setup;
      await signInCore(setup);
      relay = await startRelay(setup);
      return { baselineUserId: relay.client.userId };
    },

    /** Sender: the first message of each series opens its conversation (not measured). */
    async openConversations(args: { realTo: string; baselineTo: string }) {
      const sent = (await dispatch('message.send', {
        to: [{ kind: 'user', userId: args.realTo }],
        title: null,
        text: params?.text ?? '',
        priority: 'routine',
        expiresInSeconds: null,
      })) as { conversationId: string; messageId: string };
      conversationId = sent.conversationId;

      if (relay === null) throw new Error('relay not ready');
      const keys = await relay.client.api.call(
        'lookupKeys',
        { userIds: [args.baselineTo] },
        relay.client.server.token(),
      );
      const found = keys.ok ? keys.value.users[0]?.publicKeys : null;
      if (!found) throw new Error('baseline recipient has no keys');
      baselineRecipientKey = found.encryption;
      const participant = (userId: string): ParticipantRecord => ({
        userId,
        displayName: userId,
        role: null,
        department: null,
        title: null,
      });
      baselineConversation = {
        id: randomUUID(),
        kind: 'direct',
        title: null,
        roleAddressId: null,
        roleAddressName: null,
        patient: null,
        createdAt: Date.now(),
        participants: [participant(relay.client.userId), participant(args.baselineTo)],
      };
      const first = await sealBaseline(args.baselineTo);
      await queueBaseline(first, baselineConversation);
      return {
        conversationId,
        realMessageId: sent.messageId,
        baselineMessageId: first.header.id,
        envelopeBytes: JSON.stringify(first).length,
      };
    },

    /** Sender: seals baseline envelopes now, before any clock runs. */
    async preseal(args: { to: string; count: number }) {
      for (let i = 0; i < args.count; i += 1) pool.push(await sealBaseline(args.to));
      return pool.length;
    },

    /** Sender: the clinician presses Send; answers when main has taken the message (sealed and queued). */
    async sendEncrypted() {
      const t0 = monoMs();
      const sent = (await dispatch('message.send', {
        conversationId,
        text: params?.text ?? '',
        priority: 'routine',
        expiresInSeconds: null,
      })) as {
        messageId: string;
      };
      return { t0, id: sent.messageId, returned: monoMs() };
    },

    /** Sender: the same steps without sealing: the conversation looked up, a pre-sealed envelope queued and sent. */
    async sendBaseline() {
      if (relay === null || baselineConversation === null) throw new Error('relay not ready');
      const t0 = monoMs();
      const conversation = await relay.store.call('conversation.get', { id: baselineConversation.id });
      const envelope = pool.shift();
      if (conversation === null || envelope === undefined)
        throw new Error('baseline pool empty or conversation missing');
      await queueBaseline(envelope, conversation);
      return { t0, id: envelope.header.id, returned: monoMs() };
    },

    /** Seal and open of one message, on their own (no I/O), for the breakdown. */
    async cryptoTimings(args: { rounds: number }) {
      if (relay?.client.identity == null || params === null) throw new Error('relay not ready');
      const identity = relay.client.identity;
      const self = relay.client.userId;
      const seals: number[] = [];
      const opens: number[] = [];
      const reader = { recipient: self, encryption: identity.encryption };
      const signing = Buffer.from(identity.signing.publicKey).toString('base64');
      const encryption = Buffer.from(identity.encryption.publicKey).toString('base64');
      for (let i = 0; i < args.rounds; i += 1) {
        const header: EnvelopeHeader = {
          v: 1,
          id: randomUUID(),
          conversationId: randomUUID(),
          sender: { userId: self, deviceId: relay.client.deviceId },
          recipients: [self],
          sentAt: Date.now(),
          expiresAt: null,
          priority: 'routine',
        };
        let started = monoMs();
        const sealed = await sealEnvelope({
          header,
          body: body([self], params.text),
          recipientKeys: [
            { recipient: self, encryptionKey: encryption },
            { recipient: 'archive:bench', encryptionKey: encryption },
          ],
          signingKey: identity.signing.privateKey,
        });
        seals.push(monoMs() - started);
        started = monoMs();
        const opened = await openEnvelope(sealed, reader, signing);
        opens.push(monoMs() - started);
        if (!opened.ok) throw new Error(opened.error);
      }
      return { sealMs: upperMedian(seals.slice(args.rounds / 4)), openMs: upperMedian(opens.slice(args.rounds / 4)) };
    },

    /** Recipient: how many messages each client has stored. */
    async counts() {
      if (relay === null) throw new Error('relay not ready');
      const list = (await dispatch('conversations.list', { offset: 0, limit: 10 })) as {
        items: { unreadCount: number }[];
      };
      const relayList = await relay.store.call('conversation.page', {
        selfId: relay.client.userId,
        offset: 0,
        limit: 10,
      });
      return {
        encrypted: list.items.reduce((sum, item) => sum + item.unreadCount, 0),
        baseline: relayList.rows.reduce((sum, row) => sum + row.unreadCount, 0),
      };
    },

    cpuUsage: () => process.cpuUsage(),
    trace: (): Trace => ({ http: drain(trace.http), frames: drain(trace.frames) }),
  },
  async () => {
    await relay?.close();
    await core?.close();
  },
);
