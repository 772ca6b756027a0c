/**
 * What a lock clears: every secret a signed-in clinician holds only while unlocked, in one typed
 * place. `UnlockedSecrets` lists them; `CLEARED_ON_LOCK` says how each is cleared, and is typed
 * over every key of it, so a secret added to the list without a way to clear it does not compile.
 * A lock closes the scope, and so does a logoff (which then also drops the unlock material and
 * ends the server session: see session-service.ts).
 *
 * What outlives a lock is only what unlocking needs: the identity keys wrapped by the wrap key,
 * the KDF salt and cost, the PIN-sealed wrap key, and the server session (the device key
 * refreshes it). None of them opens anything without the password or the PIN.
 */
import { appError, type AppError } from '../../shared/errors';
import { err, ok, type Result } from '../../shared/result';
import { unwrapIdentityKeys, zeroIdentityKeys, type IdentityKeyPairs } from '../crypto/identity-keys';
import type { MessagingService } from '../messaging/messaging-service';
import type { OpenVault, VaultManager } from '../vault/vault-manager';
import type { UnlockMaterial } from './sign-in-flow';

/** Every secret that exists only while a clinician is signed in and unlocked. */
export interface UnlockedSecrets {
  /** Their running messaging (feed, outbox, expiry sweep): it reads the vault with the keys below. */
  readonly messaging: MessagingService;
  /** Their open vault; its data key exists only inside the store worker that closing it ends. */
  readonly vault: OpenVault;
  /** Their identity private keys: Ed25519 (signs envelopes and recalls) and X25519 (opens them). */
  readonly identity: IdentityKeyPairs;
  /** The password-derived wrap key: opens the vault and unwraps the identity keys. */
  readonly wrapKey: Uint8Array;
}

/**
 * How a lock clears each secret, in this order: messaging stops before the vault it writes to
 * closes, and the keys are zeroed last, once nothing can be using them.
 */
export const CLEARED_ON_LOCK: {
  readonly [Secret in keyof UnlockedSecrets]: (secret: UnlockedSecrets[Secret]) => Promise<void>;
} = {
  messaging: (messaging) => messaging.stop(),
  vault: (vault) => vault.lock(),
  identity: (identity) => zeroIdentityKeys(identity),
  wrapKey: (wrapKey) => {
    wrapKey.fill(0);
    return Promise.resolve();
  },
};

/**
 * What a locked session's watch needs from the vault before it closes: where the feed resumes,
 * and which incoming messages still wait for this clinician's acknowledgement (ids only), so a
 * re-alert of one of them raises its notice while locked too.
 */
export interface LockHandover {
  readonly cursor: number;
  readonly awaiting: readonly string[];
}

/** How long closing waits for messaging calls in flight before closing the vault anyway. */
const IN_FLIGHT_GRACE_MS = 5_000;

export interface UnlockedScope {
  readonly vault: OpenVault;
  readonly wrapKey: Uint8Array;
  /** Runs `task` with the messaging; closing waits (briefly) for it, so a lock never cuts a send in half. */
  use<T>(task: (messaging: MessagingService) => Promise<T>): Promise<T>;
  /**
   * Clears every secret (CLEARED_ON_LOCK), each even if another's clear failed, and gives what
   * a locked session's watch resumes from (null when the feed position could not be read, or
   * when the scope was already closed).
   */
  close(): Promise<LockHandover | null>;
}

export function openUnlockedScope(secrets: UnlockedSecrets, graceMs = IN_FLIGHT_GRACE_MS): UnlockedScope {
  let closed = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  async function settleInFlight(): Promise<void> {
    if (inFlight === 0) return;
    await Promise.race([
      new Promise<void>((resolve) => {
        drained = resolve;
      }),
      new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
    drained = null;
  }

  async function clearAll(): Promise<void> {
    let firstError: Error | null = null;
    for (const name of Object.keys(CLEARED_ON_LOCK) as (keyof UnlockedSecrets)[]) {
      try {
        await (CLEARED_ON_LOCK[name] as (secret: UnlockedSecrets[typeof name]) => Promise<void>)(secrets[name]);
      } catch (error) {
        firstError ??= error instanceof Error ? error : new Error('an unlocked secret could not be cleared');
      }
    }
    if (firstError !== null) throw firstError;
  }

  return {
    vault: secrets.vault,
    wrapKey: secrets.wrapKey,

    async use(task) {
      inFlight += 1;
      try {
        return await task(secrets.messaging);
      } finally {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      }
    },

    async close() {
      if (closed) return null;
      closed = true;
      await settleInFlight();
      // The feed first: an event being stored as the lock comes moves the cursor before it is
      // read, or the watch would count that message again. (Stopping twice is harmless.)
      await secrets.messaging.stop().catch(() => undefined);
      const cursor = await secrets.messaging.cursor().catch(() => null);
      const awaiting = await secrets.messaging.awaitingAcknowledgement().catch(() => []);
      await clearAll();
      return cursor === null ? null : { cursor, awaiting };
    },
  };
}

/**
 * Opens the vault and the identity keys again with `wrapKey` (an unlock), then starts messaging
 * over them. Owns `wrapKey` from here: zeroed on failure, cleared with the scope otherwise.
 */
export async function reopenUnlockedScope(
  vaults: VaultManager,
  userId: string,
  wrapped: UnlockMaterial['wrappedIdentity'],
  wrapKey: Uint8Array,
  startMessaging: (vault: OpenVault, identity: IdentityKeyPairs) => MessagingService,
): Promise<Result<UnlockedScope, AppError>> {
  const vault = await vaults.unlock(userId, wrapKey);
  if (!vault.ok) {
    wrapKey.fill(0);
    return err(appError(vault.error));
  }
  const identity = await unwrapIdentityKeys(wrapped.wrappedPrivateKeys, wrapped.publicKeys, wrapKey);
  if (identity === null) {
    await vault.value.lock();
    wrapKey.fill(0);
    return err(appError('IDENTITY_KEYS_DAMAGED'));
  }
  const messaging = startMessaging(vault.value, identity);
  return ok(openUnlockedScope({ messaging, vault: vault.value, identity, wrapKey }));
}
