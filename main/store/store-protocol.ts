/** Messages between the store client (main thread) and the store worker. */
import type { DatabaseKind } from './database-kinds';
import type { Result } from '../../shared/result';
import type { StoreErrorCode } from './store-error';

export interface StoreWorkerData {
  readonly kind: DatabaseKind;
  readonly file: string;
  /** The database key; the worker zeroes its copy once SQLite has it. */
  readonly key: Uint8Array;
  readonly create: boolean;
}

export type ToWorker = { type: 'call'; id: number; op: string; args: unknown } | { type: 'close' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; code: StoreErrorCode }
  /** The answer to the call `id`: the op's value, or the code of what it threw. */
  | ({ type: 'result'; id: number } & Result<unknown, StoreErrorCode>)
  | { type: 'closed' };
