/**
 * `publishIdentity`: the caller's public keys and wrapped private keys. The server computes the
 * fingerprint itself from the keys (clients compute it too and never trust this one).
 */
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import { KEY_BYTES } from '../../shared/protocol/binary';
import { isCanonicalBase64 } from '../../shared/node/crypto/base64';
import { fingerprintOf } from '../crypto/fingerprint';
import type { Queryable } from '../db/database';
import { fail, succeed, type Outcome } from '../outcome';
import { storeIdentity } from './identity-store';

/** A key with two spellings would have two fingerprints: only the canonical one is published. */
export async function publishIdentity(
  db: Queryable,
  userId: string,
  request: RouteRequest<'publishIdentity'>,
  now: number,
): Promise<Outcome<RouteResponse<'publishIdentity'>>> {
  const { signing, encryption } = request.publicKeys;
  if (!isCanonicalBase64(signing, KEY_BYTES) || !isCanonicalBase64(encryption, KEY_BYTES))
    return fail('MALFORMED_REQUEST');
  const fingerprint = await fingerprintOf(request.publicKeys);
  await storeIdentity(
    db,
    userId,
    { publicKeys: request.publicKeys, wrappedPrivateKeys: request.wrappedPrivateKeys, fingerprint },
    now,
  );
  return succeed({ fingerprint });
}
