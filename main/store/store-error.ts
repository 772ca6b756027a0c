/**
 * Why the encrypted store failed, as a code the vault and the UI can act on. SQLite's own
 * message never travels further than this module: it can quote SQL or data.
 */
export const STORE_ERROR_CODES = [
  'VAULT_CORRUPT',
  'VAULT_IN_USE',
  'DISK_FULL',
  'VAULT_TOO_NEW',
  'STORE_CLOSED',
  'STORE_FAILED',
] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends Error {
  constructor(readonly code: StoreErrorCode) {
    super(code);
    this.name = 'StoreError';
  }
}

/** Maps a better-sqlite3 error (its `code` is SQLite's extended result code name) to ours. */
export function storeErrorFrom(error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return new StoreError('STORE_FAILED');
  if (code.startsWith('SQLITE_NOTADB') || code.startsWith('SQLITE_CORRUPT')) return new StoreError('VAULT_CORRUPT');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return new StoreError('VAULT_IN_USE');
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC') return new StoreError('DISK_FULL');
  if (code === 'SQLITE_IOERR_SHORT_READ') return new StoreError('VAULT_CORRUPT');
  return new StoreError('STORE_FAILED');
}

/** The code a clinician is told for a store failure: the vault's own codes, else INTERNAL. */
export function appCodeOfStoreError(
  error: unknown,
): 'VAULT_CORRUPT' | 'VAULT_IN_USE' | 'VAULT_TOO_NEW' | 'DISK_FULL' | 'VAULT_LOCKED' | 'INTERNAL' {
  if (!(error instanceof StoreError)) return 'INTERNAL';
  switch (error.code) {
    case 'VAULT_CORRUPT':
    case 'VAULT_IN_USE':
    case 'VAULT_TOO_NEW':
    case 'DISK_FULL':
      return error.code;
    case 'STORE_CLOSED':
      return 'VAULT_LOCKED';
    case 'STORE_FAILED':
      return 'INTERNAL';
  }
}
