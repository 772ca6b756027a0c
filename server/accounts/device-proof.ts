/**
 * A workstation proves it holds its device key by signing the protocol's proof bytes with a
 * timestamp close to the server's clock, so a captured proof is useless after PROOF_WINDOW_MS.
 */
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

export async function loginProofValid(userId: string, proof: DeviceProof, devicePublicKey: string, now: number): Promise<boolean> {
  if (!proofTimestampFresh(proof.timestamp, now)) return false;
  return signatureValid(devicePublicKey, loginProofBytes({ userId, deviceId: proof.deviceId, timestamp: proof.timestamp }), proof.signature);
}

export async function refreshProofValid(sessionId: string, proof: DeviceProof, devicePublicKey: string, now: number): Promise<boolean> {
  if (!proofTimestampFresh(proof.timestamp, now)) return false;
  return signatureValid(devicePublicKey, refreshProofBytes({ sessionId, deviceId: proof.deviceId, timestamp: proof.timestamp }), proof.signature);
}
