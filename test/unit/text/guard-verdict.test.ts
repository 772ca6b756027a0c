/** What the guard decides from what was found, the role's mode and the sender's acknowledgement. */
import { describe, expect, it } from 'vitest';
import { ROLES, roleHas } from '../../../shared/access/permission-matrix';
import { policySchema } from '../../../shared/policy/policy-schema';
import { GUARD_POLICY_KEYS, guardRulesFor, guardVerdict } from '../../../shared/text/identifier-guard/guard-verdict';
import type { IdentifierCount } from '../../../shared/text/identifier-guard/identifier-kinds';

const SSN_AND_PHONE: IdentifierCount[] = [
  { kind: 'ssn', count: 1 },
  { kind: 'phone', count: 2 },
];
const warn = { mode: 'warn', blockKinds: [] } as const;

describe('the guard verdict', () => {
  it('lets a message with nothing found go, whatever the mode', () => {
    for (const mode of ['off', 'warn', 'block'] as const)
      expect(guardVerdict([], { mode, blockKinds: [] }, undefined)).toEqual({ verdict: 'clear' });
  });

  it('lets anything go when the guard is off', () => {
    expect(guardVerdict(SSN_AND_PHONE, { mode: 'off', blockKinds: ['ssn'] }, undefined)).toEqual({ verdict: 'clear' });
  });

  it('warns with every kind and count found, until exactly those kinds are acknowledged', () => {
    expect(guardVerdict(SSN_AND_PHONE, warn, undefined)).toEqual({ verdict: 'warn', found: SSN_AND_PHONE });
    expect(guardVerdict(SSN_AND_PHONE, warn, ['phone'])).toEqual({ verdict: 'warn', found: SSN_AND_PHONE });
    expect(guardVerdict(SSN_AND_PHONE, warn, ['phone', 'ssn', 'email'])).toEqual({
      verdict: 'warn',
      found: SSN_AND_PHONE,
    });
    expect(guardVerdict(SSN_AND_PHONE, warn, ['phone', 'ssn'])).toEqual({
      verdict: 'overridden',
      found: SSN_AND_PHONE,
    });
    expect(guardVerdict(SSN_AND_PHONE, warn, ['ssn', 'phone', 'ssn'])).toEqual({
      verdict: 'overridden',
      found: SSN_AND_PHONE,
    });
  });

  it('blocks everything found in block mode, acknowledged or not', () => {
    const block = { mode: 'block', blockKinds: [] } as const;
    expect(guardVerdict(SSN_AND_PHONE, block, ['ssn', 'phone'])).toEqual({ verdict: 'block', found: SSN_AND_PHONE });
  });

  it('blocks the kinds policy always refuses, naming only those, even in warn mode', () => {
    const rules = { mode: 'warn', blockKinds: ['ssn', 'card-number'] } as const;
    expect(guardVerdict(SSN_AND_PHONE, rules, ['ssn', 'phone'])).toEqual({
      verdict: 'block',
      found: [{ kind: 'ssn', count: 1 }],
    });
    expect(guardVerdict([{ kind: 'phone', count: 2 }], rules, undefined)).toMatchObject({ verdict: 'warn' });
  });
});

describe('the guard under machine policy', () => {
  it('has a policy key for every role that sends messages', () => {
    for (const role of ROLES) expect(GUARD_POLICY_KEYS[role] !== null, role).toBe(roleHas(role, 'messages.use'));
  });

  it('warns every role by default, blocks nothing and knows no MRN format', () => {
    const policy = policySchema.parse({});
    for (const role of ['nurse', 'physician', 'front-desk'] as const)
      expect(guardRulesFor(policy, role)).toEqual({ mode: 'warn', blockKinds: [], mrnFormats: [] });
  });

  it('takes each role its own mode, the kinds always blocked and the MRN formats', () => {
    const policy = policySchema.parse({
      identifierGuardFrontDesk: 'block',
      identifierGuardPhysician: 'off',
      identifierGuardBlockKinds: 'card-number, ssn',
      mrnFormats: 'M#######',
    });
    expect(guardRulesFor(policy, 'front-desk').mode).toBe('block');
    expect(guardRulesFor(policy, 'physician').mode).toBe('off');
    const nurse = guardRulesFor(policy, 'nurse');
    expect(nurse).toMatchObject({ mode: 'warn', blockKinds: ['ssn', 'card-number'] });
    expect(nurse.mrnFormats.map((format) => format.spec)).toEqual(['M#######']);
  });

  it('refuses a policy whose lists do not parse', () => {
    for (const bad of [
      { identifierGuardBlockKinds: 'ssn, passport' },
      { identifierGuardBlockKinds: '' },
      { mrnFormats: 'M###' },
      { mrnFormats: '(\\d+)+' },
      { identifierGuardNurse: 'ask' },
    ])
      expect(policySchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
