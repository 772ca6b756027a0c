/**
 * Device proofs for sign-in and token refresh (`deviceProof` in shared/protocol/auth.ts): the
 * device key signs the protocol's canonical bytes, which name the user or session, this device
 * and the time, so a proof cannot be replayed for another user, session or (beyond the server's
 * window) another moment.
 */
import { loginProofBytes, refreshProofBytes, type DeviceProof } from '../../shared/protocol/auth';
import { epochMs } from '../../shared/protocol/identifiers';
import { toBase64 } from '../../shared/node/crypto/base64';
import type { DeviceIdentity } from './device-identity';

export type { DeviceProof };

/** The part of a device identity a proof needs. */
export type ProofSigner = Pick<DeviceIdentity, 'deviceId' | 'sign'>;

/** Throws a TypeError if `now` is not whole epoch milliseconds. */
export async function loginProof(identity: ProofSigner, userId: string, now: number): Promise<DeviceProof> {
  checkTime(now);
  const signature = await identity.sign(loginProofBytes({ userId, deviceId: identity.deviceId, timestamp: now }));
  return { deviceId: identity.deviceId, timestamp: now, signature: toBase64(signature) };
}

/** Throws a TypeError if `now` is not whole epoch milliseconds. */
export async function refreshProof(identity: ProofSigner, sessionId: string, now: number): Promise<DeviceProof> {
  checkTime(now);
  const signature = await identity.sign(refreshProofBytes({ sessionId, deviceId: identity.deviceId, timestamp: now }));
  return { deviceId: identity.deviceId, timestamp: now, signature: toBase64(signature) };
}

function checkTime(now: number): void {
  if (!epochMs.safeParse(now).success) throw new TypeError('A proof time must be whole epoch milliseconds.');
}
