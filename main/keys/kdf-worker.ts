/**
 * Worker thread for one Argon2id derivation. It runs apart from main so a slow derivation never
 * blocks the app, and it exits when done so libsodium's WebAssembly heap (as large as the memory
 * cost, up to gigabytes) goes back to the OS instead of staying mapped in main for good.
 */
import { parentPort } from 'node:worker_threads';
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

/**
 * libsodium.js copies the password and the result into its heap and frees them without wiping.
 * Nothing runs in this thread after the derivation, so the whole heap can be zeroed.
 */
function wipeHeap(sodium: Sodium): void {
  const heap = (sodium as unknown as { libsodium?: { HEAPU8?: unknown } }).libsodium?.HEAPU8;
  if (heap instanceof Uint8Array) heap.fill(0);
}
