/**
 * A workstation proves it holds its device key by signing the protocol's proof bytes with a
 * timestamp close to the server's clock, so a captured proof is useless after PROOF_WINDOW_MS.
 * A refresh proof is good once even inside that window: the server keeps the digest of each one
 * spent (spent-proof-store.ts) until the window is over, when freshness alone refuses it.
 */
import { createHash } from 'node:crypto';
import { loginProofBytes, PROOF_WINDOW_MS, refreshProofBytes, type DeviceProof } from '../../shared/protocol/auth';
import { signatureValid } from '../../shared/node/crypto/ed25519';

export function proofTimestampFresh(timestamp: number, now: number): boolean {
  return Math.abs(now - timestamp) <= PROOF_WINDOW_MS;
}

/** Fresh, and signed by the device's key over exactly `bytes`. */
function proofValid(proof: DeviceProof, bytes: Uint8Array, devicePublicKey: string, now: number): Promise<boolean> {
  if (!proofTimestampFresh(proof.timestamp, now)) return Promise.resolve(false);
  return signatureValid(devicePublicKey, bytes, proof.signature);
}

export function loginProofValid(
  userId: string,
  proof: DeviceProof,
  devicePublicKey: string,
  now: number,
): Promise<boolean> {
  const bytes = loginProofBytes({ userId, deviceId: proof.deviceId, timestamp: proof.timestamp });
  return proofValid(proof, bytes, devicePublicKey, now);
}

export function refreshProofValid(
  sessionId: string,
  proof: DeviceProof,
  devicePublicKey: string,
  now: number,
): Promise<boolean> {
  const bytes = refreshProofBytes({ sessionId, deviceId: proof.deviceId, timestamp: proof.timestamp });
  return proofValid(proof, bytes, devicePublicKey, now);
}

/** What identifies a refresh proof once spent: the digest of what it signs (a signature is not unique to its message). */
export function refreshProofDigest(sessionId: string, proof: Omit<DeviceProof, 'signature'>): string {
  const bytes = refreshProofBytes({ sessionId, deviceId: proof.deviceId, timestamp: proof.timestamp });
  return `refresh:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** After this time the proof is stale (proofTimestampFresh), so its spent record may go. */
export function proofSpentUntil(timestamp: number): number {
  return timestamp + PROOF_WINDOW_MS;
}
