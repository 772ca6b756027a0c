/** An identity's fingerprint: BLAKE2b-256 over the protocol's fingerprint input, as hex. */
import { fingerprintInput, type IdentityPublicKeys } from '../../shared/protocol/identity';
import { loadSodium } from '../../shared/node/crypto/sodium';

export async function fingerprintOf(keys: IdentityPublicKeys): Promise<string> {
  const sodium = await loadSodium();
  return sodium.to_hex(sodium.crypto_generichash(32, fingerprintInput(keys), null));
}
