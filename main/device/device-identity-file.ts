/**
 * The device identity file (`<dataDir>/machine/device-identity.json`): the workstation's device
 * id, its Ed25519 public key, and the private seed, sealed by the machine's device protector
 * (or, only where policy allows, stored as is).
 *
 * Integrity in two layers, so each failure gets an honest name:
 * - a SHA-256 checksum over the content: a damaged or truncated file is corrupt;
 * - what the protector seals is a domain label, the device id and the seed, and the key pair
 *   derived from that seed must give the stored public key: an edited id or key is tampering.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { boundedBytes, publicKey } from '../../shared/protocol/binary';
import { deviceId } from '../../shared/protocol/identifiers';

export const DEVICE_IDENTITY_FORMAT = 'wardline-device-identity';
export const DEVICE_IDENTITY_VERSION = 1;
/** Anything larger is not ours; it is refused before parsing. */
export const MAX_DEVICE_IDENTITY_FILE_BYTES = 16 * 1024;

const SEED_BYTES = 32;
const BINDING_LABEL = 'wardline/device-identity/v1';

const contentSchema = z.strictObject({
  format: z.literal(DEVICE_IDENTITY_FORMAT),
  version: z.literal(DEVICE_IDENTITY_VERSION),
  deviceId,
  /** Ed25519, base64. */
  publicKey,
  /** Which layer seals `secret`: the OS keystore, the machine secret file, or none. */
  sealedBy: z.enum(['os-keystore', 'machine-file', 'none']),
  /** `boundSeed` output, sealed by `sealedBy`; base64. */
  secret: boundedBytes(SEED_BYTES, 4096),
});

export type DeviceIdentityFileContent = z.infer<typeof contentSchema>;

const fileSchema = contentSchema.extend({ checksum: z.string().regex(/^[0-9a-f]{64}$/) });

/** Fixed field order, so the checksum does not depend on how a parser orders properties. */
function canonical(content: DeviceIdentityFileContent): string {
  return JSON.stringify({
    format: content.format,
    version: content.version,
    deviceId: content.deviceId,
    publicKey: content.publicKey,
    sealedBy: content.sealedBy,
    secret: content.secret,
  });
}

function checksumOf(content: DeviceIdentityFileContent): string {
  return createHash('sha256').update(canonical(content)).digest('hex');
}

export function serializeDeviceIdentityFile(content: DeviceIdentityFileContent): Uint8Array {
  const file = { ...(JSON.parse(canonical(content)) as DeviceIdentityFileContent), checksum: checksumOf(content) };
  return Buffer.from(`${JSON.stringify(file, null, 2)}\n`, 'utf8');
}

/** The content, or null unless this is a whole, well-formed file with a matching checksum. */
export function parseDeviceIdentityFile(bytes: Uint8Array): DeviceIdentityFileContent | null {
  if (bytes.length > MAX_DEVICE_IDENTITY_FILE_BYTES) return null;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) return null;
  const { checksum, ...content } = parsed.data;
  return checksumOf(content) === checksum ? content : null;
}

/** label NUL deviceId NUL seed: what the protector seals, so the seed cannot be moved to another id. */
export function boundSeed(id: string, seed: Uint8Array): Uint8Array {
  const prefix = bindingPrefix(id);
  const bound = new Uint8Array(prefix.length + SEED_BYTES);
  bound.set(prefix, 0);
  bound.set(seed, prefix.length);
  return bound;
}

/** A copy of the seed, or null unless `bound` was made by `boundSeed` for this device id. */
export function seedOf(bound: Uint8Array, id: string): Uint8Array | null {
  const prefix = bindingPrefix(id);
  if (bound.length !== prefix.length + SEED_BYTES) return null;
  for (let i = 0; i < prefix.length; i++) if (bound[i] !== prefix[i]) return null;
  return bound.slice(prefix.length);
}

function bindingPrefix(id: string): Uint8Array {
  return new TextEncoder().encode(`${BINDING_LABEL}\0${id}\0`);
}
