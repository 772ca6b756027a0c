/**
 * A signed tree head as a FHIR Provenance, and back: the server (verifier) attests the Merkle
 * tree of this size with this root. The server's audit key rides on the head's signature as the
 * ed25519-public-key extension (the same key on every head of an export), and a consistency
 * proof from an earlier tree size to this head (RFC 6962), when the export carries one, is the
 * head's audit-consistency extension: `fromSize` once, then one `path` per hash, in order. The
 * key in an export vouches only for the export's consistency: the verifier pins it from outside.
 */
import type { Extension, Provenance } from '@medplum/fhirtypes';
import { signedTreeHead, type SignedTreeHead } from '../../audit/audit-entry';
import type { ConsistencyProof } from '../../audit/trail-export';
import { ok } from '../../result';
import { ASTM_SIGNATURE_TYPE, PARTICIPANT_TYPE, WARDLINE_FHIR } from './fhir-codes';
import {
  decimal,
  firstDifference,
  get,
  HASH_HEX,
  identifier,
  identifierValue,
  instant,
  isObject,
  list,
  parseInstant,
  problem,
  text,
  withoutServerMeta,
  type Decoded,
  type Json,
} from './fhir-json';
import { isEd25519Key, keyExtension, SIGNATURE_FORMAT, signerKeyValue } from './fhir-signature';

const TREE_HEAD_SIGNER = { display: 'Wardline audit server' };
/** Namespace for the name-based UUIDs of tree heads (fixed, random). */
export const TREE_HEAD_NAMESPACE = 'b5ca7dcb-5d91-4c55-892d-1c60950eeb58';

/** Which part of a consistency proof cannot lead to a head of `treeSize` (a sub-extension name), or null. */
function consistencyProblem(proof: ConsistencyProof, treeSize: number): string | null {
  if (
    proof.toSize !== treeSize ||
    !Number.isSafeInteger(proof.fromSize) ||
    proof.fromSize < 1 ||
    proof.fromSize > treeSize
  )
    return 'fromSize';
  return proof.path.every((hash) => HASH_HEX.test(hash)) ? null : 'path';
}

const consistencyExtension = (proof: ConsistencyProof): Extension => ({
  url: WARDLINE_FHIR.consistencyExtension,
  extension: [
    { url: 'fromSize', valueString: String(proof.fromSize) },
    ...proof.path.map((hash) => ({ url: 'path', valueString: hash })),
  ],
});

/**
 * A signed tree head as Provenance: the server (verifier) attests the tree with this root and
 * size. The signature is Ed25519 over treeHeadSigningBytes. With `auditKey` (base64), the key
 * that verifies it is on the signature; with `proofs`, the consistency proofs that end at this
 * head. Throws a RangeError for a key that is not one, or a proof that does not end here.
 */
export function treeHeadProvenance(
  head: SignedTreeHead,
  auditKey?: string,
  proofs: readonly ConsistencyProof[] = [],
): Provenance {
  if (auditKey !== undefined && !isEd25519Key(auditKey))
    throw new RangeError('auditKey is not an Ed25519 public key in canonical base64');
  for (const proof of proofs) {
    const wrong = consistencyProblem(proof, head.treeSize);
    if (wrong !== null) throw new RangeError(`consistency proof ${wrong} does not fit the head`);
  }
  const when = instant(head.timestamp, 'head.timestamp');
  return {
    resourceType: 'Provenance',
    id: `tree-head-${String(head.treeSize)}-${String(head.timestamp)}`,
    extension: [
      { url: WARDLINE_FHIR.treeSizeExtension, valueString: String(head.treeSize) },
      ...proofs.map(consistencyExtension),
    ],
    target: [identifier(WARDLINE_FHIR.auditTreeRoots, head.rootHash)],
    recorded: when,
    agent: [
      {
        type: { coding: [{ system: PARTICIPANT_TYPE, code: 'verifier', display: 'Verifier' }] },
        who: TREE_HEAD_SIGNER,
      },
    ],
    signature: [
      {
        ...(auditKey === undefined ? {} : { extension: [keyExtension(auditKey)] }),
        type: [{ system: ASTM_SIGNATURE_TYPE, code: '1.2.840.10065.1.12.1.5', display: 'Verification Signature' }],
        when,
        who: TREE_HEAD_SIGNER,
        ...SIGNATURE_FORMAT,
        data: head.signature,
      },
    ],
  };
}

/** A head as read back: its key as the Provenance names it (or null), and the consistency proofs it carries. */
export interface TreeHeadRead {
  readonly head: SignedTreeHead;
  readonly auditKey: string | null;
  readonly consistency: ConsistencyProof[];
}

export type FromTreeHeadResult = Decoded<TreeHeadRead>;

/** The head's consistency proofs, in order; exactness is checked by re-encoding. */
function decodeConsistency(content: Json, treeSize: number): Decoded<ConsistencyProof[]> {
  const proofs: ConsistencyProof[] = [];
  for (const item of list(content.extension).filter(
    (candidate) => get(candidate, 'url') === WARDLINE_FHIR.consistencyExtension,
  )) {
    const parts = list(get(item, 'extension'));
    const fromSize = decimal(
      text(
        get(
          parts.find((part) => get(part, 'url') === 'fromSize'),
          'valueString',
        ),
      ),
    );
    const path = parts.filter((part) => get(part, 'url') === 'path').map((part) => get(part, 'valueString'));
    if (fromSize === undefined) return problem('extension (consistency).fromSize');
    if (!path.every((hash): hash is string => typeof hash === 'string')) return problem('extension (consistency).path');
    const proof = { fromSize, toSize: treeSize, path };
    const wrong = consistencyProblem(proof, treeSize);
    if (wrong !== null) return problem(`extension (consistency).${wrong}`);
    proofs.push(proof);
  }
  return ok(proofs);
}

/** The exact inverse of treeHeadProvenance; the problem names a field, never its value. */
export function fromTreeHeadProvenance(resource: unknown): FromTreeHeadResult {
  if (!isObject(resource) || resource.resourceType !== 'Provenance') return problem('resourceType');
  const content = withoutServerMeta(resource);
  if (content === null) return problem('meta');
  const treeSize = decimal(
    text(
      get(
        list(content.extension).find((item) => get(item, 'url') === WARDLINE_FHIR.treeSizeExtension),
        'valueString',
      ),
    ),
  );
  if (treeSize === undefined) return problem('extension (tree size)');
  const timestamp = parseInstant(content.recorded);
  if (timestamp === undefined) return problem('recorded');
  const key = signerKeyValue(get(content, 'signature', 0));
  if (key !== undefined && !isEd25519Key(key)) return problem('signature.extension (public key)');
  const consistency = decodeConsistency(content, treeSize);
  if (!consistency.ok) return consistency;
  const parsed = signedTreeHead.safeParse({
    treeSize,
    timestamp,
    rootHash: identifierValue({ what: get(content, 'target', 0) }, WARDLINE_FHIR.auditTreeRoots),
    signature: get(content, 'signature', 0, 'data'),
  });
  if (!parsed.success) return problem(parsed.error.issues[0]?.path.map(String).join('.') ?? '(head)');
  const difference = firstDifference(content, treeHeadProvenance(parsed.data, key, consistency.value), '');
  return difference === null
    ? ok({ head: parsed.data, auditKey: key ?? null, consistency: consistency.value })
    : problem(difference);
}
