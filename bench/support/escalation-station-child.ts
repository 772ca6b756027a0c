/**
 * Child process: one workstation of the escalation-latency bench, a real main-process core
 * (`createAppCore`, driven through its IPC router as the renderer drives it) in a process of its
 * own, as on its own machine.
 *
 * The sender sends STAT messages to role addresses (the core routes them by the directory's
 * on-call schedule and signs the escalation plan) and plain messages, answering each with the
 * time it started (CLOCK_MONOTONIC). An escalated backup posts a `held` event each time its
 * vault has stored a new message: the core's `conversations.changed` emitted synchronously after
 * the store, named by the `thread.changed` emitted just before it in the same turn (the feed
 * receiver calls the two back to back; an escalation record or a receipt fires
 * `thread.changed` alone).
 */
import type { AppCore } from '../../main/core/app-core';
import type { ChannelName, RequestOf } from '../../shared/ipc/contract';
import type { BenchAccount } from './clients';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import { createBenchCore, dispatch as dispatchTo, signIn } from './bench-core';
import { emit, monoMs, serveChild } from './child-rpc';
import { drain, traceFramesReceived, type FrameStamp } from './trace';

const frames: FrameStamp[] = [];
traceFramesReceived(frames);

let core: AppCore | null = null;
let text = '';

async function dispatch<C extends ChannelName>(channel: C, payload: RequestOf<C>) {
  if (core === null) throw new Error('not set up');
  return dispatchTo(core, channel, payload);
}

interface Sent {
  readonly t0: number;
  readonly messageId: string;
  readonly conversationId: string;
}

serveChild(
  {
    async setup(params: { endpoint: ServerEndpoint; dataDir: string; account: BenchAccount; text: string }) {
      text = params.text;
      core = createBenchCore(params.dataDir, params.endpoint);
      let thread: string | null = null;
      core.onEvent((name, payload) => {
        if (name === 'thread.changed') {
          thread = (payload as { conversationId: string }).conversationId;
          // Only a `conversations.changed` in the same turn belongs to it.
          queueMicrotask(() => (thread = null));
        } else if (name === 'conversations.changed' && thread !== null) {
          emit('held', { conversationId: thread, at: monoMs() });
          thread = null;
        }
      });
      await signIn(core, params.account);
      return null;
    },

    /** Sender: the directory search a clinician makes before writing to a role; answers who is on call. */
    async findRole(args: { addressId: string }) {
      const found = (await dispatch('directory.search', { query: args.addressId })) as {
        entries: { kind: string; addressId?: string; onCall?: { userId: string; backupUserId: string | null }[] }[];
      };
      const role = found.entries.find((entry) => entry.kind === 'role' && entry.addressId === args.addressId);
      return role?.onCall ?? null;
    },

    /** Sender: a STAT message to the role address, as from the composer. */
    async sendStat(args: { addressId: string }): Promise<Sent> {
      const t0 = monoMs();
      const sent = (await dispatch('message.send', {
        to: [{ kind: 'role', addressId: args.addressId }],
        title: null,
        text,
        priority: 'stat',
        expiresInSeconds: null,
      })) as { conversationId: string; messageId: string; notReached: string[] };
      if (sent.notReached.length > 0) throw new Error('a role member could not be reached');
      return { t0, messageId: sent.messageId, conversationId: sent.conversationId };
    },

    /** Sender: a routine message opening a direct conversation (not measured). */
    async openDirect(args: { to: string }): Promise<Sent> {
      const t0 = monoMs();
      const sent = (await dispatch('message.send', {
        to: [{ kind: 'user', userId: args.to }],
        title: null,
        text,
        priority: 'routine',
        expiresInSeconds: null,
      })) as { conversationId: string; messageId: string };
      return { t0, ...sent };
    },

    /** Sender: a routine message in that conversation: the baseline. */
    async sendDirect(args: { conversationId: string }): Promise<Sent> {
      const t0 = monoMs();
      const sent = (await dispatch('message.send', {
        conversationId: args.conversationId,
        text,
        priority: 'routine',
        expiresInSeconds: null,
      })) as { messageId: string };
      return { t0, messageId: sent.messageId, conversationId: args.conversationId };
    },

    /** Messages this vault holds from others (every conversation's unread count: nobody reads here). */
    async incoming() {
      const list = (await dispatch('conversations.list', { offset: 0, limit: 500 })) as {
        items: { unreadCount: number }[];
      };
      return list.items.reduce((sum, item) => sum + item.unreadCount, 0);
    },

    cpuUsage: () => process.cpuUsage(),
    frames: (): FrameStamp[] => drain(frames),
  },
  async () => {
    await core?.close();
  },
);
