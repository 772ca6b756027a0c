/**
 * Every open stream on this instance, by user and by session, and the notifications that drive
 * them: a user's feed changed (pump that user's streams), a session ended (tell its streams why
 * and close them), and IT queued a command for a workstation (tell every stream of a session on
 * it to fetch). Notifications come through the database, so a change made on
 * any instance reaches streams on all of them.
 *
 * Expiry is not announced by anyone: `checkSessions` looks at every stream's session in one
 * query per thousand (run on a timer and by the housekeeping sweep) and ends those whose token or
 * maximum age has run out.
 */
import { sessionStatuses } from '../accounts/session-store';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { DEVICE_COMMANDS_CHANNEL, FEED_CHANNEL, parseSessionEnded, SESSION_ENDED_CHANNEL } from '../events/channels';
import { devicesWithPendingCommands } from '../devices/device-command-store';
import { createFeedReread } from './feed-reread';
import type { StreamConnection } from './stream-connection';

export interface StreamRegistry {
  add(connection: StreamConnection): void;
  checkSessions(): Promise<void>;
  /** Closes every stream (server shutdown) and waits until they are closed, at most `timeoutMs`. */
  closeAll(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
  readonly size: number;
}

/** How often each stream is pinged; one missed answer and it is closed. */
const HEARTBEAT_INTERVAL_MS = 30_000;
/** Streams re-reading at once after a listener drop: under the pool of ten, so sends still get a connection. */
export const REREAD_CONCURRENCY = 4;

export async function startStreamRegistry(db: Database, clock: Clock): Promise<StreamRegistry> {
  const byUser = new Map<string, Set<StreamConnection>>();
  const all = new Set<StreamConnection>();

  const remove = (connection: StreamConnection) => {
    all.delete(connection);
    const set = byUser.get(connection.session.userId);
    set?.delete(connection);
    if (set?.size === 0) byUser.delete(connection.session.userId);
  };

  const reread = createFeedReread(() => all, REREAD_CONCURRENCY);
  const stopFeed = await db.listen(FEED_CHANNEL, (userId) => {
    // null: notifications may have been lost while the listener reconnected, so re-read all.
    if (userId === null) void reread.run();
    else for (const connection of byUser.get(userId) ?? []) void connection.feedChanged();
  });
  const stopSessions = await db.listen(SESSION_ENDED_CHANNEL, (payload) => {
    if (payload === null) {
      void checkSessions();
      return;
    }
    const ended = parseSessionEnded(payload);
    if (ended === null) return;
    for (const connection of all)
      if (connection.session.sessionId === ended.sessionId) connection.endSession(ended.reason);
  });

  const hintDevices = (deviceIds: ReadonlySet<string>) => {
    for (const connection of all) if (deviceIds.has(connection.session.deviceId)) connection.commandsPending();
  };
  const stopCommands = await db.listen(DEVICE_COMMANDS_CHANNEL, (deviceId) => {
    if (deviceId !== null) {
      hintDevices(new Set([deviceId]));
      return;
    }
    // Hints may have been lost: the connected workstations with commands waiting are told again.
    const connected = [...new Set([...all].map((connection) => connection.session.deviceId))];
    void devicesWithPendingCommands(db, connected).then(
      (pending) => hintDevices(new Set(pending)),
      () => undefined,
    );
  });

  const heartbeat = setInterval(() => {
    for (const connection of all) connection.heartbeat();
  }, HEARTBEAT_INTERVAL_MS);
  heartbeat.unref();

  async function checkSessions(): Promise<void> {
    const now = clock();
    const open = [...all];
    const statuses = await sessionStatuses(
      db,
      open.map((connection) => connection.session.sessionId),
      now,
    );
    for (const connection of open) {
      const status = statuses.get(connection.session.sessionId);
      if (status === undefined) connection.endSession('revoked');
      else if (status.state === 'expired') connection.endSession('expired');
      else if (status.state === 'ended') connection.endSession(status.endReason ?? 'revoked');
    }
  }

  return {
    add(connection) {
      all.add(connection);
      let set = byUser.get(connection.session.userId);
      if (!set) {
        set = new Set();
        byUser.set(connection.session.userId, set);
      }
      set.add(connection);
      void connection.closed.then(() => remove(connection));
    },
    checkSessions,
    async closeAll(timeoutMs) {
      const closing = [...all].map((connection) => {
        connection.shutdown();
        return connection.closed;
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(closing), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    },
    async stop() {
      clearInterval(heartbeat);
      await stopFeed();
      await stopSessions();
      await stopCommands();
    },
    get size() {
      return all.size;
    },
  };
}
