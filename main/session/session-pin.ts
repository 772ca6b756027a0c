/**
 * A signed-in clinician's PIN: whether one is set or may be chosen without the password, choosing
 * one (stored sealed in their vault), and opening the wrap key with it on the lock screen. The
 * sealing itself is pin-unlock.ts; when a PIN may be used (attempts, the 12-hour password) is the
 * session machine's.
 */
import { timingSafeEqual } from 'node:crypto';
import { appError, type AppError } from '../../shared/errors';
import type { SessionState } from '../../shared/ipc/contract';
import type { Policy } from '../../shared/policy/policy-schema';
import type { StoreClient } from '../store/store-client';
import { appCodeOfStoreError, StoreError } from '../store/store-error';
import { openWithPin, parsePinRecord, pinWellFormed, sealWithPin, type DeriveKeys, type PinRecord } from './pin-unlock';
import type { UnlockMaterial } from './sign-in-flow';

const PIN_SETTING = 'session.pin';

export type PinView = Extract<SessionState, { state: 'unlocked' }>['pin'];

export interface SessionPin {
  readonly isSet: boolean;
  /** What the unlocked screen shows about the PIN. */
  view(): PinView;
  /** The offer to choose one without the password lasts only until the first lock. */
  withdrawOffer(): void;
  /** Sets (or changes) the PIN; the password is needed unless the offer stands. Null when set. */
  choose(
    pin: string,
    password: string | null,
    unlocked: { readonly vault: { readonly store: StoreClient }; readonly wrapKey: Uint8Array },
  ): Promise<AppError | null>;
  /** The wrap key, or null for a wrong PIN. Only when set (see isSet). */
  open(pin: string): Promise<Uint8Array | null>;
}

export interface SessionPinDeps {
  readonly derive: DeriveKeys;
  readonly policy: Pick<Policy, 'pinAllowed' | 'pinMinLength' | 'kdfMemoryMiB' | 'kdfPasses'>;
  /** How the password derives the wrap key again, to check it before a PIN replaces another. */
  readonly unlock: Pick<UnlockMaterial, 'salt' | 'kdf'>;
}

/** The PIN record a full sign-in loads from the clinician's vault, or null when none is set (or it is unreadable). */
export async function loadPinRecord(store: StoreClient): Promise<PinRecord | null> {
  return parsePinRecord(await store.call('setting.get', { key: PIN_SETTING }).catch(() => null));
}

export function createSessionPin(deps: SessionPinDeps, loaded: PinRecord | null): SessionPin {
  let record = loaded;
  // No PIN yet and the password was just given: one may be chosen without asking it again.
  let offered = loaded === null;

  return {
    get isSet() {
      return record !== null;
    },

    view() {
      if (!deps.policy.pinAllowed) return 'not-allowed';
      if (record !== null) return 'set';
      return offered ? 'offered' : 'unset';
    },

    withdrawOffer() {
      offered = false;
    },

    async choose(pin, password, unlocked) {
      if (!deps.policy.pinAllowed) return appError('PIN_NOT_ALLOWED');
      if (!pinWellFormed(pin, deps.policy.pinMinLength)) return appError('PIN_TOO_SHORT');
      if (!offered) {
        if (password === null) return appError('WRONG_PASSWORD');
        const keys = await deps.derive(password, deps.unlock.salt, deps.unlock.kdf);
        keys.authKey.fill(0);
        // Constant time: the comparison must not tell how much of a guessed password was right.
        const same = keys.wrapKey.length === unlocked.wrapKey.length && timingSafeEqual(keys.wrapKey, unlocked.wrapKey);
        keys.wrapKey.fill(0);
        if (!same) return appError('WRONG_PASSWORD');
      }
      const floor = { memoryMiB: deps.policy.kdfMemoryMiB, passes: deps.policy.kdfPasses };
      const sealed = await sealWithPin(deps.derive, pin, unlocked.wrapKey, floor);
      try {
        await unlocked.vault.store.call('setting.set', { key: PIN_SETTING, value: JSON.stringify(sealed) });
      } catch (error) {
        if (error instanceof StoreError) return appError(appCodeOfStoreError(error));
        throw error;
      }
      record = sealed;
      offered = false;
      return null;
    },

    open(pin) {
      return record === null ? Promise.resolve(null) : openWithPin(deps.derive, pin, record);
    },
  };
}
