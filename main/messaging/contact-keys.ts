/**
 * Contacts' identity keys as this clinician has pinned them. The first key seen for a contact is
 * pinned (trust on first use); a different key in the directory later is held as pending and
 * shown as a warning, and nothing is sealed to that contact until the clinician accepts it. The
 * fingerprint is computed here from the keys themselves, never taken from the server.
 */
import { receivesMessages } from '../../shared/access/permission-matrix';
import type { DirectoryUser, UserKeys } from '../../shared/protocol/api';
import { fingerprintOf } from '../crypto/identity-keys';
import type { ApiClient, ApiError } from '../server-link/api-client';
import type { ContactKeyRecord } from '../store/ops/contact-key-ops';
import type { StoreClient } from '../store/store-client';
import { err, ok, type Result } from '../../shared/result';

/** `user` is null when the directory could not be asked (offline): the pinned key is used alone. */
interface SendingKey {
  readonly user: DirectoryUser | null;
  readonly encryptionKey: string;
}

/** Why not every recipient's key can be used: the recipients it is about, or the directory's error. */
type KeysRefusal =
  | {
      readonly code: 'KEY_CHANGED' | 'RECIPIENT_UNAVAILABLE' | 'RECIPIENT_NOT_PERMITTED';
      readonly userIds: readonly string[];
    }
  | { readonly code: 'API'; readonly api: ApiError };

/** Each recipient's key by user id, or why not. */
export type KeysForSending = Result<ReadonlyMap<string, SendingKey>, KeysRefusal>;

export interface ContactKeys {
  /**
   * Pinned encryption keys of every recipient, or why not all can be used. Keys pinned and not
   * in doubt are used without asking the directory (the relay refuses an envelope sealed to a
   * key its recipient no longer has, which `refresh` then turns into a warning); the directory
   * is asked for anyone not yet pinned, and for details when `details` is set and not cached.
   */
  keysForSending(userIds: readonly string[], options?: { readonly details: boolean }): Promise<KeysForSending>;
  /** Asks the directory again; the users whose key now differs from the pin (held as pending). */
  refresh(userIds: readonly string[]): Promise<Result<readonly string[], ApiError>>;
  /** The pinned signing key of a sender, pinning it first if this is the first message from them. */
  signingKeyFor(userId: string): Promise<{ readonly pinned: string; readonly pending: string | null } | null>;
  /** Directory details (cached for the session) of users, e.g. participants of an incoming conversation. */
  describe(userIds: readonly string[]): Promise<ReadonlyMap<string, DirectoryUser>>;
  accept(userId: string): Promise<boolean>;
  hasPendingChange(userId: string): Promise<boolean>;
}

export interface ContactKeysDeps {
  readonly api: ApiClient;
  readonly store: StoreClient;
  readonly token: () => string | null;
  readonly now: () => number;
}

export function createContactKeys(deps: ContactKeysDeps): ContactKeys {
  const directory = new Map<string, DirectoryUser>();
  /**
   * Pins as read from the vault, kept for the session: every send and every incoming message
   * needs one, and only this module writes them (each write drops the cached entry).
   */
  const pins = new Map<string, ContactKeyRecord | null>();
  const writes = { count: 0 };
  async function pinOf(userId: string): Promise<ContactKeyRecord | null> {
    const cached = pins.get(userId);
    if (cached !== undefined) return cached;
    const before = writes.count;
    const read = await deps.store.call('contactKey.get', { userId });
    // A write that landed while this read was in flight may have made it stale: not cached.
    if (writes.count === before) pins.set(userId, read);
    return read;
  }
  /** Called before and after each write, so no read overlapping it is cached. */
  const forget = (userId: string) => {
    writes.count += 1;
    pins.delete(userId);
  };

  async function lookup(userIds: readonly string[]): Promise<Result<Map<string, UserKeys>, ApiError>> {
    const result = await deps.api.call('lookupKeys', { userIds: [...new Set(userIds)] }, deps.token());
    if (!result.ok) return result;
    const users = new Map<string, UserKeys>();
    for (const entry of result.value.users) {
      users.set(entry.user.userId, entry);
      directory.set(entry.user.userId, entry.user);
    }
    return ok(users);
  }

  /** Pins on first sight; records a pending change when the directory disagrees with the pin. */
  async function reconcile(entry: UserKeys): Promise<'pinned' | 'changed'> {
    const keys = entry.publicKeys;
    if (keys === null) return 'pinned';
    const fingerprint = await fingerprintOf(keys);
    const pinned = await pinOf(entry.user.userId);
    const record = {
      userId: entry.user.userId,
      encryptionKey: keys.encryption,
      signingKey: keys.signing,
      fingerprint,
      at: deps.now(),
    };
    if (pinned === null) {
      forget(entry.user.userId);
      await deps.store.call('contactKey.pin', record);
      forget(entry.user.userId);
      return 'pinned';
    }
    if (pinned.fingerprint === fingerprint) return pinned.pendingFingerprint === null ? 'pinned' : 'changed';
    forget(entry.user.userId);
    await deps.store.call('contactKey.setPending', record);
    forget(entry.user.userId);
    return 'changed';
  }

  /**
   * The server is unreachable: a message to contacts whose keys are already pinned (and not in
   * doubt) is sealed to those keys and waits in the outbox; anyone else needs the directory.
   */
  async function offline(userIds: readonly string[], error: ApiError): Promise<KeysForSending> {
    const users = new Map<string, SendingKey>();
    for (const id of userIds) {
      const pinned = await pinOf(id);
      if (pinned === null) return err({ code: 'API', api: error });
      if (pinned.pendingFingerprint !== null) return err({ code: 'KEY_CHANGED', userIds: [id] });
      users.set(id, { user: directory.get(id) ?? null, encryptionKey: pinned.encryptionKey });
    }
    return ok(users);
  }

  /** Every recipient pinned, none in doubt: the pins alone, or null to ask the directory. */
  async function fromPins(userIds: readonly string[], details: boolean): Promise<KeysForSending | null> {
    const users = new Map<string, SendingKey>();
    const changed: string[] = [];
    const notPermitted: string[] = [];
    for (const id of userIds) {
      const pinned = await pinOf(id);
      if (pinned === null || (details && !directory.has(id))) return null;
      if (pinned.pendingFingerprint !== null) changed.push(id);
      const known = directory.get(id);
      if (known !== undefined && !receivesMessages(known.role)) notPermitted.push(id);
      users.set(id, { user: known ?? null, encryptionKey: pinned.encryptionKey });
    }
    if (notPermitted.length > 0) return err({ code: 'RECIPIENT_NOT_PERMITTED', userIds: notPermitted });
    return changed.length > 0 ? err({ code: 'KEY_CHANGED', userIds: changed }) : ok(users);
  }

  return {
    async keysForSending(userIds, options = { details: true }) {
      const pinned = await fromPins(userIds, options.details);
      if (pinned !== null) return pinned;
      const found = await lookup(userIds);
      if (!found.ok) {
        if (found.error.code !== 'UNREACHABLE' && found.error.code !== 'UNAVAILABLE')
          return err({ code: 'API', api: found.error });
        return offline(userIds, found.error);
      }
      // The relay refuses these too (RECIPIENT_NOT_PERMITTED); said here, before anything is sealed.
      const notPermitted = userIds.filter((id) => {
        const entry = found.value.get(id);
        return entry !== undefined && !receivesMessages(entry.user.role);
      });
      if (notPermitted.length > 0) return err({ code: 'RECIPIENT_NOT_PERMITTED', userIds: notPermitted });
      const unavailable = userIds.filter((id) => {
        const entry = found.value.get(id);
        return entry === undefined || !entry.user.active || entry.publicKeys === null;
      });
      if (unavailable.length > 0) return err({ code: 'RECIPIENT_UNAVAILABLE', userIds: unavailable });
      const changed: string[] = [];
      const users = new Map<string, { user: DirectoryUser; encryptionKey: string }>();
      for (const id of userIds) {
        const entry = found.value.get(id);
        if (entry === undefined) continue;
        if ((await reconcile(entry)) === 'changed') changed.push(id);
        const pinned = await pinOf(id);
        if (pinned) users.set(id, { user: entry.user, encryptionKey: pinned.encryptionKey });
      }
      if (changed.length > 0) return err({ code: 'KEY_CHANGED', userIds: changed });
      return ok(users);
    },

    async refresh(userIds) {
      const found = await lookup(userIds);
      if (!found.ok) return found;
      const changed: string[] = [];
      for (const entry of found.value.values())
        if ((await reconcile(entry)) === 'changed') changed.push(entry.user.userId);
      return ok(changed);
    },

    async signingKeyFor(userId) {
      let pinned = await pinOf(userId);
      if (pinned === null) {
        const found = await lookup([userId]);
        const entry = found.ok ? found.value.get(userId) : undefined;
        if (!entry?.publicKeys) return null;
        await reconcile(entry);
        pinned = await pinOf(userId);
        if (pinned === null) return null;
      }
      return { pinned: pinned.signingKey, pending: pinned.pendingSigningKey };
    },

    async describe(userIds) {
      const missing = userIds.filter((id) => !directory.has(id));
      if (missing.length > 0) await lookup(missing);
      const answer = new Map<string, DirectoryUser>();
      for (const id of userIds) {
        const user = directory.get(id);
        if (user) answer.set(id, user);
      }
      return answer;
    },

    async accept(userId) {
      forget(userId);
      const accepted = await deps.store.call('contactKey.accept', { userId, at: deps.now() });
      forget(userId);
      return accepted;
    },

    async hasPendingChange(userId) {
      const pinned = await pinOf(userId);
      return pinned?.pendingFingerprint != null;
    },
  };
}
