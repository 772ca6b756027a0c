/**
 * Fetching received attachments in the background, so a photo is on this workstation (in the
 * vault) by the time the clinician opens the thread, and stays viewable offline. One or two at a
 * time, oldest message first. Each is downloaded as ciphertext and decrypted as it arrives,
 * checked against the size and hash its sealed body gave (attachment-cipher.ts), thumbnailed if
 * it is an image while its ciphertext is written to its file (attachment-files.ts), and marked
 * ready. A server that cannot be reached is tried again later, backing off; a blob the
 * server no longer has (recalled, expired) or one that does not decrypt is given up and shown
 * as such. Nothing here logs more than a code.
 */
import type { IpcResult } from '../../shared/ipc/result';
import { BlobTransferError, type BlobDownload } from '../server-link/blob-client';
import type { AttachmentProblem, AttachmentToFetch } from '../store/ops/attachment-ops';
import type { StoreClient } from '../store/store-client';
import { attachmentDecryptor, ciphertextSize } from './attachment-cipher';
import type { AttachmentFiles } from './attachment-files';

export interface FetcherDeps {
  readonly store: StoreClient;
  /** The blob's ciphertext; `gone` when the server has no such blob for this user (recalled, expired). */
  readonly download: (blobId: string, maxBytes: number) => Promise<IpcResult<BlobDownload> | 'gone'>;
  readonly files: AttachmentFiles;
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

  /** The ciphertext (as downloaded) and its plaintext, or why not. */
  async function receive(
    item: AttachmentToFetch,
    download: BlobDownload,
  ): Promise<{ ciphertext: Uint8Array; plain: Uint8Array } | 'damaged' | 'unreachable'> {
    if (download.size !== ciphertextSize(item.size)) return 'damaged';
    const decryptor = await attachmentDecryptor(item);
    const ciphertext = new Uint8Array(download.size);
    let at = 0;
    try {
      for await (const piece of download.chunks) {
        if (!decryptor.push(piece)) return 'damaged';
        ciphertext.set(piece, at);
        at += piece.length;
      }
    } catch (error) {
      if (error instanceof BlobTransferError) return 'unreachable';
      throw error;
    }
    const plain = decryptor.finish();
    return plain === 'damaged' ? 'damaged' : { ciphertext, plain };
  }

  /**
   * Thumbnail and file at once; ready unless a recall or expiry came first (then the file goes).
   * False when the file could not be written (a full disk): tried again later, backing off.
   */
  async function keep(item: AttachmentToFetch, received: { ciphertext: Uint8Array; plain: Uint8Array }) {
    const [thumbnail, file] = await Promise.all([
      item.mediaType === 'application/pdf' ? null : deps.thumbnail(received.plain),
      deps.files.write(received.ciphertext).catch((error: unknown) => {
        deps.onProblem((error as NodeJS.ErrnoException).code === 'ENOSPC' ? 'DISK_FULL' : 'ATTACHMENT_WRITE_FAILED');
        return null;
      }),
    ]).finally(() => received.plain.fill(0));
    if (file === null) return false;
    if (!(await deps.store.call('attachment.fetched', { id: item.id, file, thumbnail })))
      await deps.files.remove([file]);
    return true;
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
    } else if (await keep(item, received)) {
      deps.onChanged(item.messageId);
      return;
    } else {
      // Not kept here (a full disk): as a fetch that could not finish, tried again later.
      problem = 'unreachable';
      retry = item.attempts + 1 < FETCH_MAX_ATTEMPTS;
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
