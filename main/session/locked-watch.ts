/**
 * While a session is locked its vault is closed, yet IT revoking it must still end it within
 * seconds, and new messages must still raise a name-free notice. The watch is a feed stream that
 * only looks: it resumes after the vault's stored cursor, stores nothing, and counts each new
 * envelope from someone else once.
 */
import type { Priority } from '../../shared/protocol/envelope';
import type { ServerEndpoint } from '../server-link/server-endpoint';
import { createFeedStream, type SessionEndReason } from '../server-link/feed-stream';

export interface LockedWatchDeps {
  readonly endpoint: ServerEndpoint;
  readonly token: () => string | null;
  /** The vault's feed cursor when it closed: events after it are seen, not stored. */
  readonly cursor: number;
  /** The locked clinician: their own envelopes (sent from elsewhere) are not news to them. */
  readonly userId: string;
  /** A new envelope from someone else; `arrivedSinceLock` counts each once. */
  readonly onIncoming: (arrivedSinceLock: number, priority: Priority) => void;
  readonly onSessionEnded: (reason: SessionEndReason) => void;
  /** IT has commands waiting for this workstation (a remote wipe must not wait for an unlock). */
  readonly onCommandsPending?: () => void;
}

export interface LockedWatch {
  stop(): Promise<void>;
}

export function startLockedWatch(deps: LockedWatchDeps): LockedWatch {
  const counted = new Set<string>();
  const stream = createFeedStream({
    endpoint: deps.endpoint,
    token: deps.token,
    cursor: () => Promise.resolve(deps.cursor),
    onEvent: (event) => {
      if (
        event.type === 'envelope' &&
        event.envelope.header.sender.userId !== deps.userId &&
        !counted.has(event.envelope.header.id)
      ) {
        counted.add(event.envelope.header.id);
        deps.onIncoming(counted.size, event.envelope.header.priority);
      }
      return Promise.resolve();
    },
    onState: () => undefined,
    onSessionEnded: deps.onSessionEnded,
    ...(deps.onCommandsPending ? { onCommandsPending: deps.onCommandsPending } : {}),
  });
  stream.start();
  return { stop: () => stream.stop() };
}
