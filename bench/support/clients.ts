/**
 * Signed-in clients of the reference server without a workstation core, built from the client's
 * own modules (API client, device key and proofs, password KDF, identity keys, server session
 * with token refresh, feed stream): the crowd of other clinicians connected to the server while
 * a bench measures, and the senders and recipients of the throughput bench.
 *
 * Sign-in is deliberately slow (Argon2id 64 MiB on the client, a hash on the server) and a TOTP
 * code is good once per account and 30 s step, so one account can open at most three sessions at
 * once (the steps before, at and after now, in that order). `deriveAccountKeys` runs once per
 * account and its keys serve all that account's sessions.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import type { Role } from '../../shared/access/permission-matrix';
import type { Session } from '../../shared/protocol/api';
import type { FeedEvent } from '../../shared/protocol/feed';
import { totpCodeAt } from '../../server/accounts/totp';
import {
  generateIdentityKeys,
  publicKeysOf,
  unwrapIdentityKeys,
  wrapIdentityKeys,
  zeroIdentityKeys,
  type IdentityKeyPairs,
} from '../../main/crypto/identity-keys';
import { loadOrCreateDeviceIdentity, type DeviceIdentity } from '../../main/device/device-identity';
import { loginProof, refreshProof } from '../../main/device/device-proof';
import { derivePasswordKeys, type PasswordKeys } from '../../main/keys/password-kdf';
import { createApiClient, type ApiClient } from '../../main/server-link/api-client';
import { asArrived, createFeedStream, type FeedStream } from '../../main/server-link/feed-stream';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import { createServerSession, type ServerSession } from '../../main/session/server-session';
import { account, type TestAccount } from '../../test/support/test-account';

/** Bench accounts are test accounts: the same credentials a test knows, on a real server. */
export type BenchAccount = TestAccount;

export function benchAccount(userId: string, role: Role = 'nurse', displayName = `Bench ${userId}`): BenchAccount {
  return account(userId, role, displayName, 'Ward 7B', 'Staff');
}

/** The code for the TOTP step `offset` steps from now. */
export function totpCode(account: BenchAccount, offset = 0): string {
  return totpCodeAt(account.totpSecret, Date.now() + offset * 30_000);
}

/** Argon2id as the client does it (server's salt and cost): once per account. */
export async function deriveAccountKeys(endpoint: ServerEndpoint, account: BenchAccount): Promise<PasswordKeys> {
  const api = createApiClient(endpoint);
  try {
    const pre = await api.call('prelogin', { userId: account.userId });
    if (!pre.ok) throw new Error(`prelogin ${account.userId}: ${pre.error.code}`);
    return await derivePasswordKeys(
      account.password,
      new Uint8Array(Buffer.from(pre.value.salt, 'base64')),
      pre.value.kdf,
    );
  } finally {
    api.close();
  }
}

export interface RawClient {
  readonly userId: string;
  readonly deviceId: string;
  readonly api: ApiClient;
  readonly server: ServerSession;
  /** Null unless asked for (`identity: true`). */
  readonly identity: IdentityKeyPairs | null;
  close(): Promise<void>;
}

export interface SignInOptions {
  readonly endpoint: ServerEndpoint;
  readonly account: BenchAccount;
  readonly keys: PasswordKeys;
  /** A fresh folder for this session's device key. */
  readonly dataDir: string;
  /** TOTP step offset; an account's sessions use -1, 0, +1 in that order. */
  readonly codeOffset?: number;
  /** Publish identity keys on the account's first sign-in, unwrap them after: needed to seal or open. */
  readonly identity?: boolean;
}

/** Password step with a device proof, then TOTP: a session of its own, with its own device. */
export async function signInRaw(options: SignInOptions): Promise<RawClient> {
  const { account } = options;
  const api = createApiClient(options.endpoint);
  let device: DeviceIdentity | null = null;
  try {
    const loaded = await loadOrCreateDeviceIdentity({
      dataDir: mkdtempSync(path.join(options.dataDir, 'device-')),
      device: null,
      allowUnprotectedDevice: true,
    });
    if (!loaded.ok) throw new Error(loaded.error);
    device = loaded.value;
    const signer = device;
    const login = await api.call('login', {
      userId: account.userId,
      authKey: Buffer.from(options.keys.authKey).toString('base64'),
      device: { publicKey: signer.publicKey, name: 'bench workstation' },
      proof: await loginProof(signer, account.userId, Date.now()),
    });
    if (!login.ok) throw new Error(`login ${account.userId}: ${login.error.code}`);
    let session: Session;
    if (login.value.step === 'signed-in') session = login.value.session;
    else if (login.value.step === 'mfa') {
      const verified = await api.call('verifyMfa', {
        challengeId: login.value.challengeId,
        code: totpCode(account, options.codeOffset ?? 0),
      });
      if (!verified.ok) throw new Error(`verifyMfa ${account.userId}: ${verified.error.code}`);
      session = verified.value.session;
    } else throw new Error(`login ${account.userId}: unexpected ${login.value.step}`);

    let identity: IdentityKeyPairs | null = null;
    if (options.identity === true) {
      if (session.identity === null) {
        identity = await generateIdentityKeys();
        const published = await api.call(
          'publishIdentity',
          {
            publicKeys: publicKeysOf(identity),
            wrappedPrivateKeys: await wrapIdentityKeys(identity, options.keys.wrapKey),
          },
          session.token,
        );
        if (!published.ok) throw new Error(`publishIdentity ${account.userId}: ${published.error.code}`);
      } else {
        identity = await unwrapIdentityKeys(
          session.identity.wrappedPrivateKeys,
          session.identity.publicKeys,
          options.keys.wrapKey,
        );
        if (identity === null) throw new Error(`identity of ${account.userId} does not unwrap`);
      }
    }
    const server = createServerSession({
      api,
      session,
      refreshProof: (sessionId) => refreshProof(signer, sessionId, Date.now()),
      now: Date.now,
      onEnded: () => undefined,
    });
    server.start();
    return {
      userId: account.userId,
      deviceId: signer.deviceId,
      api,
      server,
      identity,
      async close() {
        await server.end().catch(() => undefined);
        if (identity) await zeroIdentityKeys(identity);
        signer.close();
        api.close();
      },
    };
  } catch (error) {
    device?.close();
    api.close();
    throw error;
  }
}

/**
 * Signs in `sessionsPerAccount` sessions for each account, accounts in parallel (`parallel` at a
 * time), each account's sessions in TOTP order. Keys are derived once per account.
 */
export async function signInMany(
  endpoint: ServerEndpoint,
  accounts: readonly BenchAccount[],
  options: { sessionsPerAccount: number; dataDir: string; identity?: boolean; parallel?: number; total?: number },
): Promise<RawClient[]> {
  if (options.sessionsPerAccount > 3)
    throw new Error('a TOTP code is single-use: at most three sessions per account at once');
  const clients: RawClient[] = [];
  const wanted = options.total ?? accounts.length * options.sessionsPerAccount;
  let next = 0;
  /** Sessions claimed so far (claimed before the awaits, so parallel workers never overshoot). */
  let claimed = 0;
  const worker = async () => {
    for (;;) {
      const account = accounts[next++];
      if (account === undefined || claimed >= wanted) return;
      const sessions = Math.min(options.sessionsPerAccount, wanted - claimed);
      claimed += sessions;
      const keys = await deriveAccountKeys(endpoint, account);
      try {
        for (let s = 0; s < sessions; s += 1) {
          clients.push(
            await signInRaw({
              endpoint,
              account,
              keys,
              dataDir: options.dataDir,
              codeOffset: s - 1,
              ...(options.identity === undefined ? {} : { identity: options.identity }),
            }),
          );
        }
      } finally {
        keys.authKey.fill(0);
        keys.wrapKey.fill(0);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.parallel ?? 4 }, worker));
  } catch (error) {
    await Promise.all(clients.map((client) => client.close()));
    throw error;
  }
  return clients;
}

export interface StreamConnection {
  readonly stream: FeedStream;
  /** Envelope events received so far. */
  envelopes(): number;
  /** Resolves once the server has sent `ready` (caught up, live from now on). */
  readonly online: Promise<void>;
}

/**
 * The client's real feed stream for a raw client. The events are counted and the cursor advanced
 * in memory: these stand for workstations elsewhere, whose own opening and storing costs nothing
 * on the server and would only burden this machine's two cores.
 */
export function connectStream(
  endpoint: ServerEndpoint,
  client: RawClient,
  onEnvelope?: (event: Extract<FeedEvent, { type: 'envelope' }>) => void,
): StreamConnection {
  let cursor = 0;
  let envelopes = 0;
  let markOnline: () => void = () => undefined;
  const online = new Promise<void>((resolve) => (markOnline = resolve));
  const stream = createFeedStream({
    endpoint,
    token: () => client.server.token(),
    cursor: () => Promise.resolve(cursor),
    prepare: asArrived,
    onEvents: (events) => {
      for (const event of events) {
        cursor = Math.max(cursor, event.seq);
        if (event.type === 'envelope') {
          envelopes += 1;
          onEnvelope?.(event);
        }
      }
      return Promise.resolve();
    },
    onState: (state) => {
      if (state === 'online') markOnline();
    },
    onSessionEnded: () => undefined,
  });
  stream.start();
  return { stream, envelopes: () => envelopes, online };
}
