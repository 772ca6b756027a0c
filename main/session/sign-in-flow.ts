/**
 * Sign-in, step by step: the server's salt → Argon2id → auth key to the server (with a device
 * proof) → second factor → identity keys (created and published on a user's very first sign-in,
 * otherwise unwrapped from the server's copy) → this workstation's vault (created on the first
 * sign-in here, unlocked after). The wrap key lives only between the password step and the
 * end of the flow, and is zeroed on every path out.
 */
import type { Role } from '../../shared/access/permission-matrix';
import { appError, appErrorWithWait } from '../../shared/errors';
import { MFA_CHALLENGE_TTL_MS, type DeviceProof } from '../../shared/protocol/auth';
import type { Session } from '../../shared/protocol/api';
import type { IdentityPublicKeys } from '../../shared/protocol/identity';
import { normalizeUserId } from '../../shared/protocol/identifiers';
import {
  generateIdentityKeys,
  publicKeysOf,
  unwrapIdentityKeys,
  wrapIdentityKeys,
  zeroIdentityKeys,
  type IdentityKeyPairs,
} from '../crypto/identity-keys';
import { fromBase64, toBase64 } from '../../shared/node/crypto/base64';
import { KeyDerivationError, SALT_BYTES, type PasswordKeys } from '../keys/password-kdf';
import type { KdfParams } from '../keys/kdf-params';
import type { ApiClient, ApiError } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';
import type { OpenVault, VaultManager } from '../vault/vault-manager';
import { vaultIdOf } from '../vault/vault-layout';
import { fail, type IpcResult } from '../../shared/ipc/result';
import type { SignInProgress } from '../../shared/ipc/contract';

export interface SignInDeps {
  readonly api: ApiClient;
  readonly vaults: VaultManager;
  readonly device: { readonly publicKey: string; loginProof(userId: string): Promise<DeviceProof> };
  /** Shown to the user in their list of sessions; the workstation's name, never a person's. */
  readonly deviceName: string;
  readonly derive: (password: string, salt: Uint8Array, params: KdfParams) => Promise<PasswordKeys>;
  readonly now: () => number;
  /** Policy: refuse a server that lets the user in without a second factor. */
  readonly mfaRequired: boolean;
  /** Policy: the cheapest password derivation accepted from the server (above the built-in floor). */
  readonly kdfFloor: KdfParams;
  /** Each step as it starts, for the screen (session-service.ts says when the attempt has ended). */
  readonly onProgress: (step: SignInProgress) => void;
}

/** What unlocking a locked session needs again, without the server: see session-service.ts. */
export interface UnlockMaterial {
  /** The password-derived wrap key: opens the vault and the identity keys. Owned (zeroed) by the caller. */
  readonly wrapKey: Uint8Array;
  readonly salt: Uint8Array;
  readonly kdf: KdfParams;
  /** The identity keys wrapped by the wrap key, as the server keeps them. */
  readonly wrappedIdentity: { readonly wrappedPrivateKeys: string; readonly publicKeys: IdentityPublicKeys };
}

/** Where a sign-in's time went (ms), for the log and the user-switch benchmark. No PHI. */
export interface SignInTimings {
  server: number;
  kdf: number;
  identity: number;
  vault: number;
}

export interface SignedIn {
  readonly timings: SignInTimings;
  readonly session: Session;
  readonly identity: IdentityKeyPairs;
  readonly vault: OpenVault;
  readonly unlock: UnlockMaterial;
}

export type SignInStep =
  | { readonly step: 'mfa' }
  | { readonly step: 'enroll-mfa'; readonly otpauthUri: string }
  | { readonly step: 'signed-in'; readonly signedIn: SignedIn };

const failWith = (code: Parameters<typeof appError>[0]): IpcResult<never> => fail(appError(code));
const apiFailure = (error: ApiError): IpcResult<never> =>
  fail(appErrorWithWait(appCodeOf(error.code), error.retryAfterSeconds));

interface Pending {
  readonly timings: SignInTimings;
  readonly userId: string;
  readonly challengeId: string;
  readonly expiresAt: number;
  readonly wrapKey: Uint8Array;
  readonly salt: Uint8Array;
  readonly kdf: KdfParams;
}

/** An account the server accepted the password for: it exists, whatever happens next. */
export interface ConfirmedAccount {
  readonly userId: string;
  /** Known once the server has answered with a session; the second-factor step does not say it. */
  readonly role: Role | null;
}

export interface SignInFlow {
  /** With `enrollmentCode`: a first sign-in (or the first after a password reset), setting `password`. */
  begin(userId: string, password: string, enrollmentCode?: string): Promise<IpcResult<SignInStep>>;
  verify(code: string): Promise<IpcResult<SignedIn>>;
  cancel(): void;
  readonly inProgress: boolean;
  /** The account the latest attempt got past the password step with, or null (for the audit trail). */
  readonly confirmed: ConfirmedAccount | null;
}

export function createSignInFlow(deps: SignInDeps): SignInFlow {
  let pending: Pending | null = null;
  let confirmed: ConfirmedAccount | null = null;

  const forget = () => {
    pending?.wrapKey.fill(0);
    pending = null;
  };

  /** After the server said yes: identity keys, then the vault. Zeroes the wrap key. */
  async function complete(
    session: Session,
    wrapKey: Uint8Array,
    salt: Uint8Array,
    kdf: KdfParams,
    timings: SignInTimings,
  ): Promise<IpcResult<SignedIn>> {
    confirmed = { userId: session.account.userId, role: session.account.role };
    deps.onProgress('keys');
    const identityStarted = performance.now();
    let identity: IdentityKeyPairs | null = null;
    let wrappedIdentity: UnlockMaterial['wrappedIdentity'] | null = session.identity;
    try {
      if (session.identity === null) {
        identity = await generateIdentityKeys();
        wrappedIdentity = {
          publicKeys: publicKeysOf(identity),
          wrappedPrivateKeys: await wrapIdentityKeys(identity, wrapKey),
        };
        const published = await deps.api.call('publishIdentity', wrappedIdentity, session.token);
        if (!published.ok) {
          await zeroIdentityKeys(identity);
          await deps.api.call('logout', {}, session.token);
          return apiFailure(published.error);
        }
      } else {
        identity = await unwrapIdentityKeys(session.identity.wrappedPrivateKeys, session.identity.publicKeys, wrapKey);
        if (identity === null) {
          await deps.api.call('logout', {}, session.token);
          return failWith('IDENTITY_KEYS_DAMAGED');
        }
      }
      const userId = session.account.userId;
      deps.onProgress('messages');
      const vaultStarted = performance.now();
      timings.identity += vaultStarted - identityStarted;
      const existing = deps.vaults.readKdf(userId);
      let opened =
        existing.ok || existing.error !== 'VAULT_NOT_FOUND'
          ? await deps.vaults.unlock(userId, wrapKey)
          : await deps.vaults.create(userId, wrapKey, { salt, params: kdf }, session.account.role);
      if (!opened.ok && opened.error === 'WRONG_PASSWORD' && session.identity === null) {
        // IT reset this person's password: the server held no identity keys for them, so the
        // vault here was sealed under the old password and nothing can open it again. It is
        // shredded (recorded), and history comes back from the server into a new one.
        const actor = { userId, role: session.account.role };
        const shredded = await deps.vaults.shred(vaultIdOf(userId), 'vault.shredded', actor);
        if (shredded.ok)
          opened = await deps.vaults.create(userId, wrapKey, { salt, params: kdf }, session.account.role);
      }
      if (!opened.ok) {
        await zeroIdentityKeys(identity);
        await deps.api.call('logout', {}, session.token);
        return failWith(opened.error);
      }
      if (wrappedIdentity === null) throw new Error('unreachable: identity neither published nor unwrapped');
      timings.vault += performance.now() - vaultStarted;
      return {
        ok: true,
        value: {
          timings,
          session,
          identity,
          vault: opened.value,
          unlock: { wrapKey: wrapKey.slice(), salt, kdf, wrappedIdentity },
        },
      };
    } finally {
      wrapKey.fill(0);
    }
  }

  return {
    get inProgress() {
      return pending !== null;
    },

    get confirmed() {
      return confirmed;
    },

    async begin(rawUserId, password, enrollmentCode) {
      forget();
      confirmed = null;
      const userId = normalizeUserId(rawUserId);
      const timings: SignInTimings = { server: 0, kdf: 0, identity: 0, vault: 0 };
      deps.onProgress('credentials');
      let started = performance.now();
      const pre = await deps.api.call('prelogin', { userId });
      timings.server += performance.now() - started;
      if (!pre.ok) return apiFailure(pre.error);
      // The response schema already holds the salt to canonical base64 of SALT_BYTES.
      const salt = fromBase64(pre.value.salt, SALT_BYTES);
      if (salt === null) return failWith('INTERNAL');
      if (pre.value.kdf.memoryMiB < deps.kdfFloor.memoryMiB || pre.value.kdf.passes < deps.kdfFloor.passes)
        return failWith('KDF_TOO_WEAK');
      let keys: PasswordKeys;
      try {
        started = performance.now();
        keys = await deps.derive(password, salt, pre.value.kdf);
        timings.kdf += performance.now() - started;
      } catch (error) {
        // The server asked for a cost below our floor (or above the ceiling): refuse, do not derive.
        if (error instanceof KeyDerivationError && error.code === 'KDF_TOO_WEAK') return failWith('KDF_TOO_WEAK');
        return failWith('INTERNAL');
      }
      const authKey = toBase64(keys.authKey);
      keys.authKey.fill(0);
      started = performance.now();
      const firstFactor = {
        userId,
        authKey,
        device: { publicKey: deps.device.publicKey, name: deps.deviceName },
        proof: await deps.device.loginProof(userId),
      };
      const login =
        enrollmentCode === undefined
          ? await deps.api.call('login', firstFactor)
          : await deps.api.call('enroll', { ...firstFactor, enrollmentCode });
      timings.server += performance.now() - started;
      if (!login.ok) {
        keys.wrapKey.fill(0);
        return apiFailure(login.error);
      }
      const answer = login.value;
      confirmed =
        answer.step === 'signed-in'
          ? { userId: answer.session.account.userId, role: answer.session.account.role }
          : { userId, role: null };
      if (answer.step === 'signed-in' && deps.mfaRequired) {
        // Policy trusts no server that skips the second factor: end what it opened, say why.
        keys.wrapKey.fill(0);
        await deps.api.call('logout', {}, answer.session.token);
        return failWith('MFA_NOT_ENFORCED');
      }
      if (answer.step === 'signed-in') {
        const done = await complete(answer.session, keys.wrapKey, salt, pre.value.kdf, timings);
        return done.ok ? { ok: true, value: { step: 'signed-in', signedIn: done.value } } : done;
      }
      pending = {
        timings,
        userId,
        challengeId: answer.challengeId,
        expiresAt: Math.min(answer.expiresAt, deps.now() + MFA_CHALLENGE_TTL_MS),
        wrapKey: keys.wrapKey,
        salt,
        kdf: pre.value.kdf,
      };
      return {
        ok: true,
        value: answer.step === 'mfa' ? { step: 'mfa' } : { step: 'enroll-mfa', otpauthUri: answer.otpauthUri },
      };
    },

    async verify(code) {
      const current = pending;
      if (current === null) return failWith('NO_SIGN_IN_IN_PROGRESS');
      if (deps.now() > current.expiresAt) {
        forget();
        return failWith('MFA_EXPIRED');
      }
      deps.onProgress('code');
      const started = performance.now();
      const result = await deps.api.call('verifyMfa', { challengeId: current.challengeId, code });
      current.timings.server += performance.now() - started;
      if (!result.ok) {
        // A wrong code may be retried, and so may a throttled one once its wait is over; an expired
        // challenge, a lock or a lost enrollment ends this attempt.
        if (result.error.code !== 'MFA_INVALID' && result.error.code !== 'THROTTLED') forget();
        return apiFailure(result.error);
      }
      pending = null;
      return complete(result.value.session, current.wrapKey, current.salt, current.kdf, current.timings);
    },

    cancel: forget,
  };
}
