/**
 * The invariant "a lock clears every secret of the unlocked clinician", on the real vault and
 * real identity keys: the test lists each secret by name, and after the scope closes proves each
 * is gone: messaging stopped, the vault closed (its store refuses calls, the manager holds it no
 * more), the identity private keys and the wrap key all zero bytes. A secret added to the scope
 * fails the first test until it is listed here, with its proof.
 */
import { describe, expect, it } from 'vitest';
import { generateIdentityKeys, publicKeysOf, wrapIdentityKeys } from '../../../main/crypto/identity-keys';
import type { MessagingService } from '../../../main/messaging/messaging-service';
import {
  CLEARED_ON_LOCK,
  openUnlockedScope,
  reopenUnlockedScope,
  type UnlockedSecrets,
} from '../../../main/session/unlocked-scope';
import { floorKdf, makeManager, randomKey } from '../../support/vault-fixtures';

/** Every secret the unlocked scope holds, in the order a lock clears them. */
const SECRETS = ['messaging', 'vault', 'identity', 'wrapKey'] as const;

/** Stands in for messaging: the scope only stops it and asks its stored feed cursor and what awaits acknowledgement. */
function fakeMessaging(options: { stopFails?: boolean } = {}) {
  const calls: string[] = [];
  const messaging = {
    stopped: false,
    calls,
    cursor: () => Promise.resolve(42),
    awaitingAcknowledgement: () => Promise.resolve(['message-1']),
    stop() {
      calls.push('stop');
      if (options.stopFails) return Promise.reject(new Error('stream would not close'));
      messaging.stopped = true;
      return Promise.resolve();
    },
  };
  return messaging;
}

async function unlockedSecrets(messaging: ReturnType<typeof fakeMessaging>) {
  const { manager } = makeManager();
  const wrapKey = randomKey();
  const vault = await manager.create('nurse.adams', wrapKey, floorKdf());
  if (!vault.ok) throw new Error(vault.error);
  const secrets: UnlockedSecrets = {
    messaging: messaging as unknown as MessagingService,
    vault: vault.value,
    identity: await generateIdentityKeys(),
    wrapKey,
  };
  return { manager, secrets };
}

const allZero = (bytes: Uint8Array) => bytes.length > 0 && bytes.every((byte) => byte === 0);

async function expectAllCleared(
  manager: ReturnType<typeof makeManager>['manager'],
  secrets: UnlockedSecrets,
  messaging: ReturnType<typeof fakeMessaging>,
) {
  // messaging: stopped.
  expect(messaging.calls).toContain('stop');
  // vault: closed, its data key gone with the store worker.
  expect(manager.openVaultIds()).toEqual([]);
  await expect(secrets.vault.store.call('setting.get', { key: 'session.pin' })).rejects.toThrow();
  // identity: both private keys zeroed (the public halves are public).
  expect(allZero(secrets.identity.signing.privateKey)).toBe(true);
  expect(allZero(secrets.identity.encryption.privateKey)).toBe(true);
  // wrapKey: zeroed.
  expect(allZero(secrets.wrapKey)).toBe(true);
}

describe('the unlocked scope: what a lock clears', () => {
  it('declares exactly these secrets, each with how it is cleared', () => {
    expect(Object.keys(CLEARED_ON_LOCK)).toEqual([...SECRETS]);
  });

  it('clears every one of them on close, and gives the locked watch its cursor and what awaits acknowledgement', async () => {
    const messaging = fakeMessaging();
    const { manager, secrets } = await unlockedSecrets(messaging);
    expect(allZero(secrets.wrapKey)).toBe(false);
    expect(allZero(secrets.identity.signing.privateKey)).toBe(false);
    const scope = openUnlockedScope(secrets);

    expect(await scope.close()).toEqual({ cursor: 42, awaiting: ['message-1'] });

    await expectAllCleared(manager, secrets, messaging);
    expect(messaging.stopped).toBe(true);
    // Closing twice is harmless.
    expect(await scope.close()).toBeNull();
  });

  it('clears the rest even when one clear fails, and then says so', async () => {
    const messaging = fakeMessaging({ stopFails: true });
    const { manager, secrets } = await unlockedSecrets(messaging);
    const scope = openUnlockedScope(secrets);

    await expect(scope.close()).rejects.toThrow('stream would not close');

    await expectAllCleared(manager, secrets, messaging);
  });

  it('waits for a messaging call in flight before clearing anything', async () => {
    const messaging = fakeMessaging();
    const { manager, secrets } = await unlockedSecrets(messaging);
    const scope = openUnlockedScope(secrets);
    let finish: () => void = () => undefined;
    const call = scope.use(async () => {
      await new Promise<void>((resolve) => {
        finish = resolve;
      });
      messaging.calls.push('call finished');
    });

    const closing = scope.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(messaging.calls).toEqual([]);
    expect(allZero(secrets.wrapKey)).toBe(false);
    finish();
    await call;
    await closing;

    expect(messaging.calls[0]).toBe('call finished');
    await expectAllCleared(manager, secrets, messaging);
  });

  it('does not wait past its grace for a call that never ends', async () => {
    const messaging = fakeMessaging();
    const { manager, secrets } = await unlockedSecrets(messaging);
    const scope = openUnlockedScope(secrets, 50);
    void scope.use(() => new Promise<never>(() => undefined));

    await scope.close();

    await expectAllCleared(manager, secrets, messaging);
  });

  it('reopens from the wrap key, and zeroes a wrap key that opens nothing', async () => {
    const { manager, secrets } = await unlockedSecrets(fakeMessaging());
    const wrapped = {
      publicKeys: publicKeysOf(secrets.identity),
      wrappedPrivateKeys: await wrapIdentityKeys(secrets.identity, secrets.wrapKey),
    };
    const rightKey = secrets.wrapKey.slice();
    await openUnlockedScope(secrets).close();

    const wrongKey = randomKey();
    const refused = await reopenUnlockedScope(manager, 'nurse.adams', wrapped, wrongKey, () => {
      throw new Error('no messaging without a vault');
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'WRONG_PASSWORD' } });
    expect(allZero(wrongKey)).toBe(true);

    const messaging = fakeMessaging();
    const reopened = await reopenUnlockedScope(
      manager,
      'nurse.adams',
      wrapped,
      rightKey,
      () => messaging as unknown as MessagingService,
    );
    if (!reopened.ok) throw new Error(reopened.error.code);
    expect(manager.openVaultIds()).toHaveLength(1);
    await reopened.value.close();
    expect(allZero(rightKey)).toBe(true);
    expect(manager.openVaultIds()).toEqual([]);
    expect(messaging.stopped).toBe(true);
  });
});
