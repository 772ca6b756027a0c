/**
 * The baseline of the audit-trail bench's catch-up part (catch-up.ts): a second registered device
 * whose records are chained and signed in batches beforehand, and the per-batch JavaScript both
 * ends run on such a batch.
 */
import { loadOrCreateDeviceIdentity, type DeviceIdentity } from '../../main/device/device-identity';
import { loginProof } from '../../main/device/device-proof';
import { createApiClient } from '../../main/server-link/api-client';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import { batchSigningBytes, checkEntries, entryHash, GENESIS_HASH, hex } from '../../shared/audit/audit-chain';
import type { ChainedEntry } from '../../shared/audit/audit-entry';
import { blake2b256 } from '../../shared/audit/blake2b';
import { routes } from '../../shared/protocol/api';
import { deriveAccountKeys, totpCode, type BenchAccount } from '../support/clients';
import { median, round } from '../support/stats';
import { timed } from '../support/timing';
import { BATCH, placed, type IdPool } from './fixtures';

/** A device registered by signing in (password with device proof, then TOTP), for the raw baseline. */
export async function registeredDevice(
  endpoint: ServerEndpoint,
  account: BenchAccount,
  dataDir: string,
): Promise<DeviceIdentity> {
  const loaded = await loadOrCreateDeviceIdentity({ dataDir, device: null, allowUnprotectedDevice: true });
  if (!loaded.ok) throw new Error(loaded.error);
  const device = loaded.value;
  const keys = await deriveAccountKeys(endpoint, account);
  const api = createApiClient(endpoint);
  try {
    const login = await api.call('login', {
      userId: account.userId,
      authKey: Buffer.from(keys.authKey).toString('base64'),
      device: { publicKey: device.publicKey, name: 'bench raw poster' },
      proof: await loginProof(device, account.userId, Date.now()),
    });
    if (!login.ok || login.value.step !== 'mfa')
      throw new Error(`login ${account.userId}: ${login.ok ? login.value.step : login.error.code}`);
    const verified = await api.call('verifyMfa', { challengeId: login.value.challengeId, code: totpCode(account) });
    if (!verified.ok) throw new Error(`verifyMfa ${account.userId}: ${verified.error.code}`);
  } finally {
    keys.authKey.fill(0);
    keys.wrapKey.fill(0);
    api.close();
  }
  return device;
}

export interface RawBatch {
  readonly entries: ChainedEntry[];
  readonly signature: string;
}

/** `count` records of `device`'s chain from genesis, in signed batches of BATCH. */
export async function rawBatches(device: DeviceIdentity, ids: IdPool, count: number): Promise<RawBatch[]> {
  const batches: RawBatch[] = [];
  let previous: Uint8Array = GENESIS_HASH;
  for (let first = 1; first <= count; first += BATCH) {
    const entries: ChainedEntry[] = [];
    const firstPrevious = previous;
    for (let seq = first; seq < Math.min(first + BATCH, count + 1); seq += 1) {
      const record = placed(seq, ids, seq, device.deviceId);
      const hash = entryHash(blake2b256, previous, record);
      entries.push({ record, previousHash: hex(previous), hash: hex(hash) });
      previous = hash;
    }
    const last = entries.at(-1)!;
    const signature = await device.sign(
      batchSigningBytes({
        deviceId: device.deviceId,
        firstSeq: first,
        lastSeq: last.record.seq,
        previousHash: firstPrevious,
        lastHash: previous,
      }),
    );
    batches.push({ entries, signature: Buffer.from(signature).toString('base64') });
  }
  return batches;
}

/**
 * The per-batch JavaScript both ends do besides the database, measured here on the same batches
 * with the same functions (median over up to 20 batches): what the client's API call and the
 * server's route do to a 500-record request before and around the handler.
 */
export function batchCosts(batches: readonly RawBatch[], deviceId: string): Record<string, string | number>[] {
  const sample = batches.slice(0, 20);
  const spec = routes.auditBatch;
  const bodies = sample.map((b) => ({ deviceId, entries: b.entries, signature: b.signature, knownTreeSize: 1000 }));
  const texts = bodies.map((body) => JSON.stringify(body));
  const each = (body: (i: number) => unknown) => median(sample.map((_, i) => timed(() => body(i))));
  const rows: [string, string, number][] = [
    [
      'both',
      'zod check of the request (client before sending, server route)',
      each((i) => spec.request.safeParse(bodies[i])),
    ],
    ['client', 'JSON.stringify of the request', each((i) => JSON.stringify(bodies[i]))],
    ['server', 'JSON.parse of the request body', each((i) => JSON.parse(texts[i]!))],
    [
      'server',
      'checkEntries: the chain of 500 (fromHex, canonical, BLAKE2b, hex)',
      each((i) => checkEntries(blake2b256, sample[i]!.entries, deviceId)),
    ],
  ];
  return rows.map(([side, step, t]) => ({
    side,
    'per-batch JS step (measured here)': step,
    'ms/batch': round(t, 2),
    'request KiB': round((texts[0]?.length ?? 0) / 1024, 0),
  }));
}
