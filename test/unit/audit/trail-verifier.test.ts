/**
 * The offline verifier over a real (in-memory) trail: BLAKE2b chains from three workstations,
 * Ed25519-signed batches, signed tree heads. An edit, a deletion, a reordering, an insertion, a
 * cut tail, a forged tail, a forged batch, re-signed heads and a rewritten history are each found
 * and named.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSodium, type Sodium } from '../../../shared/node/crypto/sodium';
import { createMerkleLog } from '../../../shared/audit/merkle-log';
import { withConsistencyFrom } from '../../../server/audit/trail-export';
import type { StoredBatch } from '../../../shared/audit/trail-export';
import type { VerifyCrypto } from '../../../shared/audit/trail-verification';
import { verifyTrail } from '../../../shared/node/audit/trail-verifier';
import type { ExportedEntry, TrailExport } from '../../../shared/audit/trail-export';
import { UNATTESTED_PROBLEM } from '../../../shared/node/audit/verify-attestation';
import { nodeVerifyCrypto } from '../../../shared/node/audit/verify-crypto';
import {
  batchSigningBytes,
  entryHash,
  fromHex,
  GENESIS_HASH,
  hex,
  treeHeadSigningBytes,
} from '../../../shared/audit/audit-chain';
import { blake2b256 } from '../../../shared/audit/blake2b';
import type { SignedTreeHead, StoredEntry } from '../../../shared/audit/audit-entry';
import type { AuditRecord } from '../../../shared/audit/audit-event';
import { merkleTree } from '../../../shared/audit/merkle-tree';

const sha256 = (...parts: readonly Uint8Array[]) => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
};
const WORKSTATIONS = [
  'aa11bb22-cc33-4d44-8e55-ff6677889900',
  'bb11bb22-cc33-4d44-8e55-ff6677889901',
  'cc11bb22-cc33-4d44-8e55-ff6677889902',
];
const CONVERSATION = '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b';

let sodium: Sodium;
let crypto: VerifyCrypto;
let trail: TrailExport;
let serverKeys: { publicKey: Uint8Array; privateKey: Uint8Array };

beforeAll(async () => {
  sodium = await loadSodium();
  // What audit:verify runs on, tree roots on the worker thread included.
  crypto = nodeVerifyCrypto(sodium);
  serverKeys = sodium.crypto_sign_keypair();
  trail = buildTrail();
});

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function signHead(treeSize: number, root: Uint8Array, at: number, keys = serverKeys): SignedTreeHead {
  return {
    treeSize,
    timestamp: at,
    rootHash: hex(root),
    signature: b64(
      sodium.crypto_sign_detached(treeHeadSigningBytes({ treeSize, timestamp: at, rootHash: root }), keys.privateKey),
    ),
  };
}

/** Three workstations, batches of 4 interleaved in the tree, a head after each batch. */
function buildTrail(): TrailExport {
  const devices = WORKSTATIONS.map((id) => ({
    id,
    keys: sodium.crypto_sign_keypair(),
    seq: 0,
    last: hex(GENESIS_HASH),
  }));
  const entries: ExportedEntry[] = [];
  const batches: StoredBatch[] = [];
  const heads: SignedTreeHead[] = [];
  const log = createMerkleLog(sha256);
  const tree = merkleTree(sha256);
  for (let round = 0; round < 3; round++) {
    for (const device of devices) {
      const batch: StoredEntry[] = [];
      const previousHash = device.last;
      for (let i = 0; i < 4; i++) {
        device.seq += 1;
        const record: AuditRecord = {
          // The workstation's own records: integrity is what these tests are about; a record in a
          // person's name needs that person's session on the server's chain (verify-attestation.test.ts).
          actor: { userId: null, role: null },
          action: 'conversation.opened',
          object: { kind: 'conversation', id: CONVERSATION },
          patient: null,
          at: 1_795_000_000_000 + entries.length * 1000,
          seq: device.seq,
          workstationId: device.id,
          outcome: 'success',
          reason: null,
        };
        const hash = hex(entryHash(blake2b256, fromHex(device.last) as Uint8Array, record));
        const entry: StoredEntry = { record, previousHash: device.last, hash, treeIndex: log.size + batch.length };
        batch.push(entry);
        device.last = hash;
      }
      log.append(batch.map((e) => tree.leafHash(fromHex(e.hash) as Uint8Array)));
      entries.push(...batch.map((entry) => ({ entry, inclusionProof: null })));
      const first = batch[0] as StoredEntry;
      const last = batch.at(-1) as StoredEntry;
      const signed = batchSigningBytes({
        deviceId: device.id,
        firstSeq: first.record.seq,
        lastSeq: last.record.seq,
        previousHash: fromHex(previousHash) as Uint8Array,
        lastHash: fromHex(last.hash) as Uint8Array,
      });
      batches.push({
        workstationId: device.id,
        firstSeq: first.record.seq,
        lastSeq: last.record.seq,
        previousHash,
        lastHash: last.hash,
        signature: b64(sodium.crypto_sign_detached(signed, device.keys.privateKey)),
        devicePublicKey: b64(device.keys.publicKey),
      });
      heads.push(signHead(log.size, log.root(), 1_795_000_100_000 + heads.length));
    }
  }
  return { entries, heads, batches, auditKey: b64(serverKeys.publicKey) };
}

const clone = (t: TrailExport): TrailExport => structuredClone<TrailExport>(t);
const withEntries = (t: TrailExport, change: (entries: ExportedEntry[]) => ExportedEntry[]): TrailExport => ({
  ...t,
  entries: change(clone(t).entries.slice()),
});

describe('the trail verifier', () => {
  it('passes the untouched trail: chains, batch signatures, every head', async () => {
    const report = await verifyTrail(trail, crypto);
    expect(report.breaks).toEqual([]);
    expect(report).toMatchObject({ ok: true, records: 36, workstations: 3, batches: 9, heads: 9 });
  });

  it('names an edited record (any visible field)', async () => {
    for (const edit of [
      (r: AuditRecord): AuditRecord => ({ ...r, at: r.at + 1 }),
      (r: AuditRecord): AuditRecord => ({ ...r, actor: { userId: 'nurse.brown', role: 'nurse' } }),
      (r: AuditRecord): AuditRecord => ({ ...r, action: 'message.read' }),
      (r: AuditRecord): AuditRecord => ({
        ...r,
        object: { kind: 'conversation', id: '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d' },
      }),
      (r: AuditRecord): AuditRecord => ({ ...r, outcome: 'failure', reason: 'FORBIDDEN' }),
    ]) {
      const edited = withEntries(trail, (entries) => {
        const target = entries[17] as ExportedEntry;
        entries[17] = { ...target, entry: { ...target.entry, record: edit(target.entry.record) } };
        return entries;
      });
      const report = await verifyTrail(edited, crypto);
      const target = trail.entries[17]?.entry as StoredEntry;
      expect(report.ok).toBe(false);
      expect(report.breaks[0]).toEqual({
        kind: 'record',
        workstationId: target.record.workstationId,
        seq: target.record.seq,
        treeIndex: 17,
        problem: 'hash-mismatch',
      });
    }
  });

  it('names a deleted record', async () => {
    const report = await verifyTrail(
      withEntries(trail, (entries) => entries.filter((_, i) => i !== 9)),
      crypto,
    );
    const target = trail.entries[9]?.entry as StoredEntry;
    expect(report.breaks).toContainEqual({
      kind: 'record',
      workstationId: target.record.workstationId,
      seq: target.record.seq,
      treeIndex: null,
      problem: 'sequence-gap',
    });
    expect(report.breaks).toContainEqual({ kind: 'tree', treeIndex: 9, problem: 'record missing from the export' });
  });

  it('names reordered records', async () => {
    const report = await verifyTrail(
      withEntries(trail, (entries) => {
        const a = entries[4] as ExportedEntry;
        const b = entries[5] as ExportedEntry;
        entries[4] = { ...b, entry: { ...b.entry, treeIndex: 4 } };
        entries[5] = { ...a, entry: { ...a.entry, treeIndex: 5 } };
        return entries;
      }),
      crypto,
    );
    expect(report.ok).toBe(false);
    expect(report.breaks).toContainEqual({
      kind: 'head',
      treeSize: 8,
      problem: 'root does not match the records at tree index 4 to 7',
    });
  });

  it('names an inserted record', async () => {
    const report = await verifyTrail(
      withEntries(trail, (entries) => {
        const copy = structuredClone(entries[6]) as ExportedEntry;
        return [...entries.slice(0, 7), { ...copy, entry: { ...copy.entry, treeIndex: 7 } }, ...entries.slice(7)];
      }),
      crypto,
    );
    expect(report.ok).toBe(false);
    expect(report.breaks).toContainEqual({
      kind: 'tree',
      treeIndex: 8,
      problem: 'two records claim this place in the tree',
    });
  });

  it('names a cut tail: against its own heads, and against a head trusted from before even when the later heads are gone too', async () => {
    const cut = withEntries(trail, (entries) => entries.slice(0, 30));
    expect((await verifyTrail(cut, crypto)).breaks).toContainEqual({
      kind: 'head',
      treeSize: 32,
      problem: 'covers 32 records, the export has 30',
    });
    const trusted = { auditKey: trail.auditKey as string, head: trail.heads.at(-1) as SignedTreeHead };
    const cutClean = {
      ...withEntries(trail, (entries) => entries.slice(0, 28)),
      heads: trail.heads.slice(0, 7),
      batches: trail.batches.slice(0, 7),
    };
    expect((await verifyTrail(cutClean, crypto)).ok).toBe(true);
    expect((await verifyTrail(cutClean, crypto, { sinceHead: trusted })).breaks).toEqual([
      { kind: 'head', treeSize: 36, problem: 'the trusted head covers records this export does not have (cut tail)' },
    ]);
  });

  it('names a batch whose device signature is forged or whose records differ from what was signed', async () => {
    const forged = clone(trail);
    const batch = forged.batches[4] as StoredBatch;
    (forged.batches as StoredBatch[])[4] = { ...batch, signature: b64(new Uint8Array(64).fill(3)) };
    const breaks = (await verifyTrail(forged, crypto)).breaks;
    expect(breaks[0]).toEqual({
      kind: 'batch',
      workstationId: batch.workstationId,
      firstSeq: batch.firstSeq,
      lastSeq: batch.lastSeq,
      problem: 'device signature does not verify',
    });
    // Its records are then covered by no signature of their device's.
    expect(breaks.slice(1).map((b) => b.kind === 'record' && [b.seq, b.problem])).toEqual(
      [5, 6, 7, 8].map((seq) => [seq, 'not covered by a device-signed batch']),
    );
  });

  it('catches a server that rewrites history and re-signs every head: the trusted earlier head no longer fits', async () => {
    // The server drops workstation 2's first batch, rebuilds the tree, and signs new heads with its own key.
    const dropped = new Set([8, 9, 10, 11]);
    const kept = trail.entries.filter((_, i) => !dropped.has(i));
    const log = createMerkleLog(sha256);
    const tree = merkleTree(sha256);
    const rewrittenEntries = kept.map((e, i) => ({ ...e, entry: { ...e.entry, treeIndex: i } }));
    log.append(rewrittenEntries.map((e) => tree.leafHash(fromHex(e.entry.hash) as Uint8Array)));
    const rewritten: TrailExport = {
      entries: rewrittenEntries,
      heads: [signHead(log.size, log.root(), 1_795_000_200_000)],
      batches: trail.batches.filter((b) => !(b.workstationId === WORKSTATIONS[2] && b.firstSeq === 1)),
      auditKey: trail.auditKey,
    };
    const report = await verifyTrail(rewritten, crypto, {
      sinceHead: { auditKey: trail.auditKey as string, head: trail.heads[5] as SignedTreeHead },
    });
    expect(report.breaks).toContainEqual({
      kind: 'head',
      treeSize: 24,
      problem: 'the trusted head is not consistent with this export (history rewritten)',
    });
    expect(report.breaks).toContainEqual({
      kind: 'record',
      workstationId: WORKSTATIONS[2],
      seq: 1,
      treeIndex: null,
      problem: 'sequence-gap',
    });
  });

  it('checks a full export against every head a witness kept, not only the newest: a re-signed rewrite shows against an older one', async () => {
    // Whoever holds the audit key rewrites the history and signs a new head over it, which the
    // SIEM then receives too. The newest head agrees with the rewrite; the older ones the SIEM kept do not.
    const kept = trail.entries.filter((_, i) => i < 8 || i > 11);
    const log = createMerkleLog(sha256);
    const tree = merkleTree(sha256);
    const entries = kept.map((e, i) => ({ ...e, entry: { ...e.entry, treeIndex: i } }));
    log.append(entries.map((e) => tree.leafHash(fromHex(e.entry.hash) as Uint8Array)));
    const resigned = signHead(log.size, log.root(), 1_795_000_200_000);
    const rewritten: TrailExport = { ...trail, entries, heads: [resigned] };
    const rewrite = {
      kind: 'head',
      treeSize: 24,
      problem: 'the trusted head is not consistent with this export (history rewritten)',
    };
    const newestOnly = await verifyTrail(rewritten, crypto, {
      sinceHead: { auditKey: trail.auditKey as string, head: resigned },
    });
    expect(newestOnly.breaks.filter((b) => b.kind === 'head')).toEqual([]);
    const everyHead = await verifyTrail(rewritten, crypto, {
      sinceHead: { auditKey: trail.auditKey as string, head: resigned },
      witnessHeads: [...trail.heads, resigned],
    });
    expect(everyHead.breaks).toContainEqual(rewrite);
    expect(everyHead.consistentWith).toBeNull();
    // The honest trail agrees with every head the SIEM kept, and is proven consistent with the newest.
    const honest = await verifyTrail(trail, crypto, { witnessHeads: trail.heads });
    expect(honest.breaks).toEqual([]);
    expect(honest.consistentWith).toBe(36);
  });

  it('refuses heads signed with another key than the trusted one', async () => {
    const other = sodium.crypto_sign_keypair();
    const report = await verifyTrail({ ...trail, auditKey: b64(other.publicKey) }, crypto, {
      sinceHead: { auditKey: trail.auditKey as string, head: trail.heads[0] as SignedTreeHead },
    });
    expect(report.breaks[0]).toEqual({
      kind: 'head',
      treeSize: 4,
      problem: 'the export names another audit key than the pinned one',
    });
  });

  it('verifies a selection by inclusion proofs, and names a record whose proof fails', async () => {
    const log = createMerkleLog(sha256);
    const tree = merkleTree(sha256);
    log.append(trail.entries.map((e) => tree.leafHash(fromHex(e.entry.hash) as Uint8Array)));
    const latest = trail.heads.at(-1) as SignedTreeHead;
    const picked = [3, 17, 30].map((i) => ({
      entry: (trail.entries[i] as ExportedEntry).entry,
      inclusionProof: { treeSize: latest.treeSize, path: log.inclusionProof(i, latest.treeSize).map(hex) },
    }));
    const selection: TrailExport = {
      entries: picked,
      heads: [latest],
      batches: trail.batches,
      auditKey: trail.auditKey,
    };
    expect((await verifyTrail(selection, crypto)).breaks).toEqual([]);
    const bad = structuredClone<TrailExport>(selection);
    const victim = bad.entries[1] as ExportedEntry;
    (bad.entries as ExportedEntry[])[1] = { ...victim, entry: { ...victim.entry, treeIndex: 16 } };
    expect((await verifyTrail(bad, crypto)).breaks).toEqual([
      {
        kind: 'record',
        workstationId: victim.entry.record.workstationId,
        seq: victim.entry.record.seq,
        treeIndex: 16,
        problem: 'not proven to be in a signed tree head',
      },
    ]);
  });

  /** One more record at the end of a workstation's chain, hashed correctly, at the next tree index. */
  function appended(t: TrailExport, workstationId: string): ExportedEntry {
    const last = t.entries.filter((e) => e.entry.record.workstationId === workstationId).at(-1)!.entry;
    const record: AuditRecord = {
      ...last.record,
      seq: last.record.seq + 1,
      at: last.record.at + 60_000,
      action: 'message.read',
    };
    const hash = hex(entryHash(blake2b256, fromHex(last.hash)!, record));
    return { entry: { record, previousHash: last.hash, hash, treeIndex: t.entries.length }, inclusionProof: null };
  }

  it('names a forged tail: a correctly chained record past the latest head, in no signed batch', async () => {
    const fake = appended(trail, WORKSTATIONS[1]!);
    const named = { kind: 'record', workstationId: WORKSTATIONS[1], seq: fake.entry.record.seq, treeIndex: 36 };
    const report = await verifyTrail({ ...trail, entries: [...trail.entries, fake] }, crypto);
    expect(report.breaks).toEqual([
      { ...named, problem: 'not covered by a device-signed batch' },
      { ...named, problem: 'not covered by any signed tree head' },
    ]);
    // Signed as a batch with a key of the forger's own, it is still past every head, and the key is another.
    const forger = sodium.crypto_sign_keypair();
    const bytes = batchSigningBytes({
      deviceId: WORKSTATIONS[1]!,
      firstSeq: fake.entry.record.seq,
      lastSeq: fake.entry.record.seq,
      previousHash: fromHex(fake.entry.previousHash)!,
      lastHash: fromHex(fake.entry.hash)!,
    });
    const forgedBatch: StoredBatch = {
      workstationId: WORKSTATIONS[1]!,
      firstSeq: fake.entry.record.seq,
      lastSeq: fake.entry.record.seq,
      previousHash: fake.entry.previousHash,
      lastHash: fake.entry.hash,
      signature: b64(sodium.crypto_sign_detached(bytes, forger.privateKey)),
      devicePublicKey: b64(forger.publicKey),
    };
    const signed = await verifyTrail(
      { ...trail, entries: [...trail.entries, fake], batches: [...trail.batches, forgedBatch] },
      crypto,
    );
    expect(signed.breaks).toEqual([
      {
        kind: 'batch',
        workstationId: WORKSTATIONS[1],
        firstSeq: fake.entry.record.seq,
        lastSeq: fake.entry.record.seq,
        problem: 'device key changed within one chain',
      },
      { ...named, problem: 'not covered by any signed tree head' },
    ]);
  });

  it('names every record of a whole forged workstation, whose own batch verifies, as covered by no signed head', async () => {
    const forger = { id: 'dd11bb22-cc33-4d44-8e55-ff6677889903', keys: sodium.crypto_sign_keypair() };
    let previous = GENESIS_HASH;
    const fakes: ExportedEntry[] = [1, 2, 3].map((seq, i) => {
      const record: AuditRecord = {
        ...(trail.entries[0] as ExportedEntry).entry.record,
        seq,
        workstationId: forger.id,
      };
      const hash = entryHash(blake2b256, previous, record);
      const entry = { record, previousHash: hex(previous), hash: hex(hash), treeIndex: 36 + i };
      previous = hash;
      return { entry, inclusionProof: null };
    });
    const bytes = batchSigningBytes({
      deviceId: forger.id,
      firstSeq: 1,
      lastSeq: 3,
      previousHash: GENESIS_HASH,
      lastHash: previous,
    });
    const batch: StoredBatch = {
      workstationId: forger.id,
      firstSeq: 1,
      lastSeq: 3,
      previousHash: hex(GENESIS_HASH),
      lastHash: hex(previous),
      signature: b64(sodium.crypto_sign_detached(bytes, forger.keys.privateKey)),
      devicePublicKey: b64(forger.keys.publicKey),
    };
    const report = await verifyTrail(
      { ...trail, entries: [...trail.entries, ...fakes], batches: [...trail.batches, batch] },
      crypto,
    );
    expect(report.breaks).toEqual(
      fakes
        .map(({ entry }) => ({
          kind: 'record',
          workstationId: forger.id,
          seq: entry.record.seq,
          treeIndex: entry.treeIndex,
          problem: 'not covered by any signed tree head',
        }))
        .reverse(),
    );
  });

  it('names the records no verifying device batch covers, and an export without any signed head', async () => {
    const batch = trail.batches[4] as StoredBatch;
    const report = await verifyTrail({ ...trail, batches: trail.batches.filter((b) => b !== batch) }, crypto);
    const covered = trail.entries.filter(
      (e) =>
        e.entry.record.workstationId === batch.workstationId &&
        e.entry.record.seq >= batch.firstSeq &&
        e.entry.record.seq <= batch.lastSeq,
    );
    expect(covered).toHaveLength(4);
    expect(report.breaks).toEqual(
      covered.map(({ entry }) => ({
        kind: 'record',
        workstationId: batch.workstationId,
        seq: entry.record.seq,
        treeIndex: entry.treeIndex,
        problem: 'not covered by a device-signed batch',
      })),
    );
    // A batch whose signature fails covers nothing either.
    const forged = trail.batches.map((b) => (b === batch ? { ...b, signature: b64(new Uint8Array(64).fill(7)) } : b));
    expect((await verifyTrail({ ...trail, batches: forged }, crypto)).breaks).toHaveLength(5);
    expect((await verifyTrail({ ...trail, heads: [] }, crypto)).breaks).toEqual([
      { kind: 'head', treeSize: 0, problem: 'the export has no signed tree head' },
    ]);
  });

  it('checks the heads against a pinned key: heads re-signed with another key are caught, and a key read from the export is reported as unpinned', async () => {
    const forger = sodium.crypto_sign_keypair();
    const resigned: TrailExport = {
      ...trail,
      heads: trail.heads.map((h) => signHead(h.treeSize, fromHex(h.rootHash)!, h.timestamp, forger)),
      auditKey: b64(forger.publicKey),
    };
    expect(await verifyTrail(resigned, crypto)).toMatchObject({ ok: true, auditKey: 'from-export' });
    const key = trail.auditKey as string;
    const pinned = await verifyTrail(resigned, crypto, { auditKey: key });
    expect(pinned.breaks).toEqual([
      { kind: 'head', treeSize: 36, problem: 'the export names another audit key than the pinned one' },
      ...trail.heads.map((h) => ({
        kind: 'head',
        treeSize: h.treeSize,
        problem: 'signature does not verify with the audit key',
      })),
    ]);
    // Stripped of the key it names, a re-signed export still fails against the pinned one; the real one passes.
    expect((await verifyTrail({ ...resigned, auditKey: null }, crypto, { auditKey: key })).breaks).toHaveLength(9);
    expect(await verifyTrail({ ...trail, auditKey: null }, crypto, { auditKey: key })).toMatchObject({
      ok: true,
      auditKey: 'pinned',
    });
    expect(await verifyTrail({ ...trail, auditKey: null }, crypto)).toMatchObject({ ok: false, auditKey: 'none' });
    // A trusted head pins the key too, and must agree with a key pinned beside it.
    expect(await verifyTrail(trail, crypto, { sinceHead: { auditKey: key, head: trail.heads[2]! } })).toMatchObject({
      ok: true,
      auditKey: 'pinned',
      consistentWith: 12,
    });
    expect(
      (
        await verifyTrail(trail, crypto, {
          auditKey: b64(forger.publicKey),
          sinceHead: { auditKey: key, head: trail.heads[2]! },
        })
      ).breaks[0],
    ).toEqual({
      kind: 'head',
      treeSize: 12,
      problem: 'the trusted head names another audit key than the pinned one',
    });
  });

  describe('consistency with a trusted head', () => {
    const log = () => {
      const built = createMerkleLog(sha256);
      built.append(trail.entries.map((e) => merkleTree(sha256).leafHash(fromHex(e.entry.hash)!)));
      return built;
    };
    /** Records 3, 17 and 30, each with its proof against the latest head, and their batches. */
    function selection(): TrailExport {
      const built = log();
      const latest = trail.heads.at(-1)!;
      const entries = [3, 17, 30].map((i) => ({
        entry: trail.entries[i]!.entry,
        inclusionProof: { treeSize: latest.treeSize, path: built.inclusionProof(i, latest.treeSize).map(hex) },
      }));
      return { entries, heads: [latest], batches: trail.batches, auditKey: trail.auditKey };
    }
    const trusted = () => ({ auditKey: trail.auditKey as string, head: trail.heads[3]! });

    it('claims nothing for a selection without a proof from the trusted size', async () => {
      const report = await verifyTrail(selection(), crypto, { sinceHead: trusted() });
      expect(report.breaks).toEqual([
        { kind: 'head', treeSize: 16, problem: 'no consistency proof from tree size 16' },
      ]);
      expect(report.consistentWith).toBeNull();
      // A proof from another size is no proof from this one.
      const other = { fromSize: 12, toSize: 36, path: log().consistencyProof(12, 36).map(hex) };
      expect(
        (await verifyTrail({ ...selection(), consistency: [other] }, crypto, { sinceHead: trusted() })).breaks,
      ).toEqual(report.breaks);
    });

    it('proves a selection consistent by the proof it carries, and names a head from another history', async () => {
      const proof = { fromSize: 16, toSize: 36, path: log().consistencyProof(16, 36).map(hex) };
      const proven = await verifyTrail({ ...selection(), consistency: [proof] }, crypto, { sinceHead: trusted() });
      expect(proven).toMatchObject({ ok: true, consistentWith: 16, breaks: [] });
      const rewritten = 'the trusted head is not consistent with this export (history rewritten)';
      const elsewhere = {
        auditKey: trail.auditKey as string,
        head: signHead(16, sha256(new TextEncoder().encode('another history')), trail.heads[3]!.timestamp),
      };
      expect(
        (await verifyTrail({ ...selection(), consistency: [proof] }, crypto, { sinceHead: elsewhere })).breaks,
      ).toEqual([{ kind: 'head', treeSize: 16, problem: rewritten }]);
      const edited = {
        ...proof,
        path: proof.path.map((h, i) => (i === 0 ? h.replace(/^./, (c) => (c === '0' ? '1' : '0')) : h)),
      };
      expect(
        (await verifyTrail({ ...selection(), consistency: [edited] }, crypto, { sinceHead: trusted() })).breaks,
      ).toEqual([{ kind: 'head', treeSize: 16, problem: rewritten }]);
      expect(
        (
          await verifyTrail(selection(), crypto, {
            sinceHead: { auditKey: trail.auditKey as string, head: trail.heads.at(-1)! },
          })
        ).consistentWith,
      ).toBe(36);
    });

    it('gives an export the proof from a trusted size, computed from its records, or says why it cannot', async () => {
      const carried = withConsistencyFrom(trail, 16);
      if (!carried.ok) throw new Error(carried.error);
      expect(carried.value.consistency).toEqual([
        { fromSize: 16, toSize: 36, path: log().consistencyProof(16, 36).map(hex) },
      ]);
      expect(
        await verifyTrail({ ...selection(), consistency: carried.value.consistency! }, crypto, {
          sinceHead: trusted(),
        }),
      ).toMatchObject({ ok: true, consistentWith: 16 });
      expect(
        withConsistencyFrom(
          withEntries(trail, (entries) => entries.filter((_, i) => i !== 5)),
          16,
        ),
      ).toEqual({ ok: false, error: 'records-missing' });
      expect(withConsistencyFrom(trail, 37)).toEqual({ ok: false, error: 'newer-than-trail' });
      expect(withConsistencyFrom({ ...trail, heads: [] }, 16)).toEqual({ ok: false, error: 'no-head' });
    });

    it('checks a proof a full export carries against the recomputed roots', async () => {
      const proof = { fromSize: 16, toSize: 36, path: log().consistencyProof(16, 36).map(hex) };
      expect(await verifyTrail({ ...trail, consistency: [proof] }, crypto, { sinceHead: trusted() })).toMatchObject({
        ok: true,
        consistentWith: 16,
      });
      const wrong = { ...proof, fromSize: 20 };
      expect((await verifyTrail({ ...trail, consistency: [wrong] }, crypto)).breaks).toEqual([
        { kind: 'head', treeSize: 20, problem: 'the consistency proof to tree size 36 does not verify' },
      ]);
    });
  });

  it('names a stored record that no longer reads, by tree index, workstation and seq, and checks the rest around it', async () => {
    const victim = trail.entries[16]!.entry; // the first record of a batch
    const lost = {
      treeIndex: 16,
      workstationId: victim.record.workstationId,
      seq: victim.record.seq,
      hash: victim.hash,
    };
    const named = {
      kind: 'unreadable',
      treeIndex: 16,
      workstationId: victim.record.workstationId,
      seq: victim.record.seq,
      problem: 'the stored record no longer reads as an audit record',
    };
    const report = await verifyTrail(
      { ...trail, entries: trail.entries.filter((_, i) => i !== 16), unreadable: [lost] },
      crypto,
    );
    expect(report.breaks).toEqual([named]);
    expect(report.records).toBe(36);
    // Without its hash, its place in the tree cannot be checked either.
    const blind = await verifyTrail(
      { ...trail, entries: trail.entries.filter((_, i) => i !== 16), unreadable: [{ ...lost, hash: null }] },
      crypto,
    );
    expect(blind.breaks.slice(0, 2)).toEqual([
      named,
      { kind: 'tree', treeIndex: 16, problem: 'the place of an unreadable record cannot be checked' },
    ]);
  });

  describe('records purged under retention', () => {
    const SERVER_CHAIN = 'dd11bb22-cc33-4d44-8e55-ff6677889903';
    const lastHeadAt = () => (trail.heads.at(-1) as SignedTreeHead).timestamp;

    /**
     * The trail with the records at `indexes` purged (their place and hash kept), and, unless
     * `record` is false, the purge recorded on the server's chain at `at` with its bound.
     */
    function purgedTrail(
      indexes: readonly number[],
      purge: { at: number; receivedBefore: number; signedBy?: 'server' | 'workstation' } | false,
    ): TrailExport {
      const base = clone(trail);
      const purged = indexes.map((i) => {
        const { entry } = base.entries[i] as ExportedEntry;
        return {
          treeIndex: entry.treeIndex,
          workstationId: entry.record.workstationId,
          seq: entry.record.seq,
          hash: entry.hash,
        };
      });
      const entries = base.entries.filter((_, i) => !indexes.includes(i));
      if (purge === false) return { ...base, entries, purged };
      const record: AuditRecord = {
        actor: { userId: 'compliance.lee', role: 'compliance-officer' },
        action: 'admin.action',
        object: { kind: 'audit-purge', receivedBefore: purge.receivedBefore, records: indexes.length },
        patient: null,
        at: purge.at,
        seq: 1,
        workstationId: SERVER_CHAIN,
        outcome: 'success',
        reason: 'AUDIT_PURGED',
      };
      const hash = hex(entryHash(blake2b256, GENESIS_HASH, record));
      // The server signs its own chain's batches with its audit key; a workstation with its device key.
      const keys = purge.signedBy === 'workstation' ? sodium.crypto_sign_keypair() : serverKeys;
      const signed = batchSigningBytes({
        deviceId: SERVER_CHAIN,
        firstSeq: 1,
        lastSeq: 1,
        previousHash: GENESIS_HASH,
        lastHash: fromHex(hash) as Uint8Array,
      });
      const log = createMerkleLog(sha256);
      log.append([
        ...trail.entries.map(({ entry }) => merkleTree(sha256).leafHash(fromHex(entry.hash) as Uint8Array)),
        merkleTree(sha256).leafHash(fromHex(hash) as Uint8Array),
      ]);
      return {
        ...base,
        entries: [
          ...entries,
          { entry: { record, previousHash: hex(GENESIS_HASH), hash, treeIndex: 36 }, inclusionProof: null },
        ],
        batches: [
          ...base.batches,
          {
            workstationId: SERVER_CHAIN,
            firstSeq: 1,
            lastSeq: 1,
            previousHash: hex(GENESIS_HASH),
            lastHash: hash,
            signature: b64(sodium.crypto_sign_detached(signed, keys.privateKey)),
            devicePublicKey: b64(keys.publicKey),
          },
        ],
        heads: [...base.heads, signHead(37, log.root(), purge.at)],
        purged,
      };
    }

    const SIX_YEARS = 189_345_600_000;
    // Ws 1's first batch (0-3) and the first two records of ws 2's (4, 5); a record in the middle of ws 3's second batch (22).
    const INDEXES = [0, 1, 2, 3, 4, 5, 22];

    it('checks the chains and the tree across the purged records, explained by the recorded purge', async () => {
      const at = lastHeadAt() + SIX_YEARS + 86_400_000;
      const report = await verifyTrail(purgedTrail(INDEXES, { at, receivedBefore: at - SIX_YEARS }), crypto);
      expect(report.breaks).toEqual([]);
      expect(report).toMatchObject({ ok: true, records: 30, purged: 7, heads: 10 });
    });

    it('names each purged record no recorded purge explains, and one received after its bound by the signed heads', async () => {
      const unexplained = await verifyTrail(purgedTrail([4, 22], false), crypto);
      expect(unexplained.breaks).toEqual([
        {
          kind: 'record',
          workstationId: WORKSTATIONS[1],
          seq: 1,
          treeIndex: 4,
          problem: 'purged, but the trail records no purge',
        },
        {
          kind: 'record',
          workstationId: WORKSTATIONS[2],
          seq: 7,
          treeIndex: 22,
          problem: 'purged, but the trail records no purge',
        },
      ]);
      // The bound falls between the heads that cover index 4 and index 22.
      const between = trail.heads[3]!.timestamp;
      const early = await verifyTrail(
        purgedTrail([4, 22], { at: lastHeadAt() + SIX_YEARS * 2, receivedBefore: between }),
        crypto,
      );
      expect(early.breaks).toEqual([
        {
          kind: 'record',
          workstationId: WORKSTATIONS[2],
          seq: 7,
          treeIndex: 22,
          problem: 'purged, but no signed head shows it was received before the purge bound',
        },
      ]);
      // A purge less than six years after the receipt is not lawful, whatever bound it states.
      const soon = await verifyTrail(
        purgedTrail([34], { at: lastHeadAt() + SIX_YEARS - 1, receivedBefore: lastHeadAt() + 1 }),
        crypto,
      );
      expect(soon.breaks).toEqual([
        {
          kind: 'record',
          workstationId: WORKSTATIONS[2],
          seq: 11,
          treeIndex: 34,
          problem: 'purged, but no signed head shows it was received before the purge bound',
        },
      ]);
    });

    it('takes a purge only from the server’s own chain, not a look-alike record a workstation signed', async () => {
      const at = lastHeadAt() + SIX_YEARS + 86_400_000;
      const forged = await verifyTrail(
        purgedTrail([4], { at, receivedBefore: at - SIX_YEARS, signedBy: 'workstation' }),
        crypto,
      );
      expect(forged.breaks).toEqual([
        {
          kind: 'record',
          workstationId: WORKSTATIONS[1],
          seq: 1,
          treeIndex: 4,
          problem: 'purged, but the trail records no purge',
        },
        // And the look-alike names an officer who had no session on that "workstation".
        { kind: 'record', workstationId: SERVER_CHAIN, seq: 1, treeIndex: 36, problem: UNATTESTED_PROBLEM },
      ]);
    });

    it('names a purged record whose hash was changed, or whose stub is gone, by its place in the tree', async () => {
      const at = lastHeadAt() + SIX_YEARS + 86_400_000;
      const lawful = purgedTrail(INDEXES, { at, receivedBefore: at - SIX_YEARS });
      const edited = {
        ...lawful,
        purged: lawful.purged!.map((stub) => (stub.treeIndex === 22 ? { ...stub, hash: 'f'.repeat(64) } : stub)),
      };
      const report = await verifyTrail(edited, crypto);
      expect(report.ok).toBe(false);
      expect(report.breaks).toContainEqual({
        kind: 'record',
        workstationId: WORKSTATIONS[2],
        seq: 8,
        treeIndex: 23,
        problem: 'chain-broken',
      });
      expect(report.breaks).toContainEqual({
        kind: 'head',
        treeSize: 24,
        problem: 'root does not match the records at tree index 20 to 23',
      });
      const dropped = await verifyTrail(
        { ...lawful, purged: lawful.purged!.filter((stub) => stub.treeIndex !== 22) },
        crypto,
      );
      expect(dropped.breaks).toContainEqual({ kind: 'tree', treeIndex: 22, problem: 'record missing from the export' });
    });
  });
});
