/**
 * Receives a workstation's signed audit batch: checks the device's signature and the chain,
 * appends the records to the tree, signs the new head, and acknowledges by sequence number
 * with the proofs the workstation verifies. A resent batch (its acknowledgement was lost) is
 * acknowledged again, not stored twice. Bad signatures, forks and gaps leave an alert.
 *
 * A record in a person's name must fall inside one of that person's sessions on the workstation
 * (shared/audit/actor-attestation.ts). One that does not is still stored, since refusing it would
 * stall the workstation's chain and lose the honest records after it, and it leaves an
 * `unattested-actor` alert naming the workstation and the record; `audit:verify` names it too.
 *
 * A workstation IT revoked sends nothing more (`DEVICE_REVOKED`): its key is no longer trusted
 * to speak for anyone, so records it still holds stay on it for IT to collect. Except while it
 * carries out a wipe IT queued (fetched, not yet done): the wipe sends the records before it
 * destroys the log and the device key, so a revoked PC can be wiped with nothing lost and come
 * back as a new workstation. The records are checked like any others and name the device.
 */
import { batchSigningBytes, checkEntries, fromHex, hex } from '../../shared/audit/audit-chain';
import { blake2b256 } from '../../shared/audit/blake2b';
import type { ChainedEntry, SignedTreeHead, StoredEntry } from '../../shared/audit/audit-entry';
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import type { Clock } from '../clock';
import { signatureValid } from '../../shared/node/crypto/ed25519';
import { loadSodium } from '../../shared/node/crypto/sodium';
import { deviceKeyOf, recordDeviceContact } from '../accounts/device-store';
import type { Database, Queryable } from '../db/database';
import { wipeUnderWay } from '../devices/device-command-store';
import { fail, succeed, type Outcome } from '../outcome';
import { recordAuditAlert } from './audit-alert-store';
import { chainEnd, insertBatch, insertHead, latestHead } from './audit-head-store';
import { insertRecords, storedAt } from './audit-record-store';
import type { AuditSigningKey } from './audit-signing-key';
import { unattestedEntries } from './actor-sessions';
import { leafHashOfEntry, type AuditTree } from './audit-tree';
import { insertLeaves, lockAuditTree } from './audit-tree-store';

export interface AuditIntakeDeps {
  readonly db: Database;
  readonly clock: Clock;
  readonly tree: AuditTree;
  readonly key: AuditSigningKey;
  /** The server's own chain (server-trail.ts): no workstation may send records under it. */
  readonly chainId: string;
  /** Told, after commit, of the entries stored and the head that now covers them (the SIEM forwarder). */
  readonly onAppended?: (entries: readonly StoredEntry[], head: SignedTreeHead) => void;
}

type Batch = RouteRequest<'auditBatch'>;
type Ack = RouteResponse<'auditBatch'>;

function proofs(
  tree: AuditTree,
  leafIndex: number,
  size: number,
  knownTreeSize: number,
): { inclusion: string[]; consistency: string[] } {
  const inclusion = tree.log.inclusionProof(leafIndex, size).map(hex);
  const consistency =
    knownTreeSize > 0 && knownTreeSize <= size ? tree.log.consistencyProof(knownTreeSize, size).map(hex) : [];
  return { inclusion, consistency };
}

export interface SignedRange {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly previousHash: string;
  readonly lastHash: string;
  readonly signature: string;
  readonly devicePublicKey: string;
}

/**
 * Inside a transaction that holds the tree lock and has caught the tree up: stores the new
 * records, their leaves and the signed batch, appends them to this copy of the tree, and signs
 * and stores the new head. The caller truncates the tree again if the transaction fails.
 */
export async function appendBatch(
  tx: Queryable,
  tree: AuditTree,
  input: {
    readonly workstationId: string;
    readonly fresh: readonly ChainedEntry[];
    readonly signed: SignedRange;
    readonly now: number;
  },
): Promise<{ entries: StoredEntry[]; head: SignedTreeHead }> {
  const firstIndex = tree.log.size;
  const leaves = input.fresh.map((entry) => leafHashOfEntry(entry.hash));
  await insertLeaves(tx, firstIndex, leaves.map(hex));
  await insertRecords(tx, input.fresh, firstIndex, input.now);
  await insertBatch(tx, { workstationId: input.workstationId, ...input.signed }, input.now);
  tree.log.append(leaves);
  const head = tree.signHead(tree.log.size, input.now);
  await insertHead(tx, head);
  return { entries: input.fresh.map((entry, i) => ({ ...entry, treeIndex: firstIndex + i })), head };
}

/** One alert per unattested record, up to this many per batch: the verifier names every one. */
const MAX_ALERTS_PER_BATCH = 100;

export async function acceptAuditBatch(
  deps: AuditIntakeDeps,
  batch: Batch,
  appVersion: string | null = null,
): Promise<Outcome<Ack>> {
  const { db, clock, tree } = deps;
  const workstationId = batch.deviceId;
  if (workstationId === deps.chainId) return fail('AUDIT_DEVICE_UNKNOWN');
  const devicePublicKey = await deviceKeyOf(db, workstationId);
  if (devicePublicKey === null) return fail('AUDIT_DEVICE_UNKNOWN');

  const first = batch.entries[0] as ChainedEntry;
  const last = batch.entries.at(-1) as ChainedEntry;
  await loadSodium();
  const broken = checkEntries(blake2b256, batch.entries, workstationId);
  if (broken !== null) {
    await recordAuditAlert(db, { at: clock(), workstationId, kind: 'bad-chain', seq: broken.seq });
    return fail('AUDIT_CHAIN_BROKEN');
  }
  const previousHash = fromHex(first.previousHash) as Uint8Array;
  const signed = batchSigningBytes({
    deviceId: workstationId,
    firstSeq: first.record.seq,
    lastSeq: last.record.seq,
    previousHash,
    lastHash: fromHex(last.hash) as Uint8Array,
  });
  if (!(await signatureValid(devicePublicKey, signed, batch.signature))) {
    await recordAuditAlert(db, { at: clock(), workstationId, kind: 'bad-signature', seq: first.record.seq });
    return fail('AUDIT_SIGNATURE_INVALID');
  }

  let appended = null as { entries: StoredEntry[]; head: SignedTreeHead } | null;
  // Where this copy of the tree stood before appending inside the transaction: if the
  // transaction does not commit, the copy forgets those leaves again.
  let appendedFrom = null as number | null;
  const result = await db
    .transaction(async (tx): Promise<Outcome<Ack>> => {
      // Before the tree lock, always: the device's row lock, held to commit, so a revocation
      // either waits for this batch or this batch finds it (accounts/device-store.ts).
      const contact = await recordDeviceContact(tx, workstationId, { at: clock(), appVersion });
      if (!contact && !(await wipeUnderWay(tx, workstationId))) return fail('DEVICE_REVOKED');
      await lockAuditTree(tx);
      await tree.catchUp(tx);
      const end = await chainEnd(tx, workstationId);
      let fresh: readonly ChainedEntry[] = batch.entries;

      if (first.record.seq <= end.lastSeq) {
        // Some or all of it is here already (a lost acknowledgement): the overlap must match.
        const overlapEnd = Math.min(last.record.seq, end.lastSeq);
        const stored = await storedAt(tx, workstationId, overlapEnd);
        const sent = batch.entries[overlapEnd - first.record.seq] as ChainedEntry;
        if (stored === null || stored.hash !== sent.hash) {
          await recordAuditAlert(tx, { at: clock(), workstationId, kind: 'fork', seq: overlapEnd });
          return fail('AUDIT_CHAIN_BROKEN');
        }
        fresh = batch.entries.slice(overlapEnd - first.record.seq + 1);
      } else if (first.record.seq > end.lastSeq + 1) {
        // Records were lost on the workstation: keep what arrived, and say what is missing.
        await recordAuditAlert(tx, { at: clock(), workstationId, kind: 'gap', seq: end.lastSeq + 1 });
      } else if (first.previousHash !== end.lastHash) {
        await recordAuditAlert(tx, { at: clock(), workstationId, kind: 'fork', seq: first.record.seq });
        return fail('AUDIT_CHAIN_BROKEN');
      }

      if (fresh.length === 0) {
        const head = await latestHead(tx);
        const stored = await storedAt(tx, workstationId, last.record.seq);
        if (head === null || stored === null) return fail('INTERNAL');
        return succeed({
          ackedSeq: last.record.seq,
          leafIndex: stored.treeIndex,
          head,
          auditKey: deps.key.publicKey,
          ...proofs(tree, stored.treeIndex, head.treeSize, batch.knownTreeSize),
        });
      }

      // Checked before the records join the tree, in the same transaction as the alert.
      const unattested = await unattestedEntries(tx, deps.chainId, workstationId, fresh);
      for (const entry of unattested.slice(0, MAX_ALERTS_PER_BATCH)) {
        await recordAuditAlert(tx, { at: clock(), workstationId, kind: 'unattested-actor', seq: entry.record.seq });
      }

      appendedFrom = tree.log.size;
      appended = await appendBatch(tx, tree, {
        workstationId,
        fresh,
        signed: {
          firstSeq: first.record.seq,
          lastSeq: last.record.seq,
          previousHash: first.previousHash,
          lastHash: last.hash,
          signature: batch.signature,
          devicePublicKey,
        },
        now: clock(),
      });
      const head = appended.head;
      const size = head.treeSize;
      return succeed({
        ackedSeq: last.record.seq,
        leafIndex: size - 1,
        head,
        auditKey: deps.key.publicKey,
        ...proofs(tree, size - 1, size, batch.knownTreeSize),
      });
    })
    .catch((error: unknown) => {
      if (appendedFrom !== null) tree.log.truncate(appendedFrom);
      throw error;
    });
  if (appended !== null) deps.onAppended?.(appended.entries, appended.head);
  return result;
}
