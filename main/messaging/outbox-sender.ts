/**
 * Drains the encrypted outbox, oldest first, one envelope at a time. The envelope was sealed
 * once when the clinician pressed Send and is resent byte for byte: its id is the server's
 * idempotency key, so a send that reached the server but whose answer was lost is stored once.
 * Transient failures wait with backoff; a final refusal marks the message failed. An envelope
 * sealed to a key its recipient no longer has is held (not failed) for the sender to review.
 */
import { envelope as envelopeSchema, type Envelope } from '../../shared/protocol/envelope';
import type { ApiClient } from '../server-link/api-client';
import { isTransient } from '../server-link/api-error-code';
import type { StoreClient } from '../store/store-client';

export interface OutboxSenderDeps {
  readonly api: ApiClient;
  readonly store: StoreClient;
  readonly token: () => string | null;
  readonly now: () => number;
  /** A message changed state (sent or failed): the conversation to refresh. */
  readonly onChanged: (conversationId: string) => void;
  /** The server could not be reached: the connection is probably down. */
  readonly onUnreachable: () => void;
  /**
   * The relay says a recipient's key is not the one sealed to: `held` once the new key is
   * recorded for review, `retry` if that could not be established now.
   */
  readonly onKeyMismatch: (envelope: Envelope) => Promise<'held' | 'retry'>;
}

export interface OutboxSender {
  /** Sends what is due now; resolves when the outbox is empty or everything left must wait. */
  drain(): Promise<void>;
  /** Sends everything at once, ignoring backoff (e.g. the connection just came back). */
  drainNow(): Promise<void>;
}

const BATCH = 50;
const backoffMs = (attempts: number) => Math.min(60_000, 1000 * 2 ** Math.min(attempts, 6));

export function createOutboxSender(deps: OutboxSenderDeps): OutboxSender {
  let running: Promise<void> | null = null;
  // An object, not a let: a drain requested while one runs flips it across an await.
  const requested = { again: false };
  const requestedAgain = () => requested.again;

  async function run(ignoreBackoff: boolean): Promise<void> {
    for (;;) {
      const due = (await deps.store.call('outbox.list', { limit: BATCH })).filter(
        (entry) => ignoreBackoff || entry.nextAttemptAt === null || entry.nextAttemptAt <= deps.now(),
      );
      if (due.length === 0) return;
      for (const entry of due) {
        const token = deps.token();
        if (token === null) return;
        let parsed: unknown;
        try {
          parsed = JSON.parse(Buffer.from(entry.envelope).toString('utf8'));
        } catch {
          parsed = null;
        }
        const checked = envelopeSchema.safeParse(parsed);
        if (!checked.success) {
          await deps.store.call('outbox.rejected', { id: entry.id });
          deps.onChanged(entry.conversationId);
          continue;
        }
        const result = await deps.api.call('send', { envelope: checked.data }, token);
        const mismatch =
          !result.ok && result.error.code === 'RECIPIENT_KEY_MISMATCH' ? await deps.onKeyMismatch(checked.data) : null;
        if (result.ok) {
          await deps.store.call('outbox.accepted', { id: entry.id });
          deps.onChanged(entry.conversationId);
        } else if (mismatch === 'held') {
          await deps.store.call('outbox.hold', { id: entry.id });
          deps.onChanged(entry.conversationId);
        } else if (mismatch === 'retry' || isTransient(result.error.code)) {
          await deps.store.call('outbox.retryLater', {
            id: entry.id,
            errorCode: result.error.code,
            nextAttemptAt: deps.now() + backoffMs(entry.attempts),
          });
          if (result.error.code === 'UNREACHABLE' || result.error.code === 'UNAVAILABLE') deps.onUnreachable();
          // Order matters to the reader: nothing later is sent while an earlier one waits.
          return;
        } else {
          await deps.store.call('outbox.rejected', { id: entry.id });
          deps.onChanged(entry.conversationId);
        }
      }
      ignoreBackoff = false;
    }
  }

  function start(ignoreBackoff: boolean): Promise<void> {
    if (running) {
      requested.again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          requested.again = false;
          await run(ignoreBackoff);
        } while (requestedAgain());
      } finally {
        running = null;
      }
    })();
    return running;
  }

  return { drain: () => start(false), drainNow: () => start(true) };
}
