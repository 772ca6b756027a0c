/**
 * What the minimum-necessary guard decides about a message, from what the scan found, the sender's
 * role and machine policy: send it, ask the sender first, or refuse it. Pure; main is the one that
 * enforces it (main/messaging/identifier-check.ts), since the renderer may be anyone's.
 *
 * A warning is passed only by an acknowledgement of exactly the kinds found: the sender who
 * confirmed "a phone number" has not confirmed the SSN pasted in since.
 */
import type { Role } from '../../access/permission-matrix';
import type { GuardMode, Policy } from '../../policy/policy-schema';
import { parseIdentifierKinds, type IdentifierCount, type IdentifierKind } from './identifier-kinds';
import { parseMrnFormats, type MrnFormat } from './mrn-format';

/** The policy key that sets the guard for each role; null for roles that send no messages. */
export const GUARD_POLICY_KEYS = {
  nurse: 'identifierGuardNurse',
  physician: 'identifierGuardPhysician',
  'front-desk': 'identifierGuardFrontDesk',
  'it-admin': null,
  'compliance-officer': null,
} as const satisfies Readonly<Record<Role, keyof Policy | null>>;

/** The guard as it applies to one person. */
export interface GuardRules {
  readonly mode: GuardMode;
  /** Refused even when the mode only warns. */
  readonly blockKinds: readonly IdentifierKind[];
  readonly mrnFormats: readonly MrnFormat[];
}

/** The guard for `role` under `policy` (already validated, so its lists parse). */
export function guardRulesFor(
  policy: Pick<
    Policy,
    | 'identifierGuardNurse'
    | 'identifierGuardPhysician'
    | 'identifierGuardFrontDesk'
    | 'identifierGuardBlockKinds'
    | 'mrnFormats'
  >,
  role: Role,
): GuardRules {
  const key = GUARD_POLICY_KEYS[role];
  const formats = parseMrnFormats(policy.mrnFormats);
  return {
    // A role that sends nothing never reaches the check; were it to, it would be asked.
    mode: key === null ? 'warn' : policy[key],
    blockKinds:
      policy.identifierGuardBlockKinds === null ? [] : (parseIdentifierKinds(policy.identifierGuardBlockKinds) ?? []),
    mrnFormats: formats.ok ? formats.value : [],
  };
}

export type GuardVerdict =
  /** Nothing found, or the guard is off: send. */
  | { readonly verdict: 'clear' }
  /** Found, and the sender confirmed exactly these kinds: send, and record that they did. */
  | { readonly verdict: 'overridden'; readonly found: readonly IdentifierCount[] }
  /** Found: ask the sender. */
  | { readonly verdict: 'warn'; readonly found: readonly IdentifierCount[] }
  /** Refused: `found` is what policy does not allow (other kinds are asked about once these are gone). */
  | { readonly verdict: 'block'; readonly found: readonly IdentifierCount[] };

export function guardVerdict(
  found: readonly IdentifierCount[],
  rules: Pick<GuardRules, 'mode' | 'blockKinds'>,
  acknowledged: readonly IdentifierKind[] | undefined,
): GuardVerdict {
  if (rules.mode === 'off' || found.length === 0) return { verdict: 'clear' };
  const blocked = rules.mode === 'block' ? found : found.filter(({ kind }) => rules.blockKinds.includes(kind));
  if (blocked.length > 0) return { verdict: 'block', found: blocked };
  const confirmed = new Set(acknowledged ?? []);
  const exactly = confirmed.size === found.length && found.every(({ kind }) => confirmed.has(kind));
  return exactly ? { verdict: 'overridden', found } : { verdict: 'warn', found };
}
