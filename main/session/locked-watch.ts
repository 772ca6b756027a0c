/**
 * While a session is locked its vault is closed, yet IT revoking it must still end it within
 * seconds, and new messages must still raise a name-free notice. The watch is a feed stream that
 * only looks: it resumes after the vault's stored cursor, stores nothing, and counts each new
 * envelope from someone else once.
 *
 * A STAT message waiting for this clinician keeps re-alerting while the screen is locked (the
 * moment it matters most): the watch keeps the ids of what waits (handed over at lock, plus
 * urgent and STAT messages that arrive meanwhile), drops one when anyone acknowledges it or it
 * is recalled, and a re-alert of one still kept raises the count-only notice.
 */
import type { Priority } from '../../shared/protocol/envelope';
import type { FeedEvent } from '../../shared/protocol/feed';
import type { ServerEndpoint } from '../server-link/server-endpoint';
import { asArrived, createFeedStream, type SessionEndReason } from '../server-link/feed-stream';

export interface LockedWatchDeps {
  readonly endpoint: ServerEndpoint;
  readonly token: () => string | null;
  /** The vault's feed cursor when it closed: events after it are seen, not stored. */
  readonly cursor: number;
  /** Incoming messages that waited for this clinician's acknowledgement when the vault closed. */
  readonly awaiting: readonly string[];
  /** The locked clinician: their own envelopes (sent from elsewhere) are not news to them. */
  readonly userId: string;
  /** A new envelope from someone else; `arrivedSinceLock` counts each once. */
  readonly onIncoming: (arrivedSinceLock: number, priority: Priority) => void;
  /** A message still waiting for acknowledgement was re-alerted; `count` wait in all. */
  readonly onAwaitingAcknowledgement: (count: number) => void;
  readonly onSessionEnded: (reason: SessionEndReason) => void;
  /** IT has commands waiting for this workstation (a remote wipe must not wait for an unlock). */
  readonly onCommandsPending?: () => void;
}

export interface LockedWatch {
  stop(): Promise<void>;
}

export function startLockedWatch(deps: LockedWatchDeps): LockedWatch {
  const counted = new Set<string>();
  const awaiting = new Set(deps.awaiting);
  const seen = (event: FeedEvent) => {
    if (
      event.type === 'envelope' &&
      event.envelope.header.sender.userId !== deps.userId &&
      !counted.has(event.envelope.header.id)
    ) {
      const { id, priority } = event.envelope.header;
      counted.add(id);
      // A routine message may ask too, but only inside its sealed body: unknown here, and never re-alerted.
      if (priority !== 'routine') awaiting.add(id);
      deps.onIncoming(counted.size, priority);
    } else if (event.type === 'acknowledgement' || event.type === 'recall') {
      awaiting.delete(event.messageId);
    } else if (event.type === 'escalation' && event.step === null && awaiting.has(event.messageId)) {
      deps.onAwaitingAcknowledgement(awaiting.size);
    }
  };
  const stream = createFeedStream({
    endpoint: deps.endpoint,
    token: deps.token,
    cursor: () => Promise.resolve(deps.cursor),
    prepare: asArrived,
    onEvents: (events) => {
      events.forEach(seen);
      return Promise.resolve();
    },
    onState: () => undefined,
    onSessionEnded: deps.onSessionEnded,
    ...(deps.onCommandsPending ? { onCommandsPending: deps.onCommandsPending } : {}),
  });
  stream.start();
  return { stop: () => stream.stop() };
}
