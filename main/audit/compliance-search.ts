/**
 * The compliance view's search, done by main for a compliance officer: it asks the server, then
 * checks what came back before showing it. Each record must hash to what it claims and be proven
 * to be in the latest signed head; the head must be signed by the audit key this workstation
 * pinned, and extend (consistency proof) the head it witnessed when it last synced, as every
 * signed head is checked (shared/audit/signed-head.ts). A server that
 * hides, edits or rewrites records cannot make the view say "verified".
 *
 * An export is the server's FHIR Bundle of the same selection. Before it is saved it is read back
 * and run through the offline verifier (what `audit:verify` runs), against the key and head this
 * workstation pinned, and must hold exactly the records and head the search verified; it is saved
 * with the consistency proof from the witnessed head added, so whoever checks the file later
 * against that head (`audit:verify --since-head`) has the proof too. Anything else is refused.
 */
import { createHash } from 'node:crypto';
import { entryHash, fromHex, hex } from '../../shared/audit/audit-chain';
import { checkSignedHead } from '../../shared/audit/signed-head';
import { blake2b256 } from '../../shared/audit/blake2b';
import type { AuditSearchFilter, SignedTreeHead } from '../../shared/audit/audit-entry';
import { merkleTree, type Hash } from '../../shared/audit/merkle-tree';
import { appError } from '../../shared/errors';
import type { ResponseOf } from '../../shared/ipc/contract';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { err, ok as okResult, type Result } from '../../shared/result';
import { AUDIT_EXPORT_MAX_RECORDS, type RouteResponse } from '../../shared/protocol/api';
import { auditBundle, readAuditBundle } from '../../shared/node/fhir/fhir-bundle';
import type { VerifyCrypto } from '../../shared/audit/trail-verification';
import { verifyTrail } from '../../shared/node/audit/trail-verifier';
import type { ConsistencyProof } from '../../shared/audit/trail-export';
import { ed25519Verifier } from '../../shared/node/crypto/ed25519';
import { loadSodium } from '../../shared/node/crypto/sodium';
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

/** Why a Bundle the server wrote is not saved (a typed reason for the log and tests; the renderer is told SERVER_UNTRUSTED). */
export type BundleRefusal = 'unreadable' | 'does-not-verify' | 'not-what-was-verified';

/** What the search pages verified, that the server's Bundle must hold exactly. */
export interface VerifiedSelection {
  readonly head: SignedTreeHead;
  readonly auditKey: string;
  /** Entry hash by tree index, for every record the pages returned. */
  readonly hashes: ReadonlyMap<number, string>;
  readonly witnessed: WitnessedHead | null;
  /** The server's consistency proof from the witnessed head to `head` (from the search answer). */
  readonly consistency: readonly string[];
}

/**
 * The server's Bundle, checked: read back exactly, the witnessed consistency proof added, run
 * through the offline verifier against the pinned key and witnessed head, and holding exactly the
 * verified head and records. Answers the text to save, or why not.
 */
export async function checkExportBundle(
  text: string,
  verified: VerifiedSelection,
  crypto: VerifyCrypto,
): Promise<Result<string, BundleRefusal>> {
  let parsed: ReturnType<typeof readAuditBundle>;
  try {
    parsed = readAuditBundle(JSON.parse(text));
  } catch {
    return err('unreadable');
  }
  if (!parsed.ok) return err('unreadable');
  const read = parsed.value;
  const old = verified.witnessed?.head;
  const carried: ConsistencyProof[] =
    old !== undefined && old.treeSize > 0 && old.treeSize < verified.head.treeSize
      ? [{ fromSize: old.treeSize, toSize: verified.head.treeSize, path: verified.consistency }]
      : [];
  const consistency = [...read.consistency, ...carried];
  const trail = {
    entries: read.entries,
    heads: read.heads,
    batches: read.batches,
    auditKey: read.auditKey,
    consistency,
  };
  const report = await verifyTrail(trail, crypto, {
    auditKey: verified.auditKey,
    ...(verified.witnessed === null ? {} : { sinceHead: verified.witnessed }),
  });
  if (!report.ok) return err('does-not-verify');
  const latest = report.latestHead;
  const same =
    latest?.treeSize === verified.head.treeSize &&
    latest.rootHash === verified.head.rootHash &&
    read.entries.length === verified.hashes.size &&
    read.entries.every(({ entry }) => verified.hashes.get(entry.treeIndex) === entry.hash);
  if (!same) return err('not-what-was-verified');
  const proofs = new Map(
    read.entries.flatMap(({ entry, inclusionProof }) =>
      inclusionProof === null ? [] : [[entry.treeIndex, inclusionProof] as const],
    ),
  );
  const bundle = auditBundle(
    read.entries.map((item) => item.entry),
    {
      id: read.id,
      timestamp: read.timestamp,
      heads: read.heads,
      batches: read.batches,
      proofs,
      consistency,
      ...(read.auditKey === null ? {} : { auditKey: read.auditKey }),
      codeSystemBase: read.codeSystemBase,
    },
  );
  return okResult(`${JSON.stringify(bundle, null, 1)}\n`);
}

export interface ComplianceSearchDeps {
  readonly api: ApiClient;
  readonly token: () => string | null;
  /** The head this workstation witnessed at its last audit sync (null before its first). */
  readonly witnessed: () => WitnessedHead | null;
}

/** Checks an answer; pure apart from libsodium, which the caller has loaded. */
export function verifyAnswer(
  answer: Answer,
  witnessed: WitnessedHead | null,
  verifyEd25519: (key: string, message: Uint8Array, signature: string) => boolean,
): Verification {
  const problems: Verification['problems'][number][] = [];
  const problem = (treeIndex: number | null, text: string) => {
    if (problems.length < MAX_PROBLEMS) problems.push({ treeIndex, problem: text });
  };
  const head: SignedTreeHead | null = answer.head;
  if (head === null)
    return {
      status: answer.entries.length === 0 ? 'empty' : 'broken',
      headSize: 0,
      headAt: null,
      checked: 0,
      problems: answer.entries.length === 0 ? [] : [{ treeIndex: null, problem: 'records without a signed head' }],
    };
  const root = fromHex(head.rootHash) as Uint8Array;
  const key = answer.auditKey;
  const verdict = checkSignedHead(
    {
      head,
      presentedKey: key,
      pinnedKey: witnessed?.auditKey ?? null,
      ...(witnessed === null ? {} : { witnessed: { head: witnessed.head, proof: answer.consistency } }),
    },
    { sha256, verifySignature: verifyEd25519 },
  );
  // An answer with a head names its key (the protocol's shape), even where a pinned key could check it.
  if (key === null || verdict.key !== null)
    problem(null, 'the server signs with another audit key than this workstation pinned');
  else if (!verdict.signed) problem(null, 'the tree head signature does not verify');
  if (witnessed !== null && verdict.extension !== null)
    problem(
      null,
      `the trail is not consistent with the head of ${String(witnessed.head.treeSize)} records this workstation witnessed`,
    );
  for (const { entry, proof } of answer.entries) {
    const previous = fromHex(entry.previousHash) as Uint8Array;
    if (hex(entryHash(blake2b256, previous, entry.record)) !== entry.hash) {
      problem(entry.treeIndex, 'the record does not match its hash');
      continue;
    }
    const included = tree.verifyInclusion(
      tree.leafHash(fromHex(entry.hash) as Uint8Array),
      entry.treeIndex,
      head.treeSize,
      proof.map((h) => fromHex(h) as Uint8Array),
      root,
    );
    if (!included) problem(entry.treeIndex, 'the record is not in the signed tree head');
  }
  return {
    status: problems.length === 0 ? 'verified' : 'broken',
    headSize: head.treeSize,
    headAt: head.timestamp,
    checked: answer.entries.length,
    problems,
  };
}

/** Where exports go, and how they are named: by time only (a file name must not carry a filter value). */
export function exportFileName(at: number): string {
  return `wardline-audit-${new Date(at).toISOString().replace(/[:.]/g, '-')}.fhir.json`;
}

export function createComplianceSearch(deps: ComplianceSearchDeps) {
  /** One page, asked and verified, with the answer and the witnessed head it was checked against. */
  async function ask(
    filter: AuditSearchFilter,
    afterIndex: number,
  ): Promise<IpcResult<{ answer: Answer; witnessed: WitnessedHead | null; verification: Verification }>> {
    const witnessed = deps.witnessed();
    const answer = await deps.api.call(
      'auditSearch',
      { filter, afterIndex, limit: PAGE, knownTreeSize: witnessed?.head.treeSize ?? 0 },
      deps.token(),
    );
    if (!answer.ok) return fail(appError(appCodeOf(answer.error.code)));
    const sodium = await loadSodium();
    return ok({
      answer: answer.value,
      witnessed,
      verification: verifyAnswer(answer.value, witnessed, ed25519Verifier(sodium)),
    });
  }

  return {
    /**
     * The selection as a verified FHIR export: every page of the search is verified first, then
     * the server writes the Bundle against the last head verified, which is checked against what
     * the pages verified (checkExportBundle) and saved whole, or refused.
     */
    async exportSelection(
      filter: AuditSearchFilter,
      save: (fileName: string, content: string, records: number) => Promise<void>,
      now: number,
    ): Promise<IpcResult<ResponseOf<'audit.export'>>> {
      const hashes = new Map<number, string>();
      const problems: Verification['problems'][number][] = [];
      let page = await ask(filter, -1);
      for (;;) {
        if (!page.ok) return page;
        for (const { entry } of page.value.answer.entries) hashes.set(entry.treeIndex, entry.hash);
        if (hashes.size > AUDIT_EXPORT_MAX_RECORDS) return fail(appError('PAYLOAD_TOO_LARGE'));
        problems.push(...page.value.verification.problems);
        const last = page.value.answer.entries.at(-1);
        if (!page.value.answer.more || last === undefined) break;
        page = await ask(filter, last.entry.treeIndex);
      }
      // The last page's head covers every earlier page's records: the export is proven against it.
      const { answer, witnessed } = page.value;
      const verification: Verification = {
        ...page.value.verification,
        checked: hashes.size,
        problems: problems.slice(0, MAX_PROBLEMS),
        status: problems.length > 0 ? 'broken' : page.value.verification.status,
      };
      // Nothing selected, nothing to prove: an empty Bundle would not verify as an export.
      if (answer.head === null || answer.auditKey === null || hashes.size === 0) return fail(appError('NOT_FOUND'));
      const exported = await deps.api.call('auditExport', { filter, treeSize: answer.head.treeSize }, deps.token());
      if (!exported.ok) return fail(appError(appCodeOf(exported.error.code)));
      const sodium = await loadSodium();
      const checked = await checkExportBundle(
        exported.value.bundle,
        {
          head: answer.head,
          auditKey: witnessed?.auditKey ?? answer.auditKey,
          hashes,
          witnessed,
          consistency: answer.consistency,
        },
        { sha256, blake2b: blake2b256, verifySignature: ed25519Verifier(sodium) },
      );
      // The server wrote something other than what was verified (or what does not verify): not saved.
      if (!checked.ok) return fail(appError('SERVER_UNTRUSTED'));
      const fileName = exportFileName(now);
      await save(fileName, checked.value, hashes.size);
      return ok({ fileName, records: hashes.size, verification });
    },

    async search(filter: AuditSearchFilter, afterIndex: number): Promise<IpcResult<ResponseOf<'audit.search'>>> {
      const asked = await ask(filter, afterIndex);
      if (!asked.ok) return asked;
      const { answer, verification } = asked.value;
      return ok({
        records: answer.entries.map(({ entry }) => ({ treeIndex: entry.treeIndex, record: entry.record })),
        more: answer.more,
        verification,
        alerts: answer.alerts,
      });
    },
  };
}
