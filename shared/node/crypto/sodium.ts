/**
 * libsodium (WebAssembly, sumo build for Argon2id), loaded once per thread. Callers await
 * `loadSodium()` rather than `sodium.ready`, so nothing touches the library before it is ready.
 */
import sodium from 'libsodium-wrappers-sumo';

export type Sodium = typeof sodium;

let loading: Promise<Sodium> | undefined;

export function loadSodium(): Promise<Sodium> {
  loading ??= sodium.ready.then(() => sodium);
  return loading;
}
