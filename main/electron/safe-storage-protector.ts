/**
 * Device binding through Electron's safeStorage: DPAPI on Windows, the Keychain on macOS,
 * libsecret or KWallet on Linux. Linux's `basic_text` backend is refused: it encrypts with a
 * fixed, public key, which is obfuscation, not protection.
 *
 * safeStorage is passed in, so this is tested with a fake. It uses the async API (the sync one is
 * deprecated); safeStorage takes strings, so bytes travel as base64. Those strings cannot be
 * wiped, which is the API's limit, not a choice.
 */
import type { SafeStorage } from 'electron';
import type { DeviceProtector } from '../keys/device-protector';

export type SafeStorageApi = Pick<
  SafeStorage,
  'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync' | 'getSelectedStorageBackend'
>;

export interface SafeStorageUnavailable {
  readonly unavailable: 'NO_OS_KEYSTORE' | 'BASIC_TEXT_REFUSED';
}

/** Call after the app is ready: before that, no platform reports a keystore. */
export async function createSafeStorageProtector(
  safeStorage: SafeStorageApi,
  platform: NodeJS.Platform,
): Promise<DeviceProtector | SafeStorageUnavailable> {
  if (!(await safeStorage.isAsyncEncryptionAvailable())) return { unavailable: 'NO_OS_KEYSTORE' };
  if (platform === 'linux') {
    const backend = safeStorage.getSelectedStorageBackend();
    if (backend === 'basic_text') return { unavailable: 'BASIC_TEXT_REFUSED' };
    // `unknown` means the backend was never chosen, so nothing says a keystore is there.
    if (backend === 'unknown') return { unavailable: 'NO_OS_KEYSTORE' };
  }
  return {
    kind: 'os-keystore',
    async protect(data) {
      const encrypted = await safeStorage.encryptStringAsync(Buffer.from(data).toString('base64'));
      return new Uint8Array(encrypted);
    },
    async unprotect(data) {
      try {
        // shouldReEncrypt is not acted on: the blob still opens, and re-protecting is the caller's job.
        const { result } = await safeStorage.decryptStringAsync(Buffer.from(data));
        const bytes = Buffer.from(result, 'base64');
        return bytes.toString('base64') === result ? new Uint8Array(bytes) : null;
      } catch {
        return null;
      }
    },
  };
}
