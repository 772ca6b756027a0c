import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createMachineFileProtector, DeviceProtectorError } from '../../../main/keys/device-protector';

const posix = process.platform !== 'win32';

/** A secret-file path inside a directory that does not exist yet. */
function freshSecretFile(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'wardline-device-')), 'profile', 'machine.key');
}

async function corruptCode(run: () => Promise<unknown>): Promise<unknown> {
  const error: unknown = await run().then(
    () => null,
    (reason: unknown) => reason,
  );
  return error instanceof DeviceProtectorError ? error.code : error;
}

describe('machine-file device protector', () => {
  it('round-trips data, and the same secret file opens it after a restart', async () => {
    const file = freshSecretFile();
    const protector = createMachineFileProtector(file);
    expect(protector.kind).toBe('machine-file');
    const data = Uint8Array.from({ length: 48 }, (_, i) => i * 5);
    const sealed = await protector.protect(data);
    expect(Buffer.from(sealed).includes(Buffer.from(data.subarray(0, 8)))).toBe(false);
    expect(await protector.unprotect(sealed)).toEqual(data);
    expect(await createMachineFileProtector(file).unprotect(sealed)).toEqual(data);
  });

  it("cannot open another machine's data", async () => {
    const here = createMachineFileProtector(freshSecretFile());
    const there = createMachineFileProtector(freshSecretFile());
    const data = new Uint8Array([1, 2, 3, 4]);
    expect(await here.unprotect(await there.protect(data))).toBeNull();
    expect(await there.unprotect(await here.protect(data))).toBeNull();
  });

  it('answers null, and creates no secret, when this machine never protected anything', async () => {
    const file = freshSecretFile();
    const sealed = await createMachineFileProtector(freshSecretFile()).protect(new Uint8Array([7]));
    expect(await createMachineFileProtector(file).unprotect(sealed)).toBeNull();
    expect(() => statSync(file)).toThrow();
  });

  it.runIf(posix)('keeps the secret in a 0600 file inside a 0700 directory, with no temporary file left', async () => {
    const file = freshSecretFile();
    await createMachineFileProtector(file).protect(new Uint8Array([1]));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(statSync(file).size).toBe(32);
    expect(readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
  });

  it('never replaces a secret: protectors racing on first use all end up with one secret', async () => {
    const file = freshSecretFile();
    const data = new Uint8Array([9, 8, 7]);
    const sealed = await Promise.all(Array.from({ length: 8 }, () => createMachineFileProtector(file).protect(data)));
    const reader = createMachineFileProtector(file);
    for (const blob of sealed) expect(await reader.unprotect(blob)).toEqual(data);
    expect(readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
  });

  it.each([
    ['truncated', (secret: Buffer) => secret.subarray(0, 16)],
    ['empty', () => Buffer.alloc(0)],
    ['overlong', (secret: Buffer) => Buffer.concat([secret, Buffer.from([0])])],
  ])('refuses a %s secret file with DEVICE_SECRET_CORRUPT and leaves it untouched', async (_label, damage) => {
    const file = freshSecretFile();
    const protector = createMachineFileProtector(file);
    const sealed = await protector.protect(new Uint8Array([1, 2, 3]));
    const damaged = damage(readFileSync(file));
    writeFileSync(file, damaged);
    expect(await corruptCode(() => protector.protect(new Uint8Array([4])))).toBe('DEVICE_SECRET_CORRUPT');
    expect(await corruptCode(() => protector.unprotect(sealed))).toBe('DEVICE_SECRET_CORRUPT');
    expect(readFileSync(file).equals(damaged)).toBe(true);
  });
});
