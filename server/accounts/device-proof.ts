/**
 * A workstation proves it holds its device key by signing the protocol's proof bytes with a
 * timestamp close to the server's clock, so a captured proof is useless after PROOF_WINDOW_MS.
 * A refresh proof is good once even inside that window: the server keeps the digest of each one
 * spent (spent-proof-store.ts) until the window is over, when freshness alone refuses it.
 */
import { createHash } from 'node:crypto';
import { loginProofBytes, PROOF_WINDOW_MS, refreshProofBytes } from '../../shared/protocol/auth';
import { signatureValid } from '../crypto/signatures';

export interface DeviceProof {
  readonly deviceId: string;
  readonly timestamp: number;
  readonly signature: string;
}

export function proofTimestampFresh(timestamp: number, now: number): boolean {
  return Math.abs(now - timestamp) <= PROOF_WINDOW_MS;
}

export async function loginProofValid(
  userId: string,
  proof: DeviceProof,
  devicePublicKey: string,
  now: number,
): Promise<boolean> {
  if (!proofTimestampFresh(proof.timestamp, now)) return false;
  return signatureValid(
    devicePublicKey,
    loginProofBytes({ userId, deviceId: proof.deviceId, timestamp: proof.timestamp }),
    proof.signature,
  );
}

export async function refreshProofValid(
  sessionId: string,
  proof: DeviceProof,
  devicePublicKey: string,
  now: number,
): Promise<boolean> {
  if (!proofTimestampFresh(proof.timestamp, now)) return false;
  return signatureValid(
    devicePublicKey,
    refreshProofBytes({ sessionId, deviceId: proof.deviceId, timestamp: proof.timestamp }),
    proof.signature,
  );
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
