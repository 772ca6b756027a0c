/**
 * Worker thread: the audit tree's roots over a block of entry hashes shared with the verifier
 * (a SharedArrayBuffer: nothing is copied), so the hashing of leaves and nodes runs beside the
 * chain walk on the main thread.
 */
import { parentPort } from 'node:worker_threads';
import { treeRootsHere } from './tree-roots';
import { loadSodium } from '../crypto/sodium';
import { fastSha256 } from './fast-sha256';
import { err, ok, type Result } from '../../result';

export interface RootsRequest {
  readonly id: number;
  readonly entryHashes: Uint8Array;
  readonly count: number;
  readonly sizes: readonly number[];
}
/** The request's roots, or that computing them failed (why stays in the worker). */
export type RootsResponse = { readonly id: number } & Result<Uint8Array[], 'failed'>;

const port = parentPort;
if (port === null) throw new Error('merkle-roots-worker must run as a worker thread');
const roots = loadSodium().then((sodium) => treeRootsHere(fastSha256(sodium)));

port.on('message', (request: RootsRequest) => {
  roots
    .then((compute) => compute(request.entryHashes, request.count, request.sizes))
    .then(
      (computed) => port.postMessage({ id: request.id, ...ok(computed) } satisfies RootsResponse),
      () => port.postMessage({ id: request.id, ...err('failed' as const) } satisfies RootsResponse),
    );
});
