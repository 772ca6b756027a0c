import { describe, expect, it } from 'vitest';
import { POLICY_KEYS, policySchema, type PolicyInput } from '../../../shared/policy/policy-schema';
import { policySelfTest, SAFEGUARDS, safeguardOf } from '../../../shared/policy/policy-safeguards';

const SERVER = { serverUrl: 'https://wardline.hospital.example', caCertificate: 'C:\\ProgramData\\Wardline\\ca.pem' };
const statusOf = (input: PolicyInput) =>
  Object.fromEntries(policySelfTest(policySchema.parse(input)).map((result) => [result.citation, result.status]));
const findingOf = (input: PolicyInput, key: string) =>
  policySelfTest(policySchema.parse(input))
    .flatMap((result) => result.findings)
    .find((finding) => finding.key === key);

describe('the HIPAA policy self-test', () => {
  it('maps every policy key to the safeguard it implements, each listed once', () => {
    const results = policySelfTest(policySchema.parse(SERVER));
    expect(results.map((result) => result.citation)).toEqual(Object.values(SAFEGUARDS).map((s) => s.citation));
    const keys = results.flatMap((result) => result.findings.map((finding) => finding.key));
    expect([...keys].sort()).toEqual([...POLICY_KEYS].sort());
    expect(safeguardOf('idleLockSeconds')).toBe('automaticLogoff');
    expect(safeguardOf('mfaRequired')).toBe('authentication');
    expect(safeguardOf('kdfMemoryMiB')).toBe('encryption');
    expect(safeguardOf('workstationName')).toBe('auditControls');
  });

  it('finds every safeguard met under the defaults with a pinned server', () => {
    expect(new Set(Object.values(statusOf(SERVER)))).toEqual(new Set(['met']));
  });

  it('says transmission security is off when policy pins no server', () => {
    expect(statusOf({})).toMatchObject({ '164.312(e)(1)': 'off', '164.312(a)(2)(iii)': 'met' });
  });

  it.each([
    ['a screen lock after more than 15 minutes', { idleLockSeconds: 901 }, '164.312(a)(2)(iii)', 'idleLockSeconds'],
    [
      'a sign-out after more than an hour locked',
      { autoLogoffSeconds: 3601 },
      '164.312(a)(2)(iii)',
      'autoLogoffSeconds',
    ],
    ['any input on a shared PC keeping it unlocked', { idleSource: 'system' }, '164.312(a)(2)(iii)', 'idleSource'],
    ['no second factor required', { mfaRequired: false }, '164.312(d)', 'mfaRequired'],
    ['passwords under 12 characters', { passwordMinLength: 11 }, '164.312(d)', 'passwordMinLength'],
    ['PINs under 6 digits', { pinMinLength: 5 }, '164.312(d)', 'pinMinLength'],
    ['sender names in notifications', { notificationContent: 'sender' }, '164.312(a)(1)', 'notificationContent'],
    ['names on the lock screen', { lockScreenShowsName: true }, '164.312(a)(1)', 'lockScreenShowsName'],
    ['front-desk messages unchecked', { identifierGuardFrontDesk: 'off' }, '164.502(b)', 'identifierGuardFrontDesk'],
  ] as const)('says %s weakens its safeguard, naming the key', (_name, change, citation, key) => {
    expect(statusOf({ ...SERVER, ...change })[citation]).toBe('weakened');
    expect(findingOf({ ...SERVER, ...change }, key)).toMatchObject({ status: 'weakened' });
    // One step inside the bound is met again.
    expect(findingOf(SERVER, key)).toMatchObject({ status: 'met' });
  });

  it('judges each threshold at its edge, and a short PIN only when PINs are allowed', () => {
    expect(findingOf({ idleLockSeconds: 900 }, 'idleLockSeconds')?.status).toBe('met');
    expect(findingOf({ autoLogoffSeconds: 3600 }, 'autoLogoffSeconds')?.status).toBe('met');
    expect(findingOf({ passwordMinLength: 12 }, 'passwordMinLength')?.status).toBe('met');
    expect(findingOf({ pinMinLength: 4, pinAllowed: false }, 'pinMinLength')?.status).toBe('met');
    // A personal computer may count input anywhere.
    expect(findingOf({ idleSource: 'system', sharedWorkstation: false }, 'idleSource')?.status).toBe('met');
  });
});
