/**
 * One clinician's unread badge and new-message notices. `unseen` counts messages since they last
 * used the window (it words the notice: "3 new secure messages"); the badge is the vault's unread
 * count, recounted at most a few times a second while unlocked, and while locked (the vault is
 * closed) the last count plus what the watch has seen arrive. Whether a message raises a notice
 * at all is `heldBack`'s to say (main/notifications/do-not-disturb.ts); it still counts.
 */
import type { NotificationContent } from '../../shared/policy/policy-schema';
import type { Priority } from '../../shared/protocol/envelope';
import { awaitingNoticeFor, noticeFor, type Notice } from '../notifications/notification-content';

export interface BadgeCounterDeps {
  readonly content: NotificationContent;
  readonly notify: (notice: Notice) => void;
  readonly badge: (unread: number) => void;
  /** The vault's unread count, or null when this clinician's vault is not open to count it. */
  readonly unreadCount: () => Promise<number> | null;
  /** True when a message of this priority raises no notice now (the clinician's Do not disturb). */
  readonly heldBack?: (priority: Priority) => boolean;
}

export interface BadgeCounter {
  /** A message arrived while unlocked: a notice, naming the sender if policy allows. */
  incoming(senderName: string | null, priority: Priority): void;
  /** A message arrived while locked (`arrivedSinceLock` in all): a name-free notice, and the badge. */
  incomingWhileLocked(arrivedSinceLock: number, priority: Priority): void;
  /** A STAT message was re-alerted and `count` incoming messages wait for acknowledgement: a notice that says only that. */
  awaitingAcknowledgement(count: number): void;
  /** The clinician is looking at the window: later notices count from here. */
  seen(): void;
  /** Recounts the unread messages for the badge, at most once per quarter second. */
  refresh(): void;
}

const RECOUNT_MS = 250;

export function createBadgeCounter(deps: BadgeCounterDeps): BadgeCounter {
  let unseen = 0;
  let lastCount = 0;
  let recount: NodeJS.Timeout | null = null;

  return {
    incoming(senderName, priority) {
      unseen += 1;
      if (deps.heldBack?.(priority) === true) return;
      deps.notify(noticeFor({ content: deps.content, locked: false, unseen, senderName }));
    },

    incomingWhileLocked(arrivedSinceLock, priority) {
      unseen += 1;
      if (deps.heldBack?.(priority) !== true)
        deps.notify(noticeFor({ content: deps.content, locked: true, unseen, senderName: null }));
      deps.badge(lastCount + arrivedSinceLock);
    },

    awaitingAcknowledgement(count) {
      deps.notify(awaitingNoticeFor(count));
    },

    seen() {
      unseen = 0;
    },

    refresh() {
      if (recount !== null) return;
      recount = setTimeout(() => {
        recount = null;
        void deps
          .unreadCount()
          ?.then((unread) => {
            lastCount = unread;
            deps.badge(unread);
          })
          .catch(() => undefined);
      }, RECOUNT_MS);
      recount.unref();
    },
  };
}
