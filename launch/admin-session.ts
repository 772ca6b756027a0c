/**
 * `npm run admin` signs in as an IT admin exactly as the app does (prelogin salt → Argon2id →
 * auth key, a device proof, then the authenticator code), so the server applies the same role,
 * throttle and re-authentication rules to a script as to the Administration view. The tool's
 * device key lives in a file only its user can read; it registers once, as "Wardline admin tool".
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loginProofBytes } from '../shared/protocol/auth';
import { deviceId as deviceIdSchema } from '../shared/protocol/identifiers';
import { fromBase64, toBase64 } from '../shared/node/crypto/base64';
import { loadSodium } from '../shared/node/crypto/sodium';
import { err, ok, type Result } from '../shared/result';
import { writeFileAtomic } from '../main/fs/atomic-file';
import { derivePasswordKeys, SALT_BYTES, zeroPasswordKeys } from '../main/keys/password-kdf';
import type { ApiClient, ApiErrorCode } from '../main/server-link/api-client';

const DEVICE_NAME = 'Wardline admin tool';

const deviceFile = z.strictObject({ deviceId: deviceIdSchema, publicKey: z.string(), secretKey: z.string() });

export interface ToolDevice {
  readonly deviceId: string;
  readonly publicKey: string;
  sign(bytes: Uint8Array): Promise<string>;
}

export function defaultDeviceFile(): string {
  const base = process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config');
  return path.join(base, 'wardline', 'admin-tool-device.json');
}

/** The tool's device key, made on first use (0600 in a 0700 folder). */
export async function toolDevice(file: string): Promise<ToolDevice> {
  const sodium = await loadSodium();
  let stored: z.infer<typeof deviceFile>;
  try {
    stored = deviceFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`the device file ${file} is damaged`);
    const pair = sodium.crypto_sign_keypair();
    stored = { deviceId: randomUUID(), publicKey: toBase64(pair.publicKey), secretKey: toBase64(pair.privateKey) };
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, Buffer.from(JSON.stringify(stored)), 0o600);
  }
  const secretKey = fromBase64(stored.secretKey, sodium.crypto_sign_SECRETKEYBYTES);
  if (secretKey === null) throw new Error(`the device file ${file} is damaged`);
  return {
    deviceId: stored.deviceId,
    publicKey: stored.publicKey,
    sign: (bytes) => Promise.resolve(toBase64(sodium.crypto_sign_detached(bytes, secretKey))),
  };
}

export interface AdminCredentials {
  readonly userId: string;
  readonly password: string;
  /** Asked for only once the password is accepted, as the app does. */
  readonly code: () => Promise<string>;
}

export type SignInRefusal = ApiErrorCode | 'NOT_AN_ADMIN' | 'KDF_REFUSED' | 'NO_AUTHENTICATOR';

/** A session token for the admin, or the server's refusal. */
export async function signInAsAdmin(
  api: ApiClient,
  device: ToolDevice,
  credentials: AdminCredentials,
  now: () => number = Date.now,
): Promise<Result<string, SignInRefusal>> {
  const pre = await api.call('prelogin', { userId: credentials.userId });
  if (!pre.ok) return err(pre.error.code);
  const salt = fromBase64(pre.value.salt, SALT_BYTES);
  if (salt === null) return err('BAD_RESPONSE');
  let authKey: string;
  try {
    const keys = await derivePasswordKeys(credentials.password, salt, pre.value.kdf);
    authKey = toBase64(keys.authKey);
    await zeroPasswordKeys(keys);
  } catch {
    // Below the workstation floor: this tool trusts the server no more than the app does.
    return err('KDF_REFUSED');
  }
  const timestamp = now();
  const login = await api.call('login', {
    userId: credentials.userId,
    authKey,
    device: { publicKey: device.publicKey, name: DEVICE_NAME },
    proof: {
      deviceId: device.deviceId,
      timestamp,
      signature: await device.sign(
        loginProofBytes({ userId: credentials.userId, deviceId: device.deviceId, timestamp }),
      ),
    },
  });
  if (!login.ok) return err(login.error.code);
  // An admin must have an authenticator: enrolling one belongs in the app, where the QR code is shown.
  if (login.value.step !== 'mfa') return err(login.value.step === 'signed-in' ? 'NOT_AN_ADMIN' : 'NO_AUTHENTICATOR');
  const verified = await api.call('verifyMfa', {
    challengeId: login.value.challengeId,
    code: await credentials.code(),
  });
  if (!verified.ok) return err(verified.error.code);
  const { session } = verified.value;
  if (session.account.role !== 'it-admin') {
    await api.call('logout', {}, session.token);
    return err('NOT_AN_ADMIN');
  }
  return ok(session.token);
}
