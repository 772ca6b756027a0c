import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64ByteLength } from '../../../shared/protocol/binary';
import {
  envelope,
  envelopeHeaderBytes,
  envelopeSignedBytes,
  MAX_CIPHERTEXT_BYTES,
  MAX_RECIPIENTS,
  recallSignedBytes,
  type Envelope,
  type EnvelopeHeader,
} from '../../../shared/protocol/envelope';

/** Base64 of `n` bytes that spell out a marker, so the schema sees well-formed binary fields. */
const bytes = (n: number, fill = 1) => Buffer.alloc(n, fill).toString('base64');

const header: EnvelopeHeader = {
  v: 1,
  id: '0b6f1c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
  conversationId: '7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
  sender: { userId: 'nurse.adams', deviceId: '5d1f0c7a-8e2b-4c3d-9a6f-1b2c3d4e5f60' },
  recipients: ['dr.okafor', 'dr.lee'],
  sentAt: 1_760_000_000_000,
  expiresAt: 1_760_086_400_000,
  priority: 'routine',
};

const key = (recipient: string, fill = 2) => ({
  recipient,
  publicKey: bytes(32, fill),
  sealedKey: bytes(80, fill + 1),
});

const valid: Envelope = {
  header,
  nonce: bytes(24),
  ciphertext: bytes(100),
  keys: [key('dr.okafor'), key('dr.lee', 4), key('nurse.adams', 6)],
  signature: bytes(64),
};

/** The messages of every issue, for asserting which refinement refused a value. */
function issues(value: unknown): string[] {
  const result = envelope.safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

describe('envelope schema', () => {
  it('accepts a well-formed envelope, with or without expiry, and with an archive key recipient', () => {
    expect(issues(valid)).toEqual([]);
    expect(issues({ ...valid, header: { ...header, expiresAt: null } })).toEqual([]);
    expect(issues({ ...valid, keys: [...valid.keys, key('archive:records-1', 8)] })).toEqual([]);
  });

  it('refuses duplicate header recipients', () => {
    expect(issues({ ...valid, header: { ...header, recipients: ['dr.okafor', 'dr.lee', 'dr.okafor'] } })).toContain(
      'duplicate recipient',
    );
  });

  it('refuses a key recipient listed twice', () => {
    expect(issues({ ...valid, keys: [...valid.keys, key('dr.lee', 9)] })).toContain('duplicate key recipient');
  });

  it('refuses a header recipient without a sealed key', () => {
    expect(issues({ ...valid, keys: valid.keys.filter((entry) => entry.recipient !== 'dr.lee') })).toContain(
      'recipient without a sealed key',
    );
    // A key for someone not in the header (the sender's copy, an archive) is fine.
    expect(issues({ ...valid, header: { ...header, recipients: ['dr.okafor'] } })).toEqual([]);
  });

  it('refuses an expiry at or before sending', () => {
    expect(issues({ ...valid, header: { ...header, expiresAt: header.sentAt } })).toContain('expiry before sending');
    expect(issues({ ...valid, header: { ...header, expiresAt: header.sentAt - 1 } })).toContain(
      'expiry before sending',
    );
    expect(issues({ ...valid, header: { ...header, expiresAt: header.sentAt + 1 } })).toEqual([]);
  });

  it.each([
    ['nonce', 23],
    ['nonce', 25],
    ['signature', 63],
    ['signature', 65],
    ['ciphertext', 16],
    ['ciphertext', MAX_CIPHERTEXT_BYTES + 1],
  ] as const)('refuses a %s of %i bytes', (field, length) => {
    expect(envelope.safeParse({ ...valid, [field]: bytes(length) }).success).toBe(false);
  });

  it('accepts the ciphertext bounds exactly', () => {
    expect(issues({ ...valid, ciphertext: bytes(17) })).toEqual([]);
    expect(issues({ ...valid, ciphertext: bytes(MAX_CIPHERTEXT_BYTES) })).toEqual([]);
  });

  it.each([
    ['publicKey', 31],
    ['publicKey', 33],
    ['sealedKey', 79],
    ['sealedKey', 81],
  ] as const)('refuses a sealed-key %s of %i bytes', (field, length) => {
    const keys = valid.keys.map((entry, i) => (i === 0 ? { ...entry, [field]: bytes(length) } : entry));
    expect(envelope.safeParse({ ...valid, keys }).success).toBe(false);
  });

  it.each([
    ['base64url characters', bytes(64, 0xfb).replace(/\+/g, '-').replace(/\//g, '_')],
    ['missing padding', bytes(64).replace(/=+$/, '')],
    ['whitespace', ` ${bytes(64).slice(1)}`],
    ['padding in the middle', `==${bytes(64).slice(2)}`],
  ])('refuses a signature with %s', (_label, signature) => {
    expect(envelope.safeParse({ ...valid, signature }).success).toBe(false);
  });

  it('measures base64 lengths from the string alone', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        expect(base64ByteLength(Buffer.from(data).toString('base64'))).toBe(data.length);
      }),
    );
  });

  it.each([
    [
      'an upper-case user id',
      { ...valid, header: { ...header, recipients: ['Dr.Okafor'] }, keys: [key('Dr.Okafor'), key('nurse.adams', 6)] },
    ],
    ['a malformed archive recipient', { ...valid, keys: [...valid.keys, key('archive:Records', 8)] }],
    ['an unknown priority', { ...valid, header: { ...header, priority: 'whenever' } }],
    ['version 2', { ...valid, header: { ...header, v: 2 } }],
    ['an extra envelope field', { ...valid, note: 'x' }],
    ['an extra header field', { ...valid, header: { ...header, patient: 'x' } }],
    ['no recipients', { ...valid, header: { ...header, recipients: [] } }],
    ['a fractional time', { ...valid, header: { ...header, sentAt: 1.5, expiresAt: null } }],
  ])('refuses %s', (_label, value) => {
    expect(envelope.safeParse(value).success).toBe(false);
  });

  it(`refuses more than ${String(MAX_RECIPIENTS)} recipients`, () => {
    const many = Array.from({ length: MAX_RECIPIENTS + 1 }, (_, i) => `user${String(i)}`);
    const value = { ...valid, header: { ...header, recipients: many }, keys: many.map((id) => key(id)) };
    expect(envelope.safeParse(value).success).toBe(false);
  });
});

/** The same value with every object's properties in reverse order, recursively. */
function reorder<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => reorder(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([name, inner]) => [name, reorder(inner as unknown)]),
    ) as T;
  }
  return value;
}

const text = (data: Uint8Array) => new TextDecoder().decode(data);

describe('canonical bytes', () => {
  it('do not depend on the order of object properties', () => {
    const reordered = reorder(valid);
    expect(Object.keys(reordered)).toEqual(Object.keys(valid).reverse());
    expect(Object.keys(reordered.header.sender)).toEqual(['deviceId', 'userId']);
    expect(text(envelopeHeaderBytes(reordered.header))).toBe(text(envelopeHeaderBytes(header)));
    expect(text(envelopeSignedBytes(reordered))).toBe(text(envelopeSignedBytes(valid)));
    expect(text(recallSignedBytes({ recalledAt: 5, senderId: 'a', messageId: 'b' }))).toBe(
      text(recallSignedBytes({ messageId: 'b', senderId: 'a', recalledAt: 5 })),
    );
  });

  it('do depend on the order of recipients and of sealed keys', () => {
    const swappedRecipients = { ...header, recipients: [...header.recipients].reverse() };
    expect(text(envelopeHeaderBytes(swappedRecipients))).not.toBe(text(envelopeHeaderBytes(header)));
    expect(text(envelopeSignedBytes({ ...valid, keys: [...valid.keys].reverse() }))).not.toBe(
      text(envelopeSignedBytes(valid)),
    );
  });

  it('change with every header field', () => {
    const changes: Partial<EnvelopeHeader>[] = [
      { id: '0b6f1c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5c' },
      { conversationId: '7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e00' },
      { sender: { ...header.sender, userId: 'nurse.adam' } },
      { sender: { ...header.sender, deviceId: '5d1f0c7a-8e2b-4c3d-9a6f-1b2c3d4e5f61' } },
      { recipients: ['dr.okafor'] },
      { sentAt: header.sentAt + 1 },
      { expiresAt: null },
      { expiresAt: header.sentAt + 2 },
      { priority: 'stat' },
    ];
    const original = text(envelopeHeaderBytes(header));
    for (const change of changes) {
      const changed = { ...header, ...change };
      expect(text(envelopeHeaderBytes(changed))).not.toBe(original);
      expect(text(envelopeSignedBytes({ ...valid, header: changed }))).not.toBe(text(envelopeSignedBytes(valid)));
    }
  });

  it('change with the nonce, the ciphertext and every part of every sealed key', () => {
    const original = text(envelopeSignedBytes(valid));
    expect(text(envelopeSignedBytes({ ...valid, nonce: bytes(24, 9) }))).not.toBe(original);
    expect(text(envelopeSignedBytes({ ...valid, ciphertext: bytes(100, 9) }))).not.toBe(original);
    for (const field of ['recipient', 'publicKey', 'sealedKey'] as const) {
      const keys = valid.keys.map((entry, i) =>
        i === 1
          ? { ...entry, [field]: field === 'recipient' ? 'dr.leee' : bytes(field === 'publicKey' ? 32 : 80, 9) }
          : entry,
      );
      expect(text(envelopeSignedBytes({ ...valid, keys }))).not.toBe(original);
    }
  });

  it('carry a distinct domain tag for each purpose, so one signature cannot serve another', () => {
    const tags = [
      envelopeHeaderBytes(header),
      envelopeSignedBytes(valid),
      recallSignedBytes({ messageId: header.id, senderId: 'nurse.adams', recalledAt: 1 }),
    ].map((data) => (JSON.parse(text(data)) as unknown[])[0]);
    expect(tags).toEqual(['wardline/envelope/header/v1', 'wardline/envelope/signed/v1', 'wardline/recall/v1']);
  });

  it('cannot be shifted between fields: values that concatenate alike still differ', () => {
    const a = recallSignedBytes({ messageId: 'ab', senderId: 'c', recalledAt: 1 });
    const b = recallSignedBytes({ messageId: 'a', senderId: 'bc', recalledAt: 1 });
    expect(text(a)).not.toBe(text(b));
  });
});
