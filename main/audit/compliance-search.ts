/**
 * The compliance view's search, done by main for a compliance officer: it asks the server, then
 * checks what came back before showing it. Each record must hash to what it claims and be proven
 * to be in the latest signed head; the head must be signed by the audit key this workstation
 * pinned, and extend (consistency proof) the head it witnessed when it last synced. A server that
 * hides, edits or rewrites records cannot make the view say "verified".
 */
import { createHash } from 'node:crypto';
import { entryHash, fromHex, hex, treeHeadSigningBytes } from '../../shared/audit/audit-chain';
import { blake2b256 } from '../../shared/audit/blake2b';
import type { AuditSearchFilter, SignedTreeHead } from '../../shared/audit/audit-entry';
import { merkleTree, type Hash } from '../../shared/audit/merkle-tree';
import { appError } from '../../shared/errors';
import type { ResponseOf } from '../../shared/ipc/contract';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { AUDIT_EXPORT_MAX_RECORDS, type RouteResponse } from '../../shared/protocol/api';
import { loadSodium } from '../keys/sodium';
import type { ApiClient } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';
import type { WitnessedHead } from './ack-check';

const PAGE = 200;
const MAX_PROBLEMS = 20;

const sha256 = (...parts: readonly Uint8Array[]): Hash => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};
const tree = merkleTree(sha256);

type Answer = RouteResponse<'auditSearch'>;
type Verification = ResponseOf<'audit.search'>['verification'];

export interface ComplianceSearchDeps {
  readonly api: ApiClient;
  readonly token: () => string | null;
  /** The head this workstation witnessed at its last audit sync (null before its first). */
  readonly witnessed: () => WitnessedHead | null;
}

/** Checks an answer; pure apart from libsodium, which the caller has loaded. */
export function verifyAnswer(answer: Answer, witnessed: WitnessedHead | null, verifyEd25519: (key: string, message: Uint8Array, signature: string) => boolean): Verification {
  const problems: Verification['problems'][number][] = [];
  const problem = (treeIndex: number | null, text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ treeIndex, problem: text });
  };
  const head: SignedTreeHead | null = answer.head;
  if (head === null) return { status: answer.entries.length === 0 ? 'empty' : 'broken', headSize: 0, headAt: null, checked: 0, problems: answer.entries.length === 0 ? [] : [{ treeIndex: null, problem: 'records without a signed head' }] };
  const root = fromHex(head.rootHash) as Uint8Array;
  const key = answer.auditKey;
  if (key === null || (witnessed !== null && witnessed.auditKey !== key)) problem(null, 'the server signs with another audit key than this workstation pinned');
  else if (!verifyEd25519(key, treeHeadSigningBytes({ treeSize: head.treeSize, timestamp: head.timestamp, rootHash: root }), head.signature)) problem(null, 'the tree head signature does not verify');
  if (witnessed !== null) {
    const old = witnessed.head;
    const consistent =
      old.treeSize > head.treeSize
        ? false
        : old.treeSize === head.treeSize
          ? old.rootHash === head.rootHash
          : old.treeSize === 0 || tree.verifyConsistency(old.treeSize, head.treeSize, answer.consistency.map((h) => fromHex(h) as Uint8Array), fromHex(old.rootHash) as Uint8Array, root);
    if (!consistent) problem(null, `the trail is not consistent with the head of ${String(old.treeSize)} records this workstation witnessed`);
  }
  for (const { entry, proof } of answer.entries) {
    const previous = fromHex(entry.previousHash) as Uint8Array;
    if (hex(entryHash(blake2b256, previous, entry.record)) !== entry.hash) {
      problem(entry.treeIndex, 'the record does not match its hash');
      continue;
    }
    const included = tree.verifyInclusion(tree.leafHash(fromHex(entry.hash) as Uint8Array), entry.treeIndex, head.treeSize, proof.map((h) => fromHex(h) as Uint8Array), root);
    if (!included) problem(entry.treeIndex, 'the record is not in the signed tree head');
  }
  return { status: problems.length === 0 ? 'verified' : 'broken', headSize: head.treeSize, headAt: head.timestamp, checked: answer.entries.length, problems };
}

/** Where exports go, and how they are named: by time only (a file name must not carry a filter value). */
export function exportFileName(at: number): string {
  return `wardline-audit-${new Date(at).toISOString().replace(/[:.]/g, '-')}.fhir.json`;
}

export function createComplianceSearch(deps: ComplianceSearchDeps) {
  const service = {
    /**
     * The selection as a verified FHIR export: every page of the search is verified first, then
     * the server writes the Bundle against the last head verified, and it is saved whole.
     */
    async exportSelection(filter: AuditSearchFilter, save: (fileName: string, content: string, records: number) => Promise<void>, now: number): Promise<IpcResult<ResponseOf<'audit.export'>>> {
      let afterIndex = -1;
      let records = 0;
      const problems: Verification['problems'][number][] = [];
      let page = await service.search(filter, afterIndex);
      for (;;) {
        if (!page.ok) return page;
        records += page.value.records.length;
        if (records > AUDIT_EXPORT_MAX_RECORDS) return fail(appError('PAYLOAD_TOO_LARGE'));
        problems.push(...page.value.verification.problems);
        const last = page.value.records.at(-1);
        if (!page.value.more || last === undefined) break;
        afterIndex = last.treeIndex;
        page = await service.search(filter, afterIndex);
      }
      // The last page's head covers every earlier page's records: the export is proven against it.
      const verification: Verification = { ...page.value.verification, checked: records, problems: problems.slice(0, MAX_PROBLEMS), status: problems.length > 0 ? 'broken' : page.value.verification.status };
      if (verification.headSize === 0) return fail(appError('NOT_FOUND'));
      const exported = await deps.api.call('auditExport', { filter, treeSize: verification.headSize }, deps.token());
      if (!exported.ok) return fail(appError(appCodeOf(exported.error.code)));
      const fileName = exportFileName(now);
      await save(fileName, exported.value.bundle, exported.value.records);
      return ok({ fileName, records: exported.value.records, verification });
    },

    async search(filter: AuditSearchFilter, afterIndex: number): Promise<IpcResult<ResponseOf<'audit.search'>>> {
      const witnessed = deps.witnessed();
      const answer = await deps.api.call('auditSearch', { filter, afterIndex, limit: PAGE, knownTreeSize: witnessed?.head.treeSize ?? 0 }, deps.token());
      if (!answer.ok) return fail(appError(appCodeOf(answer.error.code)));
      const sodium = await loadSodium();
      const verification = verifyAnswer(answer.value, witnessed, (key, message, signature) => {
        try {
          return sodium.crypto_sign_verify_detached(Buffer.from(signature, 'base64'), message, Buffer.from(key, 'base64'));
        } catch {
          return false;
        }
      });
      return ok({
        records: answer.value.entries.map(({ entry }) => ({ treeIndex: entry.treeIndex, record: entry.record })),
        more: answer.value.more,
        verification,
        alerts: answer.value.alerts,
      });
    },
  };
  return service;
}

