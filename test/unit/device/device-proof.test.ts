import { beforeAll, describe, expect, it } from 'vitest';
import { loginProof, refreshProof, type ProofSigner } from '../../../main/device/device-proof';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import { deviceProof, loginProofBytes, refreshProofBytes } from '../../../shared/protocol/auth';

let sodium: Sodium;
let publicKey: Uint8Array;
let signer: ProofSigner;

const deviceId = '5d1f0c7a-8e2b-4c3d-9a6f-1b2c3d4e5f60';
const now = 1_760_000_000_000;

beforeAll(async () => {
  sodium = await loadSodium();
  const pair = sodium.crypto_sign_keypair();
  publicKey = pair.publicKey;
  signer = { deviceId, sign: (message) => Promise.resolve(sodium.crypto_sign_detached(message, pair.privateKey)) };
});

const verify = (signature: string, bytes: Uint8Array) =>
  sodium.crypto_sign_verify_detached(Buffer.from(signature, 'base64'), bytes, publicKey);

describe('device proofs', () => {
  it('login: a deviceProof whose signature verifies over loginProofBytes for this user, device and time', async () => {
    const proof = await loginProof(signer, 'nurse.adams', now);
    expect(deviceProof.safeParse(proof).success).toBe(true);
    expect(proof).toMatchObject({ deviceId, timestamp: now });
    expect(verify(proof.signature, loginProofBytes({ userId: 'nurse.adams', deviceId, timestamp: now }))).toBe(true);
    expect(verify(proof.signature, loginProofBytes({ userId: 'dr.okafor', deviceId, timestamp: now }))).toBe(false);
    expect(verify(proof.signature, loginProofBytes({ userId: 'nurse.adams', deviceId, timestamp: now + 1 }))).toBe(
      false,
    );
  });

  it('refresh: a deviceProof whose signature verifies over refreshProofBytes for this session, device and time', async () => {
    const sessionId = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    const proof = await refreshProof(signer, sessionId, now);
    expect(deviceProof.safeParse(proof).success).toBe(true);
    expect(verify(proof.signature, refreshProofBytes({ sessionId, deviceId, timestamp: now }))).toBe(true);
    expect(
      verify(
        proof.signature,
        refreshProofBytes({ sessionId: '00000000-0000-4000-8000-000000000000', deviceId, timestamp: now }),
      ),
    ).toBe(false);
  });

  it('a login proof is not a refresh proof for the same id and time (domain separation)', async () => {
    const id = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
    const proof = await loginProof(signer, id, now);
    expect(verify(proof.signature, refreshProofBytes({ sessionId: id, deviceId, timestamp: now }))).toBe(false);
  });

  it.each([1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 8.64e15 + 1])('refuses a proof time of %s', async (time) => {
    await expect(loginProof(signer, 'nurse.adams', time)).rejects.toBeInstanceOf(TypeError);
    await expect(refreshProof(signer, 'x', time)).rejects.toBeInstanceOf(TypeError);
  });

  it('passes a signing failure on rather than answering without a signature', async () => {
    const closed: ProofSigner = { deviceId, sign: () => Promise.reject(new Error('closed')) };
    await expect(loginProof(closed, 'nurse.adams', now)).rejects.toThrow('closed');
  });
});
