/**
 * The compliance officer's eDiscovery export of a matter (issue 20, `holds.exportMatter`): the
 * matter's held ciphertext, as the server keeps it, written as a package
 * (shared/protocol/ediscovery-package.ts) that `npm run archive:open` opens offline with the
 * archive key. Main never opens anything: it holds no archive key.
 *
 * In order, so that no package exists that the server's chain does not vouch for:
 * 1. every page of the matter's held messages, and each attachment's ciphertext streamed into a
 *    hidden folder beside the exports, hashed as it is written;
 * 2. the manifest built (and its digest) by the shared builder;
 * 3. the workstation records the export on its own trail, then the server records it on its chain
 *    by the digest (`recordMatterExport`), having rebuilt the same package from what it holds;
 * 4. that chain record found by the officer's own audit search, with its inclusion proof and the
 *    signed head, which go into the manifest;
 * 5. the whole package checked as archive:open checks it (each signature against the sender's key
 *    in force when the server accepted it, blobs, digest, chain), against the audit key this
 *    workstation witnessed when it has one;
 * 6. only then the folder renamed into place. Anything short of that removes the hidden folder.
 *
 * The folder is named by the digest and the time, never by the matter, which may name a party.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Role } from '../../shared/access/permission-matrix';
import { auditEvent } from '../../shared/audit/audit-event-builder';
import { appError, type AppError } from '../../shared/errors';
import { fail, ok, type IpcResult } from '../../shared/ipc/result';
import { nodeSha256, verifyPackage } from '../../shared/node/ediscovery/package-verify';
import {
  buildPackageManifest,
  chainedPackageManifest,
  matterOfHolds,
  MAX_PACKAGE_BLOB_BYTES,
  PACKAGE_BLOBS_FOLDER,
  PACKAGE_FOLDER_SUFFIX,
  PACKAGE_MANIFEST_FILE,
  type PackageBlob,
  type PackageChainProof,
  type PackageMessageInput,
  type PackagePerson,
} from '../../shared/protocol/ediscovery-package';
import { envelope as envelopeSchema } from '../../shared/protocol/envelope';
import type { HeldMessage, MatterCursor } from '../../shared/protocol/message-hold-api';
import { periodsAsOf } from '../../shared/protocol/signing-key-history';
import type { RouteResponse } from '../../shared/protocol/api';
import type { ApiClient, ApiResult } from '../server-link/api-client';
import { appCodeOf } from '../server-link/api-error-code';
import type { BlobClient } from '../server-link/blob-client';
import { BlobTransferError } from '../server-link/blob-client';
import { AuditError } from './device-audit-log';

export interface MatterExportDeps {
  readonly api: ApiClient;
  readonly blobs: BlobClient;
  readonly token: () => string | null;
  /** The signed-in officer. */
  readonly actor: () => { readonly userId: string; readonly role: Role } | null;
  readonly exportsDir: string;
  /** The archive key's fingerprint the hospital's envelopes are sealed to (policy's key). */
  readonly archiveFingerprint: () => string | null;
  /** The server's audit key this workstation witnessed, if it has: the package is checked against it. */
  readonly witnessedAuditKey: () => string | null;
  readonly record: (event: ReturnType<typeof auditEvent>) => Promise<void>;
  /** Waits between looks for the export's chain record (injected: tests do not sleep). */
  readonly wait: (ms: number) => Promise<void>;
}

export interface MatterExported {
  readonly folderName: string;
  readonly messages: number;
  readonly attachments: number;
}

/** How long the chain record may take: the server folds within a quarter second. */
const CHAIN_LOOKS = 40;
const CHAIN_LOOK_MS = 250;

class ExportFailed extends Error {
  constructor(readonly error: AppError) {
    super(`The export failed (${error.code}).`);
    this.name = 'ExportFailed';
  }
}

/**
 * The server built another digest from what it holds: something changed since the pages were
 * read (a receipt or message committed just after, a recall). Read again, a few times.
 */
class MatterChanged extends Error {
  constructor() {
    super('The matter changed while it was read.');
    this.name = 'MatterChanged';
  }
}

/** Reads of a matter that keeps changing before the export is refused. */
const EXPORT_TRIES = 3;

/** A stored envelope that is not JSON is as unverifiable as one that does not parse. */
function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const UNFINISHED_SUFFIX = '.partial';
const UNFINISHED = /^\.matter-[0-9a-f]{16}\.partial$/;

const refused = (code: Parameters<typeof appError>[0]): never => {
  throw new ExportFailed(appError(code));
};

export function createMatterExport(deps: MatterExportDeps) {
  async function call<T>(answer: Promise<ApiResult<T>>): Promise<T> {
    const result = await answer;
    if (!result.ok) throw new ExportFailed(appError(appCodeOf(result.error.code)));
    return result.value;
  }

  async function heldPages(matter: string, token: string) {
    const messages: HeldMessage[] = [];
    const people = new Map<string, PackagePerson>();
    let after: MatterCursor | null = null;
    let at = 0;
    do {
      const page: RouteResponse<'matterMessages'> = await call(
        deps.api.call('matterMessages', { matter, after, ...(at === 0 ? {} : { asOf: at }) }, token),
      );
      messages.push(...page.messages);
      for (const person of page.people) people.set(person.userId, person);
      after = page.next;
      // The server's time of the first page: expiry is the server's to judge, not this clock's.
      if (at === 0) at = page.at;
    } while (after !== null);
    // Each person's keys as they stood at the export's time, as the server rebuilds them.
    const asOf = [...people.values()].map((person) => ({
      ...person,
      signingKeys: periodsAsOf(person.signingKeys, at),
    }));
    return { messages, people: asOf, at };
  }

  async function downloadBlob(folder: string, blobId: string, token: string): Promise<PackageBlob> {
    const opened = await call(deps.blobs.download(blobId, token, { maxBytes: MAX_PACKAGE_BLOB_BYTES, held: true }));
    const hash = createHash('sha256');
    const hashed = Readable.from(
      (async function* () {
        for await (const piece of opened.chunks) {
          hash.update(piece);
          yield piece;
        }
      })(),
    );
    await pipeline(hashed, createWriteStream(path.join(folder, PACKAGE_BLOBS_FOLDER, blobId), { mode: 0o600 }));
    return { blobId, size: opened.size, sha256: hash.digest('hex') };
  }

  async function chainProof(digest: string, since: number, userId: string, token: string): Promise<PackageChainProof> {
    for (let look = 0; look < CHAIN_LOOKS; look += 1) {
      const found = await call(
        deps.api.call(
          'auditSearch',
          {
            filter: {
              userId,
              patient: null,
              workstationId: null,
              conversationId: null,
              action: 'admin.action',
              since,
              until: null,
            },
            afterIndex: -1,
            limit: 500,
            knownTreeSize: 0,
          },
          token,
        ),
      );
      const mine = found.entries.find(
        ({ entry }) => entry.record.object.kind === 'ediscovery-package' && entry.record.object.id === digest,
      );
      if (mine !== undefined && found.head !== null)
        return { entry: mine.entry, inclusionProof: mine.proof, head: found.head };
      await deps.wait(CHAIN_LOOK_MS);
    }
    return refused('PACKAGE_UNVERIFIED');
  }

  /**
   * Folders of exports that never finished (the app stopped mid-way): nothing else writes here
   * while an export runs, since exports run one at a time (`exportMatter`).
   */
  async function sweepUnfinished(): Promise<void> {
    const names = await readdir(deps.exportsDir).catch(() => [] as string[]);
    await Promise.all(
      names
        .filter((name) => UNFINISHED.test(name))
        .map((name) => rm(path.join(deps.exportsDir, name), { recursive: true, force: true }).catch(() => undefined)),
    );
  }

  async function exportOnce(matter: string): Promise<IpcResult<MatterExported> | 'changed'> {
    await sweepUnfinished();
    const token = deps.token();
    const actor = deps.actor();
    if (token === null || actor === null) return fail(appError('NOT_SIGNED_IN'));
    const archiveFingerprint = deps.archiveFingerprint();
    if (archiveFingerprint === null) return fail(appError('ARCHIVE_KEY_MISSING'));
    const hidden = path.join(deps.exportsDir, `.matter-${randomBytes(8).toString('hex')}${UNFINISHED_SUFFIX}`);
    try {
      const holds = matterOfHolds(matter, (await call(deps.api.call('messageHolds', {}, token))).holds);
      if (holds === null) return fail(appError('NOT_FOUND'));
      const held = await heldPages(matter, token);
      await mkdir(path.join(hidden, PACKAGE_BLOBS_FOLDER), { recursive: true, mode: 0o700 });
      const messages: PackageMessageInput[] = [];
      let attachments = 0;
      // What was accepted by the first page's time: the server checks the digest over the same.
      for (const message of held.messages.filter((each) => each.acceptedAt <= held.at)) {
        const parsed = envelopeSchema.safeParse(parsedJson(message.envelopeJson));
        if (!parsed.success) return refused('PACKAGE_UNVERIFIED');
        const blobs: PackageBlob[] = [];
        for (const blob of message.blobs) blobs.push(await downloadBlob(hidden, blob.blobId, token));
        attachments += blobs.length;
        messages.push({
          envelope: parsed.data,
          acceptedAt: message.acceptedAt,
          expiresAt: message.expiresAt,
          recall: message.recall,
          receipts: message.receipts,
          attachments: blobs,
        });
      }
      const exportedAt = held.at;
      // The server's audit key, for the manifest: the one this workstation witnessed if it has
      // one, else as the server states it (the package is then checked against that).
      const search = await call(
        deps.api.call(
          'auditSearch',
          {
            filter: {
              userId: actor.userId,
              patient: null,
              workstationId: null,
              conversationId: null,
              action: null,
              since: exportedAt,
              until: null,
            },
            afterIndex: -1,
            limit: 1,
            knownTreeSize: 0,
          },
          token,
        ),
      );
      const auditKey = deps.witnessedAuditKey() ?? search.auditKey;
      if (auditKey === null) return refused('PACKAGE_UNVERIFIED');
      const built = buildPackageManifest(
        {
          matter: holds,
          exportedAt,
          exportedBy: actor.userId,
          auditKey,
          archiveFingerprint,
          directory: held.people,
          messages,
        },
        nodeSha256,
      );
      if (!built.ok) return refused('PACKAGE_UNVERIFIED');
      const manifest = built.value;
      // Recorded here before the server is asked, as every export is: none leaves unrecorded.
      await deps.record(
        auditEvent({
          action: 'export.created',
          actor,
          object: { kind: 'search', resultCount: manifest.messages.length },
        }),
      );
      // The server rebuilds the package from what it holds and records only the same digest;
      // CONFLICT: something changed since the pages were read (a recall, say), or they were not its.
      const recorded = await deps.api.call(
        'recordMatterExport',
        { matter, digest: manifest.digest, exportedAt, archiveFingerprint },
        token,
      );
      if (!recorded.ok && recorded.error.code === 'CONFLICT') throw new MatterChanged();
      const { recordedAt } = await call(Promise.resolve(recorded));
      const chain = await chainProof(manifest.digest, recordedAt, actor.userId, token);
      const complete = chainedPackageManifest(manifest, chain);
      await writeFile(path.join(hidden, PACKAGE_MANIFEST_FILE), JSON.stringify(complete), { mode: 0o600 });
      const verdict = await verifyPackage(hidden, complete, deps.witnessedAuditKey());
      if (verdict.failures.length > 0) return refused('PACKAGE_UNVERIFIED');
      const stamp = new Date(exportedAt).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
      const folderName = `matter-${manifest.digest.slice(0, 12)}-${stamp}${PACKAGE_FOLDER_SUFFIX}`;
      await rename(hidden, path.join(deps.exportsDir, folderName));
      return ok({ folderName, messages: manifest.messages.length, attachments });
    } catch (error) {
      await rm(hidden, { recursive: true, force: true }).catch(() => undefined);
      if (error instanceof MatterChanged) return 'changed';
      if (error instanceof ExportFailed) return fail(error.error);
      if (error instanceof AuditError) return fail(appError('AUDIT_UNAVAILABLE'));
      if (error instanceof BlobTransferError) return fail(appError('SERVER_UNREACHABLE'));
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return fail(appError('DISK_FULL'));
      throw error;
    }
  }

  /**
   * A matter read while a receipt or a message commits can differ from what the server then
   * rebuilds (on PostgreSQL a transaction stamped before the read may commit after it): read
   * again. Only a matter that keeps changing, or pages that were not the server's, fail.
   */
  async function exportReadAgain(matter: string): Promise<IpcResult<MatterExported>> {
    for (let attempt = 0; attempt < EXPORT_TRIES; attempt += 1) {
      const result = await exportOnce(matter);
      if (result !== 'changed') return result;
    }
    return fail(appError('PACKAGE_UNVERIFIED'));
  }

  // One export at a time: the same matter asked again (a second click) shares the one running;
  // another matter waits its turn, so two never read the server and write to disk at once.
  const running = new Map<string, Promise<IpcResult<MatterExported>>>();
  let queue: Promise<unknown> = Promise.resolve();
  function exportMatter(matter: string): Promise<IpcResult<MatterExported>> {
    const joined = running.get(matter);
    if (joined !== undefined) return joined;
    const run = queue.then(() => exportReadAgain(matter)).finally(() => running.delete(matter));
    running.set(matter, run);
    queue = run.catch(() => undefined);
    return run;
  }

  return { exportMatter };
}
