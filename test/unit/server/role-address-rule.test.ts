/**
 * The relay's rule for a role address in a signed header (server/relay/role-address-tag.ts
 * roleAddressRule), decided from what the database says: it must exist; a conversation names at
 * most one; and the message must be the address's business (a member sends or reads it, or the
 * conversation named it before).
 */
import { describe, expect, it } from 'vitest';
import { roleAddressRule } from '../../../server/relay/role-address-tag';

const ADDRESS = 'role:oncall-cardiology';
const facts = (known: boolean, involved: boolean, namedBefore: string[] = []) => ({
  known,
  involved,
  namedBefore: new Set(namedBefore),
});

describe('a role address in a signed header', () => {
  it('is taken where a member takes part, or the conversation named it before', () => {
    expect(roleAddressRule(ADDRESS, facts(true, true))).toBeNull();
    expect(roleAddressRule(ADDRESS, facts(true, true, [ADDRESS]))).toBeNull();
    expect(roleAddressRule(ADDRESS, facts(true, false, [ADDRESS]))).toBeNull();
  });

  it('is refused when unknown, when no member takes part in a conversation that never named it, or beside another', () => {
    expect(roleAddressRule(ADDRESS, facts(false, true))).toBe('UNKNOWN_ROLE_ADDRESS');
    expect(roleAddressRule(ADDRESS, facts(true, false))).toBe('ROLE_ADDRESS_NOT_PERMITTED');
    expect(roleAddressRule(ADDRESS, facts(true, true, ['role:stroke-team']))).toBe('ROLE_ADDRESS_NOT_PERMITTED');
    expect(roleAddressRule(ADDRESS, facts(true, true, [ADDRESS, 'role:stroke-team']))).toBe(
      'ROLE_ADDRESS_NOT_PERMITTED',
    );
  });
});
