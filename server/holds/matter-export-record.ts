/**
 * `recordMatterExport`: the server records an eDiscovery export on its chain only for a package
 * it would have built itself. It rebuilds the manifest from what it holds (the matter's holds in
 * force, every held message accepted up to the export's time with its recall, receipts and the
 * SHA-256 of each attachment's stored ciphertext, each person's signing-key history as it stood
 * at the export's time, its own audit key) with the shared builder, and compares digests. So a
 * package that `archive:open` finds on the chain holds what the server served, with the keys and
 * the periods the server's key history gave: an officer cannot record a digest of messages, keys
 * or key periods they made up. A message recalled or expired between
 * the officer's reading and this check changes the digest: CONFLICT, and the workstation exports
 * again.
 */
import { createHash } from 'node:crypto';
import type { RouteRequest, RouteResponse } from '../../shared/protocol/api';
import {
  buildPackageManifest,
  matterOfHolds,
  type PackageMessageInput,
} from '../../shared/protocol/ediscovery-package';
import type { AuthenticatedSession } from '../accounts/session-store';
import { recordAdminEvent } from '../admin/admin-event-store';
import { blobChunk } from '../blobs/blob-store';
import type { Queryable } from '../db/database';
import { parseStoredEnvelope } from '../relay/envelope-store';
import { nodeSha256 } from '../../shared/node/ediscovery/package-verify';
import { fail, succeed, type Outcome } from '../outcome';
import { heldMessagesOfMatter, messageHoldsInForce } from './message-hold-store';
import { peopleOf, type MessageHoldDeps } from './message-holds';

/** How far back an export's time may be: the officer's reading took at most this long. */
const EXPORT_WINDOW_MS = 60 * 60 * 1000;
const PAGE = 500;

export interface MatterExportRecordDeps extends MessageHoldDeps {
  /** The server's audit public key (base64), which the package must name. */
  readonly auditKey: string;
}

async function blobSha256(db: Queryable, blobId: string, size: number): Promise<string | null> {
  const hash = createHash('sha256');
  let read = 0;
  for (let seq = 0; read < size; seq += 1) {
    const chunk = await blobChunk(db, blobId, seq);
    if (chunk === null || chunk.byteLength === 0) return null;
    hash.update(chunk);
    read += chunk.byteLength;
  }
  return hash.digest('hex');
}

/** Every held message of the matter accepted at or before `exportedAt`, as the builder takes them. */
async function heldInputs(
  db: Queryable,
  matter: string,
  exportedAt: number,
): Promise<{ messages: PackageMessageInput[]; named: string[] } | null> {
  const messages: PackageMessageInput[] = [];
  const named: string[] = [];
  let after: { acceptedAt: number; messageId: string } | null = null;
  for (;;) {
    const rows = await heldMessagesOfMatter(db, matter, after, PAGE, exportedAt);
    for (const row of rows) {
      if (row.acceptedAt > exportedAt) return { messages, named };
      const attachments = [];
      for (const blob of row.blobs) {
        const sha256 = await blobSha256(db, blob.blobId, blob.size);
        if (sha256 === null) return null;
        attachments.push({ blobId: blob.blobId, size: blob.size, sha256 });
      }
      messages.push({
        envelope: parseStoredEnvelope(row.envelopeJson),
        acceptedAt: row.acceptedAt,
        expiresAt: row.expiresAt,
        recall:
          row.recalledAt === null || row.recallSignature === null
            ? null
            : { recalledAt: row.recalledAt, signature: row.recallSignature },
        receipts: row.receipts,
        attachments,
      });
      named.push(row.senderId, ...row.recipients);
    }
    const last = rows.at(-1);
    if (rows.length < PAGE || last === undefined) return { messages, named };
    after = { acceptedAt: last.acceptedAt, messageId: last.messageId };
  }
}

export async function recordMatterExport(
  deps: MatterExportRecordDeps,
  session: AuthenticatedSession,
  request: RouteRequest<'recordMatterExport'>,
): Promise<Outcome<RouteResponse<'recordMatterExport'>>> {
  const now = deps.clock();
  if (request.exportedAt > now || request.exportedAt < now - EXPORT_WINDOW_MS) return fail('CONFLICT');
  const holds = await messageHoldsInForce(deps.db);
  const matter = matterOfHolds(request.matter, holds);
  if (matter === null) return fail('NOT_FOUND');
  const held = await heldInputs(deps.db, request.matter, request.exportedAt);
  if (held === null) return fail('CONFLICT');
  const built = buildPackageManifest(
    {
      matter,
      exportedAt: request.exportedAt,
      exportedBy: session.userId,
      auditKey: deps.auditKey,
      archiveFingerprint: request.archiveFingerprint,
      directory: await peopleOf(deps.db, held.named, request.exportedAt),
      messages: held.messages,
    },
    nodeSha256,
  );
  // Not the package the server holds: nothing is recorded.
  if (!built.ok || built.value.digest !== request.digest) return fail('CONFLICT');
  await recordAdminEvent(deps.db, {
    at: now,
    actor: session.userId,
    action: 'matter.exported',
    targetUserId: null,
    subject: request.digest,
    affected: built.value.messages.length,
  });
  return succeed({ recordedAt: now });
}
