/**
 * The device audit log's schema (`<dataDir>/machine/audit.db`, SQLCipher, keyed by the device
 * key). `chain` is the one row that says where this workstation's chain stands: the last record
 * written and the last one the server acknowledged (records up to it are deleted). `records`
 * holds what the server has not acknowledged yet, each as its canonical text with its hashes.
 */
import type { Migration } from '../store/migrations';

export const DEVICE_LOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'device audit log',
    sql: `
      CREATE TABLE chain (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        device_id TEXT NOT NULL,
        last_seq INTEGER NOT NULL,
        last_hash BLOB NOT NULL,
        acked_seq INTEGER NOT NULL,
        acked_hash BLOB NOT NULL
      ) STRICT;
      CREATE TABLE records (
        seq INTEGER PRIMARY KEY,
        record TEXT NOT NULL,
        previous_hash BLOB NOT NULL,
        hash BLOB NOT NULL
      ) STRICT;
    `,
  },
];
