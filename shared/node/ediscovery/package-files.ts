/**
 * The package folder on disk (shared/protocol/ediscovery-package.ts): its manifest read whole
 * (size-limited before it is read), its blob files read as streams, never whole, so a
 * 100 MiB attachment costs one chunk of memory to hash and to decrypt. I/O only.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { MAX_MANIFEST_BYTES, PACKAGE_BLOBS_FOLDER, PACKAGE_MANIFEST_FILE } from '../../protocol/ediscovery-package';
import { blobId } from '../../protocol/blob-api';
import { err, ok, type Result } from '../../result';

export type ManifestReadError =
  /** No such folder, or not a folder. */
  | 'PACKAGE_NOT_FOUND'
  /** No `package.json`, or it cannot be read, or it is larger than any manifest. */
  | 'MANIFEST_UNREADABLE'
  /** `package.json` is not JSON. */
  | 'MANIFEST_NOT_JSON';

/** The parsed JSON of the package's manifest; the schema is the caller's to check. */
export async function readManifestJson(folder: string): Promise<Result<unknown, ManifestReadError>> {
  try {
    // The folder may be reached through a link; the files inside it may not.
    if (!(await stat(folder)).isDirectory()) return err('PACKAGE_NOT_FOUND');
  } catch {
    return err('PACKAGE_NOT_FOUND');
  }
  const file = path.join(folder, PACKAGE_MANIFEST_FILE);
  let text: string;
  try {
    const facts = await lstat(file);
    if (!facts.isFile() || facts.size > MAX_MANIFEST_BYTES) return err('MANIFEST_UNREADABLE');
    text = await readFile(file, 'utf8');
  } catch {
    return err('MANIFEST_UNREADABLE');
  }
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err('MANIFEST_NOT_JSON');
  }
}

/** Where a blob's file is; only ever a name the blob id schema allows, so never outside the folder. */
export function blobFilePath(folder: string, id: string): string {
  if (!blobId.safeParse(id).success) throw new RangeError('not a blob id');
  return path.join(folder, PACKAGE_BLOBS_FOLDER, id);
}

export interface BlobFileFacts {
  readonly size: number;
  /** Lower-case hex. */
  readonly sha256: string;
}

/** A blob file's size and SHA-256, read as a stream; null when there is no regular file. */
export async function blobFileFacts(folder: string, id: string): Promise<BlobFileFacts | null> {
  const file = blobFilePath(folder, id);
  try {
    if (!(await lstat(file)).isFile()) return null;
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of createReadStream(file)) {
      const bytes = chunk as Buffer;
      hash.update(bytes);
      size += bytes.length;
    }
    return { size, sha256: hash.digest('hex') };
  } catch {
    return null;
  }
}

/** A blob file's bytes, piece by piece. */
export async function* blobFilePieces(folder: string, id: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(blobFilePath(folder, id))) yield chunk as Buffer;
}
