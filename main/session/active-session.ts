/**
 * A signed-in clinician, locked or not: what the session holds for them from sign-in to logoff.
 * Every part is owned by its own module; this is the one record that ties them together, and
 * all of it is dropped at logoff.
 */
import type { Role } from '../../shared/access/permission-matrix';
import type { Session } from '../../shared/protocol/api';
import type { OwnAvailability } from '../messaging/availability';
import type { BadgeCounter } from './badge-counter';
import type { LockedWatch } from './locked-watch';
import type { ServerSession } from './server-session';
import type { SessionPin } from './session-pin';
import type { UnlockMaterial } from './sign-in-flow';
import type { UnlockedScope } from './unlocked-scope';

export interface Account {
  readonly userId: string;
  readonly displayName: string;
  readonly role: Role;
}

export interface ActiveSession {
  readonly account: Account;
  /** The server's session as sign-in returned it: whom messaging acts as, and its longest life. */
  readonly signedIn: Session;
  /** This workstation's device, as the sign-in proved it. */
  readonly deviceId: string;
  readonly server: ServerSession;
  /** What unlocking needs again, without the server: nothing here opens anything by itself. */
  readonly unlock: Omit<UnlockMaterial, 'wrapKey'>;
  readonly pin: SessionPin;
  readonly badge: BadgeCounter;
  /** The clinician's own availability as last known: Do not disturb holds back notices, locked or not. */
  readonly availability: OwnAvailability;
  /** Only while unlocked: every secret a lock clears (unlocked-scope.ts). */
  scope: UnlockedScope | null;
  /** Only while locked: the stream that watches for revocation and new messages, storing nothing. */
  watch: LockedWatch | null;
}
