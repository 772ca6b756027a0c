/**
 * A session with the server opened by the test itself, through the client's own modules (API
 * client, device key, password KDF), without a workstation core: for acting as a second device
 * of a user (publishing new keys) or as a hostile sender crafting its own envelopes.
 */
import { createApiClient, type ApiClient } from '../../main/server-link/api-client';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import { loadOrCreateDeviceIdentity } from '../../main/device/device-identity';
import { loginProof } from '../../main/device/device-proof';
import { derivePasswordKeys } from '../../main/keys/password-kdf';
import { unwrapIdentityKeys, type IdentityKeyPairs } from '../../main/crypto/identity-keys';
import type { Session } from '../../shared/protocol/api';
import { totpCode, type TestAccount } from './messaging-server';
import { tempDir } from './vault-fixtures';

export interface RawSession {
  readonly api: ApiClient;
  readonly session: Session;
  readonly deviceId: string;
  /** The user's identity keys, unwrapped (null before their first publication). */
  readonly identity: IdentityKeyPairs | null;
  readonly wrapKey: Uint8Array;
  close(): void;
}

export async function openRawSession(
  endpoint: ServerEndpoint,
  account: TestAccount,
  codeOffset = 0,
): Promise<RawSession> {
  const api = createApiClient(endpoint);
  const device = await loadOrCreateDeviceIdentity({
    dataDir: tempDir('wardline-raw-'),
    device: null,
    allowUnprotectedDevice: true,
  });
  if (!device.ok) throw new Error(device.error);
  const pre = await api.call('prelogin', { userId: account.userId });
  if (!pre.ok) throw new Error(pre.error.code);
  const keys = await derivePasswordKeys(
    account.password,
    new Uint8Array(Buffer.from(pre.value.salt, 'base64')),
    pre.value.kdf,
  );
  const login = await api.call('login', {
    userId: account.userId,
    authKey: Buffer.from(keys.authKey).toString('base64'),
    device: { publicKey: device.value.publicKey, name: 'test device' },
    proof: await loginProof(device.value, account.userId, Date.now()),
  });
  if (!login.ok || login.value.step !== 'mfa') throw new Error(`login: ${JSON.stringify(login)}`);
  const verified = await api.call('verifyMfa', {
    challengeId: login.value.challengeId,
    code: totpCode(account, codeOffset),
  });
  if (!verified.ok) throw new Error(verified.error.code);
  const session = verified.value.session;
  const identity =
    session.identity === null
      ? null
      : await unwrapIdentityKeys(session.identity.wrappedPrivateKeys, session.identity.publicKeys, keys.wrapKey);
  return {
    api,
    session,
    deviceId: device.value.deviceId,
    identity,
    wrapKey: keys.wrapKey,
    close: () => {
      device.value.close();
      api.close();
    },
  };
}
