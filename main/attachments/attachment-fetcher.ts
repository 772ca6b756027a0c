/**
 * Fetching received attachments in the background, so a photo is on this workstation (in the
 * vault) by the time the clinician opens the thread, and stays viewable offline. One or two at a
 * time, oldest message first. Each is downloaded as ciphertext, written to its file
 * (attachment-files.ts) and decrypted in a worker (cipher-thread.ts) as it arrives,
 * checked against the size and hash its sealed body gave (shared/node/crypto/attachment-cipher.ts),
 * thumbnailed if it is an image the sender's preview did not already give one
 * (attachment-previews.ts), and marked ready. A server that cannot be reached is tried again
 * later, backing off; a blob the server no longer has (recalled, expired) or one that does not
 * decrypt is given up and shown as such. Nothing here logs more than a code.
 */
import type { IpcResult } from '../../shared/ipc/result';
import { BlobTransferError, type BlobDownload } from '../server-link/blob-client';
import type { AttachmentProblem, AttachmentToFetch } from '../store/ops/attachment-ops';
import type { StoreClient } from '../store/store-client';
import { ciphertextSize } from '../../shared/node/crypto/attachment-cipher';
import type { CipherThread } from './cipher-thread';
import type { AttachmentFiles, FileWriter } from './attachment-files';

export interface FetcherDeps {
  readonly store: StoreClient;
  /** The blob's ciphertext; `gone` when the server has no such blob for this user (recalled, expired). */
  readonly download: (blobId: string, maxBytes: number) => Promise<IpcResult<BlobDownload> | 'gone'>;
  readonly files: AttachmentFiles;
  /** Opens blobs off main's event loop (cipher-thread.ts). */
  readonly cipher: Pick<CipherThread, 'open'>;
  readonly thumbnail: (bytes: Uint8Array) => Promise<Uint8Array | null>;
  readonly now: () => number;
  readonly setTimer: (run: () => void, ms: number) => { cancel(): void };
  /** A message's attachment became ready or failed: its thread should show it. */
  readonly onChanged: (messageId: string) => void;
  /** PHI-free codes only. */
  readonly onProblem: (code: string) => void;
}

export interface AttachmentFetcher {
  /** Something may be waiting (a message arrived, the connection came back, a retry was asked). */
  wake(): void;
  stop(): void;
}

/** Tries before an unreachable server is given up on; the clinician can ask again. */
export const FETCH_MAX_ATTEMPTS = 8;
const PARALLEL = 2;
const backoffMs = (attempt: number) => Math.min(15_000 * 2 ** attempt, 10 * 60_000);

export function createAttachmentFetcher(deps: FetcherDeps): AttachmentFetcher {
  // Changed by wake() and stop() while a run awaits: read through `state`, never narrowed.
  const state = { running: false, again: false, stopped: false };
  let timer: { cancel(): void } | null = null;

  /**
   * The blob as it arrives goes two ways at once: to its file, and to the decrypt worker, which
   * checks it against the sealed description (and hands back the plaintext of an image, for its
   * thumbnail). The file is kept only if both succeed. `again`: it could not finish here (a full
   * disk, or the worker gone with a lock), already reported; tried again later.
   */
  async function receive(
    item: AttachmentToFetch,
    download: BlobDownload,
  ): Promise<{ file: string; plain: Uint8Array | null } | 'damaged' | 'unreachable' | 'again'> {
    if (download.size !== ciphertextSize(item.size)) return 'damaged';
    let writer: FileWriter;
    try {
      writer = await deps.files.create();
    } catch (error) {
      diskProblem(error);
      return 'again';
    }
    // An image's plaintext comes back only if its thumbnail is still to make.
    const opening = deps.cipher.open(item, item.mediaType !== 'application/pdf' && !item.hasThumbnail);
    try {
      for await (const piece of download.chunks) {
        opening.push(piece);
        writer.write(piece);
      }
    } catch (error) {
      opening.drop();
      await writer.abandon();
      if (error instanceof BlobTransferError) return 'unreachable';
      throw error;
    }
    const [opened, file] = await Promise.all([
      opening.finish(),
      writer.finish().catch((error: unknown) => {
        diskProblem(error);
        return null;
      }),
    ]);
    if (opened === 'damaged' || opened === 'failed' || file === null) {
      if (typeof opened === 'object') opened.plain?.fill(0);
      if (file !== null) await deps.files.remove([file]);
      if (opened === 'failed') deps.onProblem('ATTACHMENT_DECRYPT_FAILED');
      return opened === 'damaged' ? 'damaged' : 'again';
    }
    return { file, plain: opened.plain };
  }

  const diskProblem = (error: unknown) =>
    deps.onProblem((error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'DISK_FULL' : 'ATTACHMENT_WRITE_FAILED');

  /** Thumbnail, then ready unless a recall or expiry came first (then the file goes). */
  async function keep(item: AttachmentToFetch, received: { file: string; plain: Uint8Array | null }) {
    const thumbnail =
      received.plain === null ? null : await deps.thumbnail(received.plain).finally(() => received.plain?.fill(0));
    if (!(await deps.store.call('attachment.fetched', { id: item.id, file: received.file, thumbnail })))
      await deps.files.remove([received.file]);
  }

  async function fetchOne(item: AttachmentToFetch): Promise<void> {
    // Room above the expected size, so a server serving a longer blob is caught as damaged, not refused as too large.
    const downloaded = await deps.download(item.id, ciphertextSize(item.size) + 1024 * 1024);
    let problem: AttachmentProblem;
    let retry = false;
    const received = downloaded === 'gone' || !downloaded.ok ? null : await receive(item, downloaded.value);
    if (downloaded === 'gone') problem = 'gone';
    else if (!downloaded.ok || received === 'unreachable') {
      problem = 'unreachable';
      retry = item.attempts + 1 < FETCH_MAX_ATTEMPTS;
      deps.onProblem(downloaded.ok ? 'UNREACHABLE' : downloaded.error.code);
    } else if (received === null || received === 'damaged') {
      problem = 'damaged';
      deps.onProblem('ATTACHMENT_DAMAGED');
    } else if (received === 'again') {
      // Not kept here: as a fetch that could not finish, tried again later.
      problem = 'unreachable';
      retry = item.attempts + 1 < FETCH_MAX_ATTEMPTS;
    } else {
      await keep(item, received);
      deps.onChanged(item.messageId);
      return;
    }
    const retryAt = retry ? deps.now() + backoffMs(item.attempts) : null;
    await deps.store.call('attachment.fetchFailed', { id: item.id, problem, retryAt });
    if (!retry) deps.onChanged(item.messageId);
  }

  async function run(): Promise<void> {
    if (state.running) {
      state.again = true;
      return;
    }
    state.running = true;
    const stopped = () => state.stopped;
    const again = () => state.again;
    try {
      do {
        state.again = false;
        for (;;) {
          if (stopped()) return;
          const due = await deps.store.call('attachment.dueToFetch', { now: deps.now(), limit: PARALLEL });
          if (due.length === 0) break;
          await Promise.all(due.map((item) => fetchOne(item).catch(() => deps.onProblem('ATTACHMENT_FETCH_FAILED'))));
        }
      } while (again() && !stopped());
      if (!stopped()) await schedule();
    } catch {
      // The vault closed under us (a lock): the next unlock starts a new fetcher.
      deps.onProblem('ATTACHMENT_FETCH_STOPPED');
    } finally {
      state.running = false;
    }
  }

  async function schedule(): Promise<void> {
    timer?.cancel();
    timer = null;
    const next = await deps.store.call('attachment.nextFetchAt', {});
    if (next === null || state.stopped) return;
    timer = deps.setTimer(() => void run(), Math.max(1000, next.dueAt - deps.now()));
  }

  return {
    wake: () => void run(),
    stop() {
      state.stopped = true;
      timer?.cancel();
      timer = null;
    },
  };
}
