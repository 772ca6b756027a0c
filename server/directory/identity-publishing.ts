/**
 * `publishIdentity`: the caller's public keys and wrapped private keys. The server computes the
 * fingerprint itself from the keys (clients compute it too and never trust this one).
 *
 * Keys that differ from the person's latest join the key history (server migration 25) in the
 * same transaction. Past MAX_SIGNING_KEYS keys the history is full and a new key is refused
 * (CONFLICT): no honest client publishes that many, and a history that large would not fit a
 * matter's export page.
 *
 * Not an admin event on the server's chain: that catalogue is administrative actions, which the
 * IT admin's own log and the compliance view list as such, and every person's first sign-in
 * would fill them. The chain vouches for the history where it is used: each eDiscovery export's
 * record is of a digest over the history as the server held it then.
 */
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import { KEY_BYTES } from '../../shared/protocol/binary';
import { isCanonicalBase64 } from '../../shared/node/crypto/base64';
import { fingerprintOf } from '../crypto/fingerprint';
import type { Database } from '../db/database';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, succeed, type Outcome } from '../outcome';
import { storeIdentity } from './identity-store';

/** A key with two spellings would have two fingerprints: only the canonical one is published. */
export async function publishIdentity(
  db: Database,
  userId: string,
  request: RouteRequest<'publishIdentity'>,
  now: number,
): Promise<Outcome<RouteResponse<'publishIdentity'>>> {
  const { signing, encryption } = request.publicKeys;
  if (!isCanonicalBase64(signing, KEY_BYTES) || !isCanonicalBase64(encryption, KEY_BYTES))
    return fail('MALFORMED_REQUEST');
  const fingerprint = await fingerprintOf(request.publicKeys);
  return transactionOutcome(db, async (tx) => {
    const history = await storeIdentity(
      tx,
      userId,
      { publicKeys: request.publicKeys, wrappedPrivateKeys: request.wrappedPrivateKeys, fingerprint },
      now,
    );
    return history === 'full' ? fail('CONFLICT') : succeed({ fingerprint });
  });
}
