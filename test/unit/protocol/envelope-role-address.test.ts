/**
 * The role address in the signed header (shared/protocol/envelope.ts): an envelope without it
 * keeps the exact bytes it was signed over before it existed; one with it is bound to it (the
 * body's AEAD and the signature both change with it); and it is a tagged element after every
 * optional one before it, so no two headers share bytes whichever of them they carry.
 */
import { describe, expect, it } from 'vitest';
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
const blob = '11111111-2222-4333-8444-555555555555';
const ADDRESS = 'role:oncall-cardiology';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const rest = {
  nonce: 'AAAA',
  ciphertext: 'BBBB',
  keys: [{ recipient: 'dr.okafor', publicKey: 'CCCC', sealedKey: 'DDDD' }],
};
const common =
  '1,"0b6f1c2e-3a4d-4e5f-8a9b-0c1d2e3f4a5b","7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f","nurse.adams",' +
  '"5d1f0c7a-8e2b-4c3d-9a6f-1b2c3d4e5f60",["dr.okafor"],1760000000000,null,"stat"';

describe('the role address in the signed header', () => {
  it('leaves the bytes of envelopes without it exactly as they were signed before', () => {
    expect(text(envelopeHeaderBytes(header))).toBe(`["wardline/envelope/header/v1",${common}]`);
    expect(text(envelopeHeaderBytes({ ...header, escalation, attachments: [blob] }))).toBe(
      `["wardline/envelope/header/v1",${common},[null,[[120000,["dr.lee"],"backup"]]],["attachments",["${blob}"]]]`,
    );
    expect(text(envelopeSignedBytes({ header, ...rest }))).toBe(
      `["wardline/envelope/signed/v1",[${common}],"AAAA","BBBB",[["dr.okafor","CCCC","DDDD"]]]`,
    );
  });

  it('is appended last, tagged, after any escalation plan and attachments', () => {
    const bytes = (value: EnvelopeHeader) => JSON.parse(text(envelopeHeaderBytes(value))) as unknown[];
    expect(text(envelopeHeaderBytes({ ...header, roleAddress: ADDRESS }))).toBe(
      `["wardline/envelope/header/v1",${common},["roleAddress","${ADDRESS}"]]`,
    );
    expect(bytes({ ...header, escalation, attachments: [blob], roleAddress: ADDRESS }).slice(-3)).toEqual([
      [null, [[120_000, ['dr.lee'], 'backup']]],
      ['attachments', [blob]],
      ['roleAddress', ADDRESS],
    ]);
    const variants = [
      header,
      { ...header, escalation },
      { ...header, attachments: [blob] },
      { ...header, roleAddress: ADDRESS },
      { ...header, escalation, roleAddress: ADDRESS },
      { ...header, attachments: [blob], roleAddress: ADDRESS },
      { ...header, escalation, attachments: [blob], roleAddress: ADDRESS },
    ].map((value) => text(envelopeHeaderBytes(value)));
    expect(new Set(variants).size).toBe(variants.length);
  });

  it('is bound: another address, or none, is other signed bytes and other associated data', () => {
    const signed = (roleAddress?: string) =>
      text(envelopeSignedBytes({ header: roleAddress === undefined ? header : { ...header, roleAddress }, ...rest }));
    expect(signed(ADDRESS)).not.toBe(signed('role:stroke-team'));
    expect(signed(ADDRESS)).not.toBe(signed());
    expect(text(envelopeHeaderBytes({ ...header, roleAddress: ADDRESS }))).not.toBe(text(envelopeHeaderBytes(header)));
  });

  it('is a role address id or nothing', () => {
    expect(envelopeHeader.safeParse({ ...header, roleAddress: ADDRESS }).success).toBe(true);
    for (const roleAddress of ['oncall-cardiology', 'role:', 'role:On-Call', `role:${'a'.repeat(80)}`, null, 7, ''])
      expect(envelopeHeader.safeParse({ ...header, roleAddress }).success, String(roleAddress)).toBe(false);
  });
});
