/**
 * Sign-in as both sides must compute it. The password never leaves the client: Argon2id over the
 * server's salt gives a master key, HKDF-SHA256 splits it into the auth key (sent here, stored
 * by the server only as an Argon2id hash) and the wrap key (never sent). A workstation proves it
 * holds its registered device key by signing the login and every token refresh.
 */
import { z } from 'zod';
import { fixedBytes, KEY_BYTES, SALT_BYTES, signature } from './binary';
import { deviceId, epochMs } from './identifiers';

export const AUTH_KEY_INFO = 'wardline/v1/auth-key';
export const WRAP_KEY_INFO = 'wardline/v1/wrap-key';

/** Access tokens are short-lived; a refresh needs the device key, so a stolen token soon dies. */
export const ACCESS_TOKEN_TTL_MS = 10 * 60 * 1000;
/** After this, the full password is needed again whatever the activity. */
export const SESSION_MAX_AGE_MS = 12 * 60 * 60 * 1000;
/** How far a device proof's timestamp may be from the server's clock. */
export const PROOF_WINDOW_MS = 2 * 60 * 1000;
export const MFA_CHALLENGE_TTL_MS = 5 * 60 * 1000;

export const kdfParams = z.strictObject({
  memoryMiB: z.number().int().min(1).max(4096),
  passes: z.number().int().min(1).max(64),
});

export const authKey = fixedBytes(KEY_BYTES);
export const salt = fixedBytes(SALT_BYTES);
/** Opaque bearer token: 32 random bytes, base64url. */
export const accessToken = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
export const totpCode = z.string().regex(/^\d{6}$/);

const encoder = new TextEncoder();

export function loginProofBytes(input: { userId: string; deviceId: string; timestamp: number }): Uint8Array {
  return encoder.encode(JSON.stringify(['wardline/login/v1', input.userId, input.deviceId, input.timestamp]));
}

export function refreshProofBytes(input: { sessionId: string; deviceId: string; timestamp: number }): Uint8Array {
  return encoder.encode(JSON.stringify(['wardline/refresh/v1', input.sessionId, input.deviceId, input.timestamp]));
}

export const deviceProof = z.strictObject({ deviceId, timestamp: epochMs, signature });

export type DeviceProof = z.infer<typeof deviceProof>;
