/**
 * Delivery and read receipts waiting to reach the server. Batched (a thread opened with forty
 * unread messages is one request), kept in memory until the server accepts them, and retried
 * when the connection returns.
 */
import type { ApiClient } from '../server-link/api-client';

export interface ReceiptQueue {
  add(messageId: string, kind: 'delivered' | 'read'): void;
  flush(): Promise<void>;
}

const MAX_BATCH = 500;

export function createReceiptQueue(deps: { api: ApiClient; token: () => string | null }): ReceiptQueue {
  // Keyed by message and kind, so a receipt queued twice is sent once.
  const waiting = new Map<string, { messageId: string; kind: 'delivered' | 'read' }>();
  let flushing: Promise<void> | null = null;
  let scheduled = false;

  async function send(): Promise<void> {
    while (waiting.size > 0) {
      const token = deps.token();
      if (token === null) return;
      const batch = [...waiting.entries()].slice(0, MAX_BATCH);
      const result = await deps.api.call('receipts', { receipts: batch.map(([, receipt]) => receipt) }, token);
      if (!result.ok) {
        // Refused for good (e.g. the message was recalled meanwhile): drop; unreachable: keep for later.
        if (
          result.error.code === 'UNREACHABLE' ||
          result.error.code === 'UNAVAILABLE' ||
          result.error.code === 'UNAUTHENTICATED'
        )
          return;
      }
      for (const [key] of batch) waiting.delete(key);
    }
  }

  const queue: ReceiptQueue = {
    add(messageId, kind) {
      waiting.set(`${kind}:${messageId}`, { messageId, kind });
      if (scheduled) return;
      scheduled = true;
      // One tick later, so receipts for a burst of messages go together.
      setImmediate(() => {
        scheduled = false;
        // flush never rejects: the API client answers failures as values.
        void queue.flush();
      });
    },
    flush() {
      flushing ??= send().finally(() => {
        flushing = null;
      });
      return flushing;
    },
  };
  return queue;
}
