/**
 * The signed header's attachments (shared/protocol/envelope.ts, blob-api.ts): an envelope without
 * them keeps the exact bytes it was signed over before they existed; one with them is bound to
 * every id in its order; and the element is tagged, so it can never be read as an escalation plan
 * (the optional element before it, which untagged would sit at the same position).
 */
import { describe, expect, it } from 'vitest';
import { MAX_ATTACHMENTS } from '../../../shared/protocol/blob-api';
import {
  envelopeHeader,
  envelopeHeaderBytes,
  envelopeSignedBytes,
  type EnvelopeHeader,
} from '../../../shared/protocol/envelope';

const header: EnvelopeHeader = {
  v: 1,
  id: '0b6f1c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b',
  conversationId: '7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f',
  sender: { userId: 'nurse.adams', deviceId: '5d1f0c7a-8e2b-4c3d-9a6f-1b2c3d4e5f60' },
  recipients: ['dr.okafor'],
  sentAt: 1_760_000_000_000,
  expiresAt: null,
  priority: 'stat',
};
const escalation = { repeatEveryMs: null, steps: [{ afterMs: 120_000, to: ['dr.lee'], reason: 'backup' as const }] };
const blobA = '11111111-2222-4333-8444-555555555555';
const blobB = '66666666-7777-4888-8999-aaaaaaaaaaaa';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const rest = {
  nonce: 'AAAA',
  ciphertext: 'BBBB',
  keys: [{ recipient: 'dr.okafor', publicKey: 'CCCC', sealedKey: 'DDDD' }],
};

describe('attachments in the signed header', () => {
  it('leave the bytes of envelopes without them exactly as they were signed before', () => {
    const common =
      '1,"0b6f1c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b","7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f","nurse.adams",' +
      '"5d1f0c7a-8e2b-4c3d-9a6f-1b2c3d4e5f60",["dr.okafor"],1760000000000,null,"stat"';
    expect(text(envelopeHeaderBytes(header))).toBe(`["wardline/envelope/header/v1",${common}]`);
    expect(text(envelopeHeaderBytes({ ...header, escalation }))).toBe(
      `["wardline/envelope/header/v1",${common},[null,[[120000,["dr.lee"],"backup"]]]]`,
    );
    expect(text(envelopeSignedBytes({ header, ...rest }))).toBe(
      `["wardline/envelope/signed/v1",[${common}],"AAAA","BBBB",[["dr.okafor","CCCC","DDDD"]]]`,
    );
  });

  it('are appended last, as a tagged element after any escalation plan', () => {
    const bytes = (value: EnvelopeHeader) => JSON.parse(text(envelopeHeaderBytes(value))) as unknown[];
    expect(bytes({ ...header, attachments: [blobA, blobB] }).at(-1)).toEqual(['attachments', [blobA, blobB]]);
    const both = bytes({ ...header, escalation, attachments: [blobA] });
    expect(both.slice(-2)).toEqual([
      [null, [[120_000, ['dr.lee'], 'backup']]],
      ['attachments', [blobA]],
    ]);
    // Untagged, `[…, priority, X]` could be either optional element; tagged, no two headers share bytes.
    const variants = [
      header,
      { ...header, escalation },
      { ...header, attachments: [blobA] },
      { ...header, escalation, attachments: [blobA] },
    ].map((value) => text(envelopeHeaderBytes(value)));
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('bind every id and their order', () => {
    const signed = (attachments: string[]) =>
      text(envelopeSignedBytes({ header: { ...header, attachments }, ...rest }));
    expect(signed([blobA, blobB])).not.toBe(signed([blobB, blobA]));
    expect(signed([blobA])).not.toBe(signed([blobA, blobB]));
    expect(signed([blobA])).not.toBe(text(envelopeSignedBytes({ header, ...rest })));
  });

  it('are one to ten distinct blob ids in their canonical form', () => {
    const ids = (n: number) =>
      Array.from({ length: n }, (_, i) => `11111111-2222-4333-8444-${String(i).padStart(12, '0')}`);
    expect(envelopeHeader.safeParse({ ...header, attachments: ids(MAX_ATTACHMENTS) }).success).toBe(true);
    for (const attachments of [
      [],
      ids(MAX_ATTACHMENTS + 1),
      [blobA, blobA],
      [blobB.toUpperCase()],
      ['../../etc/passwd'],
      [`${blobA} `],
      [7],
      blobA,
    ])
      expect(envelopeHeader.safeParse({ ...header, attachments }).success).toBe(false);
  });
});
