/**
 * libsodium (WebAssembly, sumo build for Argon2id), loaded once per thread. Every caller awaits
 * `loadSodium()` instead of `sodium.ready`, so nothing can touch the library before it is ready.
 */
import sodium from 'libsodium-wrappers-sumo';

export type Sodium = typeof sodium;

let loading: Promise<Sodium> | undefined;

export function loadSodium(): Promise<Sodium> {
  loading ??= sodium.ready.then(() => sodium);
  return loading;
}
