/**
 * Worker thread for one Argon2id derivation. It runs apart from main so a slow derivation never
 * blocks the app, and it exits when done so libsodium's WebAssembly heap (as large as the memory
 * cost, up to gigabytes) goes back to the OS instead of staying mapped in main for good.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { deriveArgon2id } from '../../shared/node/crypto/argon2id';
import { loadSodium, type Sodium } from '../../shared/node/crypto/sodium';
import { err, ok, type Result } from '../../shared/result';

export interface KdfRequest {
  /** UTF-8, transferred from main: this is the only copy, and it is zeroed here. */
  readonly password: Uint8Array;
  readonly salt: Uint8Array;
  readonly memoryMiB: number;
  readonly passes: number;
  readonly keyBytes: number;
}

/** The master key; its buffer is transferred, so no copy stays behind in this thread. */
export type KdfResponse = Result<ArrayBuffer, 'KDF_FAILED'>;

const port = parentPort;
if (port === null) throw new Error('kdf-worker runs only as a worker thread');

/** A standby worker (password-kdf.ts `prepareKdf`): how much of its heap to fault in before the request. */
const prefaultMiB = (workerData as { prefaultMiB?: unknown } | undefined)?.prefaultMiB;
if (typeof prefaultMiB === 'number')
  void loadSodium().then(
    (sodium) => prefault(sodium, prefaultMiB),
    () => undefined,
  );

// `once`: the port stops holding the thread open after one request, so it exits by itself.
port.once('message', (request: KdfRequest) => {
  void derive(request).then((response) => {
    if (response.ok) port.postMessage(response, [response.value]);
    else port.postMessage(response);
  });
});

async function derive(request: KdfRequest): Promise<KdfResponse> {
  let sodium: Sodium | undefined;
  try {
    sodium = await loadSodium();
    return ok(deriveArgon2id(sodium, request));
  } catch {
    // libsodium's messages say nothing secret, but main needs only the fact of failure.
    return err('KDF_FAILED');
  } finally {
    request.password.fill(0);
    if (sodium) wipeHeap(sodium);
  }
}

interface SodiumHeap {
  readonly HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

const heapOf = (sodium: Sodium) => (sodium as unknown as { libsodium?: SodiumHeap }).libsodium;

/**
 * Grows libsodium's heap by the derivation's memory cost and writes every page, so the kernel
 * maps them now, then frees the block: Argon2id's allocation reuses it.
 */
function prefault(sodium: Sodium, memoryMiB: number): void {
  const heap = heapOf(sodium);
  if (heap === undefined) return;
  // A little more than the cost: Argon2id allocates its blocks plus a few small buffers.
  const bytes = (memoryMiB + 1) * 1024 * 1024;
  const pointer = heap._malloc(bytes);
  if (pointer === 0) return;
  // Read HEAPU8 after the allocation: growing the heap replaces the view.
  heap.HEAPU8.fill(0, pointer, pointer + bytes);
  heap._free(pointer);
}

/**
 * libsodium.js copies the password and the result into its heap and frees them without wiping.
 * Nothing runs in this thread after the derivation, so the whole heap can be zeroed.
 */
function wipeHeap(sodium: Sodium): void {
  const heap = heapOf(sodium)?.HEAPU8;
  if (heap instanceof Uint8Array) heap.fill(0);
}
