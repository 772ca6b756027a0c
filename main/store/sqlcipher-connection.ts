/**
 * Opens one vault database with SQLCipher 4 and a raw 256-bit key (so SQLCipher's own PBKDF2 is
 * skipped: the key is already the output of our hierarchy). `PRAGMA key` accepts any key, so the
 * key is proven by reading the schema straight away. The connection then holds an exclusive
 * lock for its lifetime: a second process that opens the same vault is refused, not interleaved.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import type { Database as Db } from 'better-sqlite3';
import { closeSync, openSync } from 'node:fs';
import { migrate, MIGRATIONS, type Migration } from './migrations';
import { StoreError, storeErrorFrom } from './store-error';

/** Page size of vault files. Part of the file format: readers must use the same value. */
export const VAULT_PAGE_SIZE = 4096;

/**
 * Connection settings after keying. FULL sync: a message is on disk before it is shown or
 * acknowledged. secure_delete: a recalled body is overwritten, not left in a free page. A 32 MiB
 * page cache keeps hot pages decrypted, so repeated reads do not pay for decryption again.
 * Exported so the benchmark's unencrypted baseline runs with exactly the same settings.
 */
export const VAULT_PRAGMAS: readonly string[] = [
  'synchronous = FULL',
  'foreign_keys = ON',
  'secure_delete = ON',
  'temp_store = MEMORY',
  'cache_size = -32768',
];

export interface OpenOptions {
  /** Create the file (mode 0600) if it does not exist; otherwise it must exist. */
  readonly create: boolean;
  /** The schema this database follows (default: a clinician's vault). */
  readonly migrations?: readonly Migration[];
}

/** better-sqlite3-multiple-ciphers' keying call, which takes a buffer we can zero afterwards. */
type KeyableDb = Db & { key(key: Buffer): unknown };

/**
 * Keys the connection with SQLCipher's raw-key form `x'<64 hex>'`, built in a buffer (not a JS
 * string, which could not be wiped) and zeroed as soon as SQLite has it.
 */
function applyRawKey(db: KeyableDb, key: Uint8Array): void {
  if (key.length !== 32) throw new TypeError('vault key must be 32 bytes');
  const hexDigits = Buffer.from('0123456789abcdef', 'latin1');
  const raw = Buffer.alloc(3 + 64 + 1);
  raw[0] = 0x78; // x
  raw[1] = 0x27; // '
  for (let i = 0; i < 32; i += 1) {
    const byte = key[i] ?? 0;
    raw[2 + 2 * i] = hexDigits[byte >> 4] ?? 0;
    raw[3 + 2 * i] = hexDigits[byte & 15] ?? 0;
  }
  raw[66] = 0x27; // '
  try {
    db.key(raw.subarray(0, 67));
  } finally {
    raw.fill(0);
  }
}

export function openSqlCipher(file: string, key: Uint8Array, options: OpenOptions): Db {
  if (options.create) {
    try {
      // Created here, not by SQLite, so the file is 0600 from its first byte; -wal inherits it.
      closeSync(openSync(file, 'wx', 0o600));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw storeErrorFrom(error);
    }
  }
  let db: KeyableDb;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
  } catch (error) {
    throw storeErrorFrom(error);
  }
  try {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma('legacy = 4');
    db.pragma(`legacy_page_size = ${String(VAULT_PAGE_SIZE)}`);
    applyRawKey(db, key);
    db.pragma('locking_mode = EXCLUSIVE');
    // The key check: fails with SQLITE_NOTADB on a wrong key or a damaged first page.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new StoreError('STORE_FAILED');
    for (const pragma of VAULT_PRAGMAS) db.pragma(pragma);
    migrate(db, options.migrations ?? MIGRATIONS);
    return db;
  } catch (error) {
    db.close();
    throw storeErrorFrom(error);
  }
}
