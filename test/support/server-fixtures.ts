/**
 * The server's integration fixtures: a real server (PGlite or PostgreSQL) on an ephemeral port
 * with a movable clock and a captured log, and real users who sign in the way a workstation
 * does: prelogin, Argon2id + HKDF over the server's salt, a device key proving the login, TOTP,
 * then identity keys and sealed envelopes from main/crypto/.
 *
 * Test servers give new accounts a cheap KDF cost (TEST_ACCOUNT_KDF) and hash auth keys cheaply
 * (TEST_AUTH_KEY_HASH_COST), so a user costs milliseconds instead of half a second; the code
 * paths are the same, and the CLI test runs the real costs end to end. The derivation
 * here is the client's, written out with libsodium so it can run below the client's floor;
 * server-key-derivation.test.ts pins it to main/keys/password-kdf.ts at the real cost.
 */
import { hkdfSync, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import * as OTPAuth from 'otpauth';
import {
  fingerprintOf,
  generateIdentityKeys,
  publicKeysOf,
  wrapIdentityKeys,
  type IdentityKeyPairs,
} from '../../main/crypto/identity-keys';
import { sealEnvelope } from '../../main/crypto/envelope-seal';
import { loadSodium } from '../../shared/node/crypto/sodium';
import type { Role } from '../../shared/access/permission-matrix';
import type { Session } from '../../shared/protocol/api';
import { AUTH_KEY_INFO, loginProofBytes, refreshProofBytes, WRAP_KEY_INFO } from '../../shared/protocol/auth';
import type { Envelope, Priority } from '../../shared/protocol/envelope';
import type { EscalationReason } from '../../shared/protocol/escalation';
import { startServer, type RunningServer, type ServerOptions } from '../../server/server';
import { seedPgliteFromTemplate } from './pglite-template';
import type { PostgresCluster } from './postgres';
import { apiClient, openStream, type ApiClient, type StreamClient } from './server-client';

export type Backend = 'pglite' | 'postgres';
/** Starting or stopping a server (and PostgreSQL) on a busy two-core machine can take a while. */
export const HOOK_TIMEOUT_MS = 60_000;
export const BACKENDS: readonly Backend[] = ['pglite', 'postgres'];

const TOTP_STEP_MS = 30_000;

/** Real time plus an offset the test moves forward. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  return { now: () => Date.now() + offset, advance: (ms) => (offset += ms) };
}

/** Everything the server logged, as text. */
export interface LogCapture {
  readonly stream: Writable;
  text(): string;
}

export function captureLog(): LogCapture {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export interface TestServer {
  readonly server: RunningServer;
  readonly backend: Backend;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly caPem: string;
  readonly clock: TestClock;
  readonly log: LogCapture;
  readonly api: ApiClient;
  /** A client whose requests come from another loopback address (its own throttle counters). */
  apiFrom(localAddress: string): ApiClient;
  stream(token: string): Promise<StreamClient>;
  /** Stops the server; the data dir and database stay until `dispose`. */
  close(): Promise<void>;
  dispose(): Promise<void>;
}

/** The KDF cost test servers give new accounts unless a test asks for another. */
export const TEST_ACCOUNT_KDF = Object.freeze({ memoryMiB: 8, passes: 1 });
/** And the cost of their stored auth key hashes (password-hashing.test.ts checks the real one). */
export const TEST_AUTH_KEY_HASH_COST = Object.freeze({ opsLimit: 1, memLimitBytes: 8 * 1024 * 1024 });

export interface TestServerOptions extends Partial<Omit<ServerOptions, 'now' | 'log' | 'port'>> {
  readonly postgres?: PostgresCluster;
  readonly clock?: TestClock;
  readonly log?: LogCapture;
  /** PGlite: let the server initialise its database itself instead of copying the template. */
  readonly freshDatabase?: boolean;
}

export async function startTestServer(backend: Backend, options: TestServerOptions = {}): Promise<TestServer> {
  const { postgres, clock = testClock(), log = captureLog(), freshDatabase = false, ...serverOptions } = options;
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'wardline-server-'));
  if (backend === 'pglite' && options.dataDir === undefined && !freshDatabase) await seedPgliteFromTemplate(dataDir);
  let databaseUrl = options.databaseUrl;
  if (backend === 'postgres' && databaseUrl === undefined) {
    if (postgres === undefined) throw new Error('a postgres backend needs the cluster');
    databaseUrl = await postgres.createDatabase();
  }
  const server = await startServer({
    accountKdf: TEST_ACCOUNT_KDF,
    authKeyHashCost: TEST_AUTH_KEY_HASH_COST,
    ...serverOptions,
    dataDir,
    port: 0,
    now: clock.now,
    log: { destination: log.stream },
    ...(databaseUrl === undefined ? {} : { databaseUrl }),
  });
  const caPem = readFileSync(server.caCertPath, 'utf8');
  const clients: ApiClient[] = [];
  const apiFrom = (localAddress?: string) => {
    const client = apiClient(server.url, caPem, localAddress === undefined ? {} : { localAddress });
    clients.push(client);
    return client;
  };
  const streams: StreamClient[] = [];
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    for (const client of clients) client.close();
    await Promise.all(streams.map((stream) => stream.close().catch(() => undefined)));
    await server.close();
  };
  return {
    server,
    backend,
    dataDir,
    databaseUrl,
    caPem,
    clock,
    log,
    api: apiFrom(),
    apiFrom,
    async stream(token) {
      const opened = await openStream(server.url, caPem, token);
      streams.push(opened);
      return opened;
    },
    close,
    async dispose() {
      await close();
      if (options.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestDevice {
  readonly deviceId: string;
  readonly name: string;
  readonly publicKey: string;
  readonly secretKey: Uint8Array;
}

export async function newDevice(name = 'Ward 4B workstation'): Promise<TestDevice> {
  const sodium = await loadSodium();
  const pair = sodium.crypto_sign_keypair();
  return {
    deviceId: randomUUID(),
    name,
    publicKey: Buffer.from(pair.publicKey).toString('base64'),
    secretKey: pair.privateKey,
  };
}

export async function signWith(device: TestDevice, bytes: Uint8Array): Promise<string> {
  const sodium = await loadSodium();
  return Buffer.from(sodium.crypto_sign_detached(bytes, device.secretKey)).toString('base64');
}

export async function loginProof(device: TestDevice, userId: string, timestamp: number) {
  return {
    deviceId: device.deviceId,
    timestamp,
    signature: await signWith(device, loginProofBytes({ userId, deviceId: device.deviceId, timestamp })),
  };
}

export async function refreshProof(device: TestDevice, sessionId: string, timestamp: number) {
  return {
    deviceId: device.deviceId,
    timestamp,
    signature: await signWith(device, refreshProofBytes({ sessionId, deviceId: device.deviceId, timestamp })),
  };
}

export interface TestUserSpec {
  readonly userId: string;
  readonly displayName: string;
  readonly role?: Role;
  readonly department?: string;
  readonly title?: string;
  /** Pre-enrolled TOTP (default); `null` leaves the account to enroll on first sign-in. */
  readonly totpSecret?: string | null;
}

export interface TestUser {
  readonly userId: string;
  readonly displayName: string;
  readonly password: string;
  totpSecret: string | null;
  device: TestDevice;
  session: Session | null;
  identity: IdentityKeyPairs | null;
  /** The last TOTP step used, so the next sign-in waits (moves the clock) for a new one. */
  lastStep: number;
}

export function token(user: TestUser): string {
  if (user.session === null) throw new Error(`${user.userId} is not signed in`);
  return user.session.token;
}

export async function createUser(target: TestServer, spec: TestUserSpec): Promise<TestUser> {
  const password = `pw-${randomUUID()}`;
  const totpSecret = spec.totpSecret === undefined ? new OTPAuth.Secret({ size: 20 }).base32 : spec.totpSecret;
  await target.server.admin.createAccount({
    userId: spec.userId,
    password,
    role: spec.role ?? 'nurse',
    displayName: spec.displayName,
    department: spec.department ?? 'Cardiology Ward 4B',
    title: spec.title ?? 'Registered Nurse',
    ...(totpSecret === null ? {} : { totpSecret }),
  });
  return {
    userId: spec.userId,
    displayName: spec.displayName,
    password,
    totpSecret,
    device: await newDevice(),
    session: null,
    identity: null,
    lastStep: 0,
  };
}

export interface ClientKeys {
  readonly authKey: Uint8Array;
  readonly wrapKey: Uint8Array;
}

/** The client's derivation: Argon2id(NFC password, salt) → master key → HKDF-SHA256 auth and wrap keys. */
export async function clientKeys(
  password: string,
  salt: string,
  kdf: { memoryMiB: number; passes: number },
): Promise<ClientKeys> {
  const sodium = await loadSodium();
  const saltBytes = Buffer.from(salt, 'base64');
  const master = sodium.crypto_pwhash(
    32,
    new TextEncoder().encode(password.normalize('NFC')),
    saltBytes,
    kdf.passes,
    kdf.memoryMiB * 1024 * 1024,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  return {
    authKey: new Uint8Array(hkdfSync('sha256', master, saltBytes, AUTH_KEY_INFO, 32)),
    wrapKey: new Uint8Array(hkdfSync('sha256', master, saltBytes, WRAP_KEY_INFO, 32)),
  };
}

export async function authKeyOf(api: ApiClient, user: Pick<TestUser, 'userId' | 'password'>): Promise<string> {
  const { salt, kdf } = await api.ok('prelogin', { userId: user.userId });
  return Buffer.from((await clientKeys(user.password, salt, kdf)).authKey).toString('base64');
}

/** A TOTP code for a step this user has not used yet, moving the clock on if needed. */
export function freshTotpCode(target: TestServer, user: TestUser, secret = user.totpSecret): string {
  if (secret === null) throw new Error(`${user.userId} has no TOTP secret`);
  let step = Math.floor(target.clock.now() / TOTP_STEP_MS);
  if (step <= user.lastStep) {
    target.clock.advance((user.lastStep + 1 - step) * TOTP_STEP_MS);
    step = user.lastStep + 1;
  }
  user.lastStep = step;
  return OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), timestamp: target.clock.now() });
}

/** The whole sign-in, enrolling TOTP if the server asks; stores and returns the session. */
export async function signIn(target: TestServer, user: TestUser, api: ApiClient = target.api): Promise<Session> {
  const authKey = await authKeyOf(api, user);
  const login = await api.ok('login', {
    userId: user.userId,
    authKey,
    device: { publicKey: user.device.publicKey, name: user.device.name },
    proof: await loginProof(user.device, user.userId, target.clock.now()),
  });
  let session: Session;
  if (login.step === 'signed-in') {
    session = login.session;
  } else {
    if (login.step === 'enroll-mfa') user.totpSecret = OTPAuth.URI.parse(login.otpauthUri).secret.base32;
    session = (await api.ok('verifyMfa', { challengeId: login.challengeId, code: freshTotpCode(target, user) }))
      .session;
  }
  user.session = session;
  return session;
}

/** Publishes fresh identity keys (wrapped with the user's real wrap key), as a first sign-in does. */
export async function publishIdentity(target: TestServer, user: TestUser): Promise<string> {
  const { salt, kdf } = await target.api.ok('prelogin', { userId: user.userId });
  const keys = await generateIdentityKeys();
  const wrapped = await wrapIdentityKeys(keys, (await clientKeys(user.password, salt, kdf)).wrapKey);
  const { fingerprint } = await target.api.ok(
    'publishIdentity',
    { publicKeys: publicKeysOf(keys), wrappedPrivateKeys: wrapped },
    token(user),
  );
  if (fingerprint !== (await fingerprintOf(publicKeysOf(keys))))
    throw new Error('server fingerprint differs from the client');
  user.identity = keys;
  return fingerprint;
}

/** Creates, signs in and publishes keys for each spec. */
export async function readyUsers(target: TestServer, specs: readonly TestUserSpec[]): Promise<TestUser[]> {
  const users: TestUser[] = [];
  for (const spec of specs) {
    const user = await createUser(target, spec);
    await signIn(target, user);
    await publishIdentity(target, user);
    users.push(user);
  }
  return users;
}

export interface MessageSpec {
  readonly from: TestUser;
  readonly to: readonly TestUser[];
  readonly text: string;
  readonly conversationId?: string;
  readonly expiresAt?: number | null;
  readonly priority?: Priority;
  readonly sentAt?: number;
  /** A STAT escalation plan: each step's people are sealed to and named in the signed header. */
  readonly escalation?: {
    readonly repeatEveryMs: number | null;
    readonly steps: readonly { afterMs: number; to: readonly TestUser[]; reason: EscalationReason }[];
  };
  /** Blob ids the signed header names (shared/protocol/blob-api.ts). */
  readonly attachments?: readonly string[];
  /** Key recipients beyond the readers and the sender, such as an archive (`archive:<id>`). */
  readonly extraKeys?: readonly { readonly recipient: string; readonly encryptionKey: string }[];
  /** A role conversation's address: named in the signed header and, by the same id, in the sealed body. */
  readonly roleAddress?: string;
}

/** A sealed, signed envelope from `from` to `to`, exactly as the client builds one. */
export async function sealMessage(target: TestServer, spec: MessageSpec): Promise<Envelope> {
  const sender = spec.from;
  if (sender.identity === null) throw new Error(`${sender.userId} has no identity keys`);
  const later = spec.escalation?.steps.flatMap((step) => step.to) ?? [];
  const everyone = [...spec.to, sender, ...later];
  const keys = await Promise.all(
    everyone.map(async (user) => {
      const found = await target.api.ok('lookupKeys', { userIds: [user.userId] }, token(sender));
      const published = found.users[0]?.publicKeys;
      if (!published) throw new Error(`${user.userId} has no published keys`);
      return { recipient: user.userId, encryptionKey: published.encryption };
    }),
  );
  return sealEnvelope({
    header: {
      v: 1,
      id: randomUUID(),
      conversationId: spec.conversationId ?? randomUUID(),
      sender: { userId: sender.userId, deviceId: sender.device.deviceId },
      recipients: spec.to.map((user) => user.userId),
      sentAt: spec.sentAt ?? target.clock.now(),
      expiresAt: spec.expiresAt ?? null,
      priority: spec.priority ?? 'routine',
      ...(spec.escalation === undefined
        ? {}
        : {
            escalation: {
              repeatEveryMs: spec.escalation.repeatEveryMs,
              steps: spec.escalation.steps.map((step) => ({
                afterMs: step.afterMs,
                to: step.to.map((user) => user.userId),
                reason: step.reason,
              })),
            },
          }),
      ...(spec.attachments === undefined ? {} : { attachments: [...spec.attachments] }),
      ...(spec.roleAddress === undefined ? {} : { roleAddress: spec.roleAddress }),
    },
    body: {
      kind: 'text',
      text: spec.text,
      conversation: {
        kind: spec.roleAddress !== undefined ? 'role' : spec.to.length > 1 ? 'group' : 'direct',
        title: null,
        participants: everyone.map((user) => user.userId),
        roleAddress: spec.roleAddress === undefined ? null : { id: spec.roleAddress, displayName: spec.roleAddress },
      },
    },
    recipientKeys: [...new Map(keys.map((entry) => [entry.recipient, entry])).values(), ...(spec.extraKeys ?? [])],
    signingKey: sender.identity.signing.privateKey,
  });
}
