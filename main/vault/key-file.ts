/**
 * The vault key file (`keys.json`): the vault's random data key, wrapped with the clinician's
 * wrap key and, where the machine offers it, sealed again for this device. Also the KDF salt and
 * cost, so the vault can be unlocked while the server is unreachable.
 *
 * Integrity in three layers, so each failure gets its own honest name:
 * - a SHA-256 checksum over the content: a damaged file is KEY_FILE_CORRUPT;
 * - a password check (HMAC of the wrap key): a wrong password is WRONG_PASSWORD;
 * - the AEAD over the data key, whose associated data binds every header field: a file whose
 *   header or wrapped key was edited, yet whose password check passes, is KEY_FILE_TAMPERED.
 */
import { createHash, createHmac } from 'node:crypto';
import { z } from 'zod';

export const KEY_FILE_FORMAT = 'wardline-vault-keys';
export const KEY_FILE_VERSION = 1;

const base64 = z
  .string()
  .max(4096)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/);

const contentSchema = z.strictObject({
  format: z.literal(KEY_FILE_FORMAT),
  version: z.literal(KEY_FILE_VERSION),
  vaultId: z.string().regex(/^[0-9a-f]{32}$/),
  userId: z.string().min(1).max(64),
  createdAt: z.number().int().nonnegative(),
  kdf: z.strictObject({
    algorithm: z.literal('argon2id13'),
    memoryMiB: z.number().int(),
    passes: z.number().int(),
    salt: base64,
  }),
  passwordCheck: base64,
  /** Which outer layer seals `dataKey`: the device (OS keystore or machine secret), or none. */
  sealedBy: z.enum(['os-keystore', 'machine-file', 'none']),
  dataKey: base64,
});

export type KeyFileContent = z.infer<typeof contentSchema>;

const fileSchema = contentSchema.extend({ checksum: z.string().regex(/^[0-9a-f]{64}$/) });

/** Canonical bytes of the content (fixed field order), used for the checksum. */
function canonical(content: KeyFileContent): string {
  return JSON.stringify({
    format: content.format,
    version: content.version,
    vaultId: content.vaultId,
    userId: content.userId,
    createdAt: content.createdAt,
    kdf: {
      algorithm: content.kdf.algorithm,
      memoryMiB: content.kdf.memoryMiB,
      passes: content.kdf.passes,
      salt: content.kdf.salt,
    },
    passwordCheck: content.passwordCheck,
    sealedBy: content.sealedBy,
    dataKey: content.dataKey,
  });
}

export function serializeKeyFile(content: KeyFileContent): Uint8Array {
  const checksum = createHash('sha256').update(canonical(content)).digest('hex');
  return Buffer.from(
    `${JSON.stringify({ ...(JSON.parse(canonical(content)) as object), checksum }, null, 2)}\n`,
    'utf8',
  );
}

/** Parses a key file; null when it is not a whole, well-formed file with a matching checksum. */
export function parseKeyFile(bytes: Uint8Array): KeyFileContent | null {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return null;
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) return null;
  const { checksum, ...content } = parsed.data;
  const expected = createHash('sha256').update(canonical(content)).digest('hex');
  return expected === checksum ? content : null;
}

/**
 * Associated data of the password layer: every header field, so moving a wrapped key to another
 * user's file, or lowering the KDF cost next to it, breaks the unwrap.
 */
export function headerAssociatedData(content: Omit<KeyFileContent, 'passwordCheck' | 'dataKey'>): Uint8Array {
  return Buffer.from(
    [
      content.format,
      String(content.version),
      content.vaultId,
      content.userId,
      String(content.createdAt),
      content.kdf.algorithm,
      String(content.kdf.memoryMiB),
      String(content.kdf.passes),
      content.kdf.salt,
      content.sealedBy,
    ].join('\n'),
    'utf8',
  );
}

/** Proves a wrap key is the right one without revealing anything the AEAD does not already. */
export function passwordCheckOf(wrapKey: Uint8Array, vaultId: string): Uint8Array {
  return createHmac('sha256', wrapKey).update(`wardline/v1/password-check\0${vaultId}`).digest().subarray(0, 16);
}
