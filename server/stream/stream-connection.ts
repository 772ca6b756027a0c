/**
 * One open `/v1/stream` socket. After `resume`, it sends every feed event after the client's
 * cursor, then `ready`, then new events as notifications arrive. Delivery is always "read the
 * feed after my cursor": catch-up and live pushes are the same code, so nothing is sent twice
 * or skipped, whichever instance accepted the message.
 */
import type { WebSocket } from '@fastify/websocket';
import type { ServerFrame } from '../../shared/protocol/stream';
import type { AuthenticatedSession } from '../accounts/session-store';
import type { Clock } from '../clock';
import type { Queryable } from '../db/database';
import type { SessionEndReason } from '../events/channels';
import { feedCursorBefore, feedHead, readFeed } from '../relay/feed-store';
import { frameBytes, parseClientFrame } from './client-frames';

const PAGE_SIZE = 200;
/** Close code for "the session ended" (a private-use code; the frame before it says why). */
export const SESSION_ENDED_CLOSE_CODE = 4401;
export const SHUTDOWN_CLOSE_CODE = 1001;

export interface StreamConnection {
  readonly session: AuthenticatedSession;
  /**
   * Something was appended to this user's feed (or may have been: re-read either way). Resolves
   * when the read it started ends (at once when a read under way will pick the change up).
   */
  feedChanged(): Promise<void>;
  endSession(reason: SessionEndReason): void;
  /** IT queued a command for this session's workstation: tell it to fetch (a hint, no content). */
  commandsPending(): void;
  /** Pings the client; a client that did not answer the previous ping is cut off. */
  heartbeat(): void;
  shutdown(): void;
  readonly closed: Promise<void>;
}

export interface StreamConnectionDeps {
  readonly db: Queryable;
  readonly clock: Clock;
  readonly onRefusedFrame: () => void;
}

export function openStreamConnection(
  socket: WebSocket,
  session: AuthenticatedSession,
  deps: StreamConnectionDeps,
): StreamConnection {
  let cursor: number | null = null;
  /** A first sync's window start, turned into a cursor by the pump. */
  let since: number | null = null;
  /** Bumped by every `resume`: a page read for an older resume is dropped, not sent. */
  let generation = 0;
  let readyOwed = false;
  /** A resume's first page is still to be read: if more follow, the client is told how far they run. */
  let backlogOwed = false;
  let pumping = false;
  let dirty = false;
  let ended = false;
  let answeredPing = true;
  // A function, not an inline comparison: `generation` changes in other callbacks during awaits.
  const superseded = (started: number) => started !== generation;
  const notifiedSince = () => dirty;

  const send = (frame: ServerFrame) =>
    new Promise<void>((resolve) => {
      if (socket.readyState !== socket.OPEN) {
        resolve();
        return;
      }
      socket.send(JSON.stringify(frame), () => resolve());
    });

  async function pump(): Promise<void> {
    if (pumping) {
      dirty = true;
      return;
    }
    pumping = true;
    try {
      while (!ended && cursor !== null) {
        dirty = false;
        const started = generation;
        if (since !== null) {
          const start = since;
          since = null;
          const from = await feedCursorBefore(deps.db, session.userId, start);
          if (superseded(started)) continue;
          cursor = from;
        }
        const page = await readFeed(deps.db, session.userId, cursor, PAGE_SIZE, deps.clock());
        if (superseded(started)) continue;
        if (backlogOwed) {
          backlogOwed = false;
          if (page.more) {
            const through = await feedHead(deps.db, session.userId);
            if (superseded(started)) continue;
            await send({ type: 'backlog', through });
          }
        }
        for (const event of page.events) {
          if (superseded(started)) break;
          await send({ type: 'event', event });
        }
        if (superseded(started)) continue;
        cursor = page.cursor;
        if (page.more || notifiedSince()) continue;
        if (readyOwed) {
          readyOwed = false;
          await send({ type: 'ready', cursor });
        }
        if (!notifiedSince()) break;
      }
    } catch {
      // The database is unreachable: the client reconnects and resumes from its own cursor.
      socket.close(1011);
    } finally {
      pumping = false;
    }
  }

  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  void closed.then(() => {
    ended = true;
  });

  socket.on('pong', () => {
    answeredPing = true;
  });

  // A workstation that connects while a wipe waits for it learns of it at once.
  if (session.commandsPending) void send({ type: 'commands-pending' });

  socket.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
    const frame = parseClientFrame(frameBytes(data), isBinary);
    if (frame === null) {
      deps.onRefusedFrame();
      void send({ type: 'error', code: 'MALFORMED_FRAME' });
      return;
    }
    generation += 1;
    cursor = frame.after;
    since = frame.after === 0 && frame.since !== undefined ? frame.since : null;
    readyOwed = true;
    backlogOwed = true;
    void pump();
  });

  return {
    session,
    closed,
    feedChanged: pump,
    commandsPending() {
      if (!ended) void send({ type: 'commands-pending' });
    },
    endSession(reason) {
      if (ended) return;
      ended = true;
      void send({ type: 'session-ended', reason }).then(() => socket.close(SESSION_ENDED_CLOSE_CODE));
    },
    heartbeat() {
      // A workstation that vanished without closing (cable pulled, suspended) holds no stream for long.
      if (!answeredPing) {
        socket.terminate();
        return;
      }
      answeredPing = false;
      socket.ping();
    },
    shutdown() {
      ended = true;
      socket.close(SHUTDOWN_CLOSE_CODE);
    },
  };
}
