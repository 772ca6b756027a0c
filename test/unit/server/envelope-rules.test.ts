import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../../shared/protocol/envelope';
import { archiveRequirementOf } from '../../../shared/protocol/archive-key';
import { archiveFingerprintOfBase64 } from '../../../shared/node/archive/archive-key-pair';
import {
  archiveKeyFailure,
  envelopeAudience,
  envelopeExpired,
  recipientsWithoutMessaging,
  sealedKeysFailure,
  senderMatches,
  sentAtRefused,
} from '../../../server/relay/envelope-rules';
import { MAX_CLOCK_SKEW_MS, MAX_SEND_DELAY_MS, onlineTimeAcceptable } from '../../../shared/protocol/clock-skew';

const KEY_A = Buffer.alloc(32, 1).toString('base64');
const KEY_B = Buffer.alloc(32, 2).toString('base64');
const KEY_OLD = Buffer.alloc(32, 3).toString('base64');
const SEALED = Buffer.alloc(80, 9).toString('base64');
const DEVICE = '6f1c1c43-4c8e-4a4e-9a55-1f0f6b3b2a11';

function envelope(
  keys: { recipient: string; publicKey: string }[],
  overrides: Partial<Envelope['header']> = {},
): Envelope {
  return {
    header: {
      v: 1,
      id: '0b8f6b35-8a0e-4c5e-8a55-3f2b6c1d9e01',
      conversationId: '3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      sender: { userId: 'nurse.adams', deviceId: DEVICE },
      recipients: ['dr.patel'],
      sentAt: 1000,
      expiresAt: null,
      priority: 'routine',
      ...overrides,
    },
    nonce: Buffer.alloc(24).toString('base64'),
    ciphertext: Buffer.alloc(32).toString('base64'),
    keys: keys.map((key) => ({ ...key, sealedKey: SEALED })),
    signature: Buffer.alloc(64).toString('base64'),
  };
}

const published = new Map([
  ['dr.patel', KEY_B],
  ['nurse.adams', KEY_A],
  ['nurse.okafor', KEY_A],
]);

describe('envelope rules', () => {
  it('requires the signed-in user and device as the sender', () => {
    const value = envelope([{ recipient: 'dr.patel', publicKey: KEY_B }]);
    expect(senderMatches(value, { userId: 'nurse.adams', deviceId: DEVICE })).toBe(true);
    expect(senderMatches(value, { userId: 'dr.patel', deviceId: DEVICE })).toBe(false);
    expect(senderMatches(value, { userId: 'nurse.adams', deviceId: '00000000-0000-4000-8000-000000000000' })).toBe(
      false,
    );
  });

  it('treats an envelope as expired from its expiry on, and one without expiry as never', () => {
    expect(envelopeExpired(envelope([], { expiresAt: 5000 }), 4999)).toBe(false);
    expect(envelopeExpired(envelope([], { expiresAt: 5000 }), 5000)).toBe(true);
    expect(envelopeExpired(envelope([]), Number.MAX_SAFE_INTEGER)).toBe(false);
  });

  it('accepts keys to the current keys of recipients and the sender, and archive keys unchecked', () => {
    const value = envelope([
      { recipient: 'dr.patel', publicKey: KEY_B },
      { recipient: 'nurse.adams', publicKey: KEY_A },
      { recipient: 'archive:hospital-1', publicKey: KEY_OLD },
    ]);
    expect(sealedKeysFailure(value, published)).toBeNull();
  });

  it('refuses a key to an old key, and a key for someone outside the envelope', () => {
    expect(sealedKeysFailure(envelope([{ recipient: 'dr.patel', publicKey: KEY_OLD }]), published)).toBe(
      'RECIPIENT_KEY_MISMATCH',
    );
    expect(sealedKeysFailure(envelope([{ recipient: 'nurse.adams', publicKey: KEY_OLD }]), published)).toBe(
      'RECIPIENT_KEY_MISMATCH',
    );
    const outsider = envelope([
      { recipient: 'dr.patel', publicKey: KEY_B },
      { recipient: 'nurse.okafor', publicKey: KEY_A },
    ]);
    expect(sealedKeysFailure(outsider, published)).toBe('ENVELOPE_INVALID');
    expect(sealedKeysFailure(envelope([{ recipient: 'dr.patel', publicKey: KEY_B }]), new Map())).toBe(
      'RECIPIENT_KEY_MISMATCH',
    );
  });

  it('refuses a sender clock ahead of the server beyond the skew, or an envelope older than an outbox keeps one', () => {
    const now = 1_800_000_000_000;
    const at = (sentAt: number) => sentAtRefused(envelope([], { sentAt }), now);
    expect([now, now + MAX_CLOCK_SKEW_MS, now - MAX_CLOCK_SKEW_MS - 1, now - MAX_SEND_DELAY_MS].map(at)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect([now + MAX_CLOCK_SKEW_MS + 1, now - MAX_SEND_DELAY_MS - 1, 0, Date.UTC(2028, 0, 1)].map(at)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('accepts a recall time within the skew either way, and nothing else', () => {
    const now = 1_800_000_000_000;
    expect([now, now - MAX_CLOCK_SKEW_MS, now + MAX_CLOCK_SKEW_MS].map((t) => onlineTimeAcceptable(t, now))).toEqual([
      true,
      true,
      true,
    ]);
    expect(
      [now - MAX_CLOCK_SKEW_MS - 1, now + MAX_CLOCK_SKEW_MS + 1, 0].map((t) => onlineTimeAcceptable(t, now)),
    ).toEqual([false, false, false]);
  });

  it('names, once each, the recipients whose role receives no messages, and anyone whose role is unknown', () => {
    const roles = new Map([
      ['dr.patel', 'physician'],
      ['co.lee', 'compliance-officer'],
      ['it.ng', 'it-admin'],
      ['desk.ruiz', 'front-desk'],
    ]);
    const to = envelope([], { recipients: ['dr.patel', 'co.lee', 'it.ng', 'co.lee', 'desk.ruiz', 'ghost'] });
    expect(recipientsWithoutMessaging(to, (id) => roles.get(id))).toEqual(['co.lee', 'it.ng', 'ghost']);
    expect(
      recipientsWithoutMessaging(envelope([], { recipients: ['dr.patel', 'desk.ruiz'] }), (id) => roles.get(id)),
    ).toEqual([]);
  });

  it('delivers to each recipient and to the sender, once each', () => {
    expect(envelopeAudience(envelope([], { recipients: ['dr.patel', 'nurse.adams'] })).sort()).toEqual([
      'dr.patel',
      'nurse.adams',
    ]);
  });

  describe('on a server that archives', () => {
    const ARCHIVE_KEY = Buffer.alloc(32, 7).toString('base64');
    const OTHER_KEY = Buffer.alloc(32, 8).toString('base64');
    const required = archiveRequirementOf(archiveFingerprintOfBase64(ARCHIVE_KEY) ?? '');
    const other = archiveRequirementOf(archiveFingerprintOfBase64(OTHER_KEY) ?? '');
    const readers = [
      { recipient: 'dr.patel', publicKey: KEY_B },
      { recipient: 'nurse.adams', publicKey: KEY_A },
    ];
    const archived = { recipient: required.recipient, publicKey: ARCHIVE_KEY };

    it('takes an envelope sealed to the required archive key', () => {
      expect(archiveKeyFailure(envelope([...readers, archived]), required)).toBeNull();
    });

    it('refuses one without any archive key entry', () => {
      expect(archiveKeyFailure(envelope(readers), required)).toBe('ARCHIVE_KEY_REQUIRED');
    });

    it('refuses another archive, the right id over another key, and a second archive beside the right one', () => {
      const swapped = [
        [...readers, { recipient: other.recipient, publicKey: OTHER_KEY }],
        [...readers, { recipient: required.recipient, publicKey: OTHER_KEY }],
        [...readers, { recipient: other.recipient, publicKey: ARCHIVE_KEY }],
        [...readers, archived, { recipient: other.recipient, publicKey: OTHER_KEY }],
        [...readers, { recipient: other.recipient, publicKey: OTHER_KEY }, archived],
      ];
      for (const keys of swapped) expect(archiveKeyFailure(envelope(keys), required)).toBe('ARCHIVE_KEY_MISMATCH');
    });

    it('asks nothing of an envelope where the server does not archive', () => {
      expect(archiveKeyFailure(envelope(readers), null)).toBeNull();
      expect(archiveKeyFailure(envelope([...readers, archived]), null)).toBeNull();
    });
  });
});
