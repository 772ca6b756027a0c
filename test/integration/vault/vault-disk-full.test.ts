/**
 * A disk that fills up mid-write, on a real (tiny) tmpfs: the write fails with DISK_FULL, nothing
 * already committed is lost, and the vault opens again afterwards. Needs root to mount tmpfs,
 * which CI and the developer machines have; elsewhere the test is reported as skipped.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../../main/store/store-error';
import { floorKdf, makeManager, randomKey, tempDir } from '../../support/vault-fixtures';
import { received } from '../../support/vault-records';

const mountPoint = path.join(tempDir('wardline-full-'), 'disk');
let mounted = false;

beforeAll(() => {
  mkdirSync(mountPoint);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    mounted = true;
  } catch {
    mounted = false;
  }
});

afterAll(() => {
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
});

describe('vault on a full disk', () => {
  it.runIf(process.getuid?.() === 0)('fails a write with DISK_FULL and keeps every committed message', async () => {
    expect(mounted).toBe(true);
    const { manager } = makeManager({ dataDir: mountPoint });
    const wrapKey = randomKey();
    const created = await manager.create('nurse.adams', wrapKey, floorKdf());
    if (!created.ok) throw new Error(created.error);
    const { store } = created.value;

    let committed = 0;
    let failure: unknown = null;
    for (let i = 0; i < 10_000 && failure === null; i += 1) {
      try {
        await store.call('message.receive', received(i, { body: 'x'.repeat(2000) }));
        committed += 1;
      } catch (error) {
        failure = error;
      }
    }
    expect(failure).toBeInstanceOf(StoreError);
    expect((failure as StoreError).code).toBe('DISK_FULL');
    expect(committed).toBeGreaterThan(0);
    // The failed transaction rolled back; reads still work and see exactly what was committed.
    expect(await store.call('message.unreadCount', {})).toBe(committed);
    await created.value.lock();

    const reopened = await manager.unlock('nurse.adams', wrapKey);
    if (!reopened.ok) throw new Error(reopened.error);
    expect(await reopened.value.store.call('message.unreadCount', {})).toBe(committed);
    await reopened.value.lock();
  });
});
