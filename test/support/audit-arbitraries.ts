/**
 * Generators for catalogue records, for the property tests of every form a record takes
 * (canonical JSON, FHIR, syslog): one place, so a new kind of object reaches all of them.
 */
import fc from 'fast-check';
import { ROLES } from '../../shared/access/permission-matrix';
import { AUDIT_ACTIONS, type AuditAction, type AuditObject, type AuditRecord } from '../../shared/audit/audit-event';
import { POLICY_KEYS } from '../../shared/policy/policy-schema';
import { AVAILABILITY_STATES } from '../../shared/protocol/availability';
import { IDENTIFIER_KINDS, MAX_IDENTIFIER_COUNT } from '../../shared/text/identifier-guard/identifier-kinds';

/** The last instant a FHIR instant (four-digit year) holds. */
export const LAST_INSTANT_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const AUDIT_OBJECT_KINDS = [
  'conversation',
  'message',
  'patient',
  'setting',
  'account',
  'vault',
  'search',
  'legal-hold',
  'role-address',
  'workstation',
  'audit-purge',
  'message-retention',
  'siem-destination',
  'session',
  'availability',
  'identifiers',
  'template',
  'none',
] as const satisfies readonly AuditObject['kind'][];

export const uuidArb = fc.uuid();
/** Strings over `alphabet`, `min` to `max` long (stringMatching is several times slower). */
const over = (alphabet: string, min: number, max: number) =>
  fc.string({ unit: fc.constantFrom(...Array.from(alphabet)), minLength: min, maxLength: max });
const LOWER_DIGITS = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM = `${LOWER_DIGITS}ABCDEFGHIJKLMNOPQRSTUVWXYZ`;
export const userIdArb = fc
  .tuple(over(LOWER_DIGITS, 1, 1), over(`${LOWER_DIGITS}._-`, 0, 63))
  .map(([first, rest]) => first + rest);
export const patientArb = over(ALNUM, 4, 40).map((tail) => `pat-${tail}`);
const hexArb = (digits: number) => over('0123456789abcdef', digits, digits);

/** Objects of one kind; the switch makes a kind without a generator a type error. */
export function auditObjectArb(kind: AuditObject['kind']): fc.Arbitrary<AuditObject> {
  switch (kind) {
    case 'conversation':
      return uuidArb.map((id) => ({ kind, id }));
    case 'message':
      return fc.record({ id: uuidArb, conversationId: uuidArb }).map((ids) => ({ kind, ...ids }));
    case 'patient':
      return patientArb.map((id) => ({ kind, id }));
    case 'setting':
      return fc.constantFrom(...POLICY_KEYS).map((id) => ({ kind, id }));
    case 'account':
      return userIdArb.map((id) => ({ kind, id }));
    case 'vault':
      return hexArb(32).map((id) => ({ kind, id }));
    case 'search':
      return fc.nat({ max: 100_000 }).map((resultCount) => ({ kind, resultCount }));
    case 'legal-hold':
      return fc
        .record({ id: uuidArb, userId: fc.option(userIdArb, { nil: null }) })
        .map((fields) => ({ kind, ...fields }));
    case 'role-address':
      return fc
        .record({
          id: fc
            .tuple(over(LOWER_DIGITS, 1, 1), over(`${LOWER_DIGITS}-`, 0, 74))
            .map(([first, rest]) => `role:${first}${rest}`),
          userId: fc.option(userIdArb, { nil: null }),
        })
        .map((fields) => ({ kind, ...fields }));
    case 'workstation':
      return fc
        .record({ id: uuidArb, userId: fc.option(userIdArb, { nil: null }) })
        .map((fields) => ({ kind, ...fields }));
    case 'audit-purge':
      return fc
        .record({ receivedBefore: fc.integer({ min: 0, max: LAST_INSTANT_MS }), records: fc.maxSafeNat() })
        .map((fields) => ({ kind, ...fields }));
    case 'message-retention':
      return fc
        .record(
          {
            days: fc.integer({ min: 1, max: 36_500 }),
            removedBefore: fc.integer({ min: 0, max: LAST_INSTANT_MS }),
            messages: fc.maxSafeNat(),
            attachments: fc.maxSafeNat(),
            // A server run's: the address of its own bound, or how many addresses had one.
            roleAddress: fc
              .tuple(over(LOWER_DIGITS, 1, 1), over(`${LOWER_DIGITS}-`, 0, 74))
              .map(([first, rest]) => `role:${first}${rest}`),
            roleAddressBounds: fc.integer({ min: 0, max: 1_000_000 }),
          },
          { requiredKeys: ['days', 'removedBefore', 'messages', 'attachments'] },
        )
        .map((fields) => ({ kind, ...fields }));
    case 'siem-destination':
      return fc
        .record({
          host: fc.oneof(
            fc.tuple(over(LOWER_DIGITS, 1, 1), over(`${LOWER_DIGITS}.-`, 0, 60)).map(([first, rest]) => first + rest),
            fc.constantFrom('127.0.0.1', '::1', 'fd00::5:1'),
          ),
          port: fc.integer({ min: 1, max: 65_535 }),
          caSha256: hexArb(32),
        })
        .map((fields) => ({ kind, ...fields }));
    case 'session':
      return fc
        .record({
          id: uuidArb,
          userId: userIdArb,
          workstationId: uuidArb,
          until: fc.integer({ min: 0, max: LAST_INSTANT_MS }),
        })
        .map((fields) => ({ kind, ...fields }));
    case 'availability':
      return fc
        .record({
          id: userIdArb,
          state: fc.constantFrom(...AVAILABILITY_STATES),
          coverUserId: fc.option(userIdArb, { nil: null }),
        })
        .map((fields) => ({ kind, ...fields }));
    case 'identifiers':
      // Each kind at most once, in the catalogue's order.
      return fc
        .record({
          conversationId: fc.option(uuidArb, { nil: null }),
          found: fc
            .subarray([...IDENTIFIER_KINDS], { minLength: 1 })
            .chain((kinds) =>
              fc.tuple(
                ...kinds.map((identifier) =>
                  fc.integer({ min: 1, max: MAX_IDENTIFIER_COUNT }).map((count) => ({ identifier, count })),
                ),
              ),
            ),
        })
        .map((fields) => ({ kind, ...fields }));
    case 'ediscovery-package':
      return hexArb(64).map((id) => ({ kind, id }));
    case 'template':
      return uuidArb.map((id) => ({ kind, id }));
    case 'none':
      return fc.constant({ kind });
  }
}

export const anyAuditObjectArb: fc.Arbitrary<AuditObject> = fc
  .constantFrom(...AUDIT_OBJECT_KINDS)
  .chain(auditObjectArb);

export function auditRecordArb(
  action: fc.Arbitrary<AuditAction> = fc.constantFrom(...AUDIT_ACTIONS),
  object: fc.Arbitrary<AuditObject> = anyAuditObjectArb,
): fc.Arbitrary<AuditRecord> {
  return fc.record({
    actor: fc.record({
      userId: fc.option(userIdArb, { nil: null }),
      role: fc.option(fc.constantFrom(...ROLES), { nil: null }),
    }),
    action,
    object,
    patient: fc.option(patientArb, { nil: null }),
    at: fc.integer({ min: 0, max: LAST_INSTANT_MS }),
    seq: fc.maxSafeNat(),
    workstationId: uuidArb,
    outcome: fc.constantFrom('success' as const, 'failure' as const),
    reason: fc.option(fc.stringMatching(/^[A-Z][A-Z0-9_]{1,39}$/), { nil: null }),
  });
}
