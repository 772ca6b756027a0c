/**
 * The archive key from what its holders bring: the private key file, or K of its share files.
 * This is what `archive:open` uses before it opens anything: the result is the key pair only
 * when it is provably the key the files name (archive-key-file.ts, archive-key-shares.ts), and
 * every refusal is a code with the file at fault, never a guess.
 */
import { err, ok, type Result } from '../../result';
import { archiveKeyFromFile, isArchiveKeyFile } from './archive-key-file';
import type { ArchiveKeyPair } from './archive-key-pair';
import { isArchiveShareFile, rebuildArchiveKey, type RebuildError } from './archive-key-shares';

export type ArchiveKeyLoadError =
  | RebuildError
  /** No file given, or a private key file given with others (it needs none). */
  | 'WRONG_FILE_COUNT'
  /** The key file's private key, public key, fingerprint or recipient disagree. */
  | 'KEY_FILE_INCONSISTENT';

export interface ArchiveKeyLoadFailure {
  readonly code: ArchiveKeyLoadError;
  /** The index of the file at fault, when one is. */
  readonly file: number | null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The key pair in `texts` (file contents, in the order given). Wipe it when done. */
export async function loadArchiveKey(texts: readonly string[]): Promise<Result<ArchiveKeyPair, ArchiveKeyLoadFailure>> {
  const values = texts.map(parseJson);
  const keyFile = values.findIndex(isArchiveKeyFile);
  if (keyFile >= 0) {
    if (values.length !== 1) return err({ code: 'WRONG_FILE_COUNT', file: null });
    const pair = await archiveKeyFromFile(values[0]);
    if (pair === 'INVALID') return err({ code: 'INVALID', file: 0 });
    if (pair === 'INCONSISTENT') return err({ code: 'KEY_FILE_INCONSISTENT', file: 0 });
    return ok(pair);
  }
  if (values.length === 0) return err({ code: 'WRONG_FILE_COUNT', file: null });
  const notShare = values.findIndex((value) => !isArchiveShareFile(value));
  if (notShare >= 0) return err({ code: 'INVALID', file: notShare });
  return rebuildArchiveKey(values);
}
