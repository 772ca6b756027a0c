import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createSafeStorageProtector, type SafeStorageApi } from '../../../main/electron/safe-storage-protector';
import type { DeviceProtector } from '../../../main/keys/device-protector';

type Backend = ReturnType<SafeStorageApi['getSelectedStorageBackend']>;

/** A stand-in keystore: reversible, machine-specific through `machine`, and throws on foreign data. */
function fakeSafeStorage(options: { available?: boolean; backend?: Backend; machine?: string } = {}) {
  const machine = options.machine ?? 'ward-pc-1';
  const tag = `${machine}:`;
  return {
    isAsyncEncryptionAvailable: vi.fn(() => Promise.resolve(options.available ?? true)),
    getSelectedStorageBackend: vi.fn((): Backend => options.backend ?? 'gnome_libsecret'),
    encryptStringAsync: vi.fn((plain: string) =>
      Promise.resolve(Buffer.from(tag + Buffer.from(plain).reverse().toString('latin1'), 'latin1')),
    ),
    decryptStringAsync: vi.fn((encrypted: Buffer) => {
      const text = encrypted.toString('latin1');
      if (!text.startsWith(tag))
        return Promise.reject(
          new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.'),
        );
      return Promise.resolve({
        shouldReEncrypt: false,
        result: Buffer.from(text.slice(tag.length), 'latin1').reverse().toString(),
      });
    }),
  } satisfies SafeStorageApi;
}

async function protectorFor(storage: SafeStorageApi, platform: NodeJS.Platform): Promise<DeviceProtector> {
  const created = await createSafeStorageProtector(storage, platform);
  if (!('kind' in created)) throw new Error(`unavailable: ${created.unavailable}`);
  return created;
}

describe('safeStorage device protector', () => {
  it("refuses Linux's basic_text backend, which uses a fixed key", async () => {
    const storage = fakeSafeStorage({ backend: 'basic_text' });
    expect(await createSafeStorageProtector(storage, 'linux')).toEqual({ unavailable: 'BASIC_TEXT_REFUSED' });
    expect(storage.encryptStringAsync).not.toHaveBeenCalled();
  });

  it('refuses a Linux backend that was never chosen', async () => {
    expect(await createSafeStorageProtector(fakeSafeStorage({ backend: 'unknown' }), 'linux')).toEqual({
      unavailable: 'NO_OS_KEYSTORE',
    });
  });

  it.each(['linux', 'win32', 'darwin'] as const)('refuses when encryption is unavailable on %s', async (platform) => {
    expect(await createSafeStorageProtector(fakeSafeStorage({ available: false }), platform)).toEqual({
      unavailable: 'NO_OS_KEYSTORE',
    });
  });

  it.each([
    ['linux', 'gnome_libsecret'],
    ['linux', 'kwallet6'],
    ['win32', 'unknown'],
    ['darwin', 'unknown'],
  ] as const)('round-trips any bytes on %s (%s)', async (platform, backend) => {
    const protector = await protectorFor(fakeSafeStorage({ backend }), platform);
    expect(protector.kind).toBe('os-keystore');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), async (data) => {
        const sealed = await protector.protect(data);
        expect(sealed).toBeInstanceOf(Uint8Array);
        expect(await protector.unprotect(sealed)).toEqual(data);
      }),
    );
  });

  it('asks only Linux for its backend', async () => {
    const storage = fakeSafeStorage({ backend: 'basic_text' });
    await protectorFor(storage, 'win32');
    expect(storage.getSelectedStorageBackend).not.toHaveBeenCalled();
  });

  it('answers null for data another machine protected, or that was damaged', async () => {
    const here = await protectorFor(fakeSafeStorage({ machine: 'ward-pc-1' }), 'win32');
    const there = await protectorFor(fakeSafeStorage({ machine: 'ward-pc-2' }), 'win32');
    const sealed = await there.protect(new Uint8Array([1, 2, 3]));
    expect(await here.unprotect(sealed)).toBeNull();
    expect(await here.unprotect(new Uint8Array([0xde, 0xad]))).toBeNull();
  });

  it('answers null when the keystore returns something that is not the base64 it was given', async () => {
    const storage = fakeSafeStorage();
    storage.decryptStringAsync.mockResolvedValueOnce({ shouldReEncrypt: false, result: 'not base64!' });
    const protector = await protectorFor(storage, 'win32');
    expect(await protector.unprotect(new Uint8Array([1]))).toBeNull();
  });
});
