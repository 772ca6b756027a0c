/**
 * Where an attachment's bytes rest on this workstation: one file per attachment in the vault's
 * folder (`<vault>/attachments/<random name>`), holding exactly the secretstream ciphertext the
 * server holds (shared/node/crypto/attachment-cipher.ts), under the attachment's own key. That key lives only in the
 * SQLCipher vault, beside the file's name, so a file is as unreadable as the vault while it is
 * locked, and a recall or expiry that removes the key (schema-v9.ts) makes it unreadable at
 * once, before the file itself is unlinked (`remove`). Shredding the vault removes the folder.
 *
 * Why files and not the database: SQLite writes a large blob slowly (an 8 MB photo took about
 * 200 ms inside the vault, with or without fsync, against about 40 ms for this file with fsync),
 * and the write sat on both the sender's and the reader's path (bench/attachment-round-trip).
 * Signal Desktop keeps attachments beside its database for the same reason.
 *
 * Names are made here (128 random bits as hex) and checked before every use, so nothing a
 * sender controls (a blob id, a file name) ever becomes part of a path.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';

const NAME = /^[0-9a-f]{32}$/;

/** A new file written as its bytes arrive. */
export interface FileWriter {
  /** Queues the next bytes (the caller leaves them untouched until `finish` or `abandon` settles). */
  write(piece: Uint8Array): void;
  /** Everything written and flushed to disk: the file's name. Rejects (and unlinks) if any write failed. */
  finish(): Promise<string>;
  /** Unlinks it, whatever was written. */
  abandon(): Promise<void>;
}

export interface AttachmentFiles {
  /** Writes ciphertext to a new file (flushed to disk); its name. Rejects on a full disk. */
  write(ciphertext: Uint8Array): Promise<string>;
  /** A new file to write piece by piece (a download as it arrives). Rejects on a full disk. */
  create(): Promise<FileWriter>;
  /** The file's bytes, or null when it is not there (or the name is not one of ours). */
  read(name: string): Promise<Uint8Array | null>;
  /** Unlinks files; missing ones are fine. */
  remove(names: readonly string[]): Promise<void>;
  /** Files here last written before `before`, by name: candidates for the orphan sweep. */
  olderThan(before: number): Promise<string[]>;
}

export function attachmentFiles(dir: string): AttachmentFiles {
  const pathOf = (name: string) => {
    if (!NAME.test(name)) throw new RangeError('not an attachment file name');
    return path.join(dir, name);
  };

  async function create(): Promise<FileWriter> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const name = randomBytes(16).toString('hex');
    const handle = await open(pathOf(name), 'wx', 0o600);
    // One write at a time, in order; the first failure stops the rest and is what finish answers.
    let written: Promise<void> = Promise.resolve();
    let failure: Error | null = null;
    let closed = false;
    const close = async (keep: boolean) => {
      if (closed) return;
      closed = true;
      await handle.close().catch(() => undefined);
      if (!keep) await rm(pathOf(name), { force: true });
    };
    return {
      write(piece) {
        written = written.then(async () => {
          if (failure !== null || closed) return;
          try {
            // A write may take fewer bytes than it was given.
            for (let at = 0; at < piece.length;) at += (await handle.write(piece, at, piece.length - at)).bytesWritten;
          } catch (error) {
            failure = error instanceof Error ? error : new Error('write failed');
          }
        });
      },
      async finish() {
        await written;
        try {
          if (failure !== null) throw failure;
          await handle.datasync();
        } catch (error) {
          await close(false);
          throw error;
        }
        await close(true);
        return name;
      },
      async abandon() {
        if (!closed) await written;
        await close(false);
      },
    };
  }

  return {
    async write(ciphertext) {
      const writer = await create();
      writer.write(ciphertext);
      return writer.finish();
    },

    create,

    async read(name) {
      if (!NAME.test(name)) return null;
      try {
        return new Uint8Array(await readFile(pathOf(name)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },

    async remove(names) {
      await Promise.all(names.filter((name) => NAME.test(name)).map((name) => rm(pathOf(name), { force: true })));
    },

    async olderThan(before) {
      let entries: string[];
      try {
        entries = await readdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw error;
      }
      const old: string[] = [];
      for (const name of entries.filter((entry) => NAME.test(entry))) {
        const info = await stat(pathOf(name)).catch(() => null);
        if (info !== null && info.mtimeMs < before) old.push(name);
      }
      return old;
    },
  };
}
