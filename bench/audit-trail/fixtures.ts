/**
 * The audit-trail bench's workload (see audit-trail.bench.ts): its sizes, the records a busy ward
 * workstation writes, and how concurrent producers append them.
 */
import { randomUUID } from 'node:crypto';
import type { DeviceAuditLog } from '../../main/audit/device-audit-log';
import type { UnplacedRecord } from '../../main/audit/device-log-ops';
import type { AuditRecord } from '../../shared/audit/audit-event';
import { AUDIT_BATCH_MAX } from '../../shared/protocol/api';

export const RECORDS = Number(process.env.WARDLINE_BENCH_AUDIT_RECORDS ?? 100_000);
/** Concurrent callers of append: main's IPC handlers, sync, lifecycle events on a busy workstation. */
export const PRODUCERS = 64;
export const BATCH = AUDIT_BATCH_MAX;
export const BASE_AT = 1_795_000_000_000;

// Records: what a busy ward workstation writes (ids and codes only, as the catalogue allows).

export const USERS = [
  ['nurse.adams', 'nurse'],
  ['dr.okafor', 'physician'],
  ['nurse.okoro', 'nurse'],
  ['dr.singh', 'physician'],
  ['desk.patel', 'front-desk'],
  ['nurse.li', 'nurse'],
  ['dr.moreau', 'physician'],
  ['nurse.brennan', 'nurse'],
] as const;

export interface IdPool {
  readonly conversations: readonly string[];
  readonly messages: readonly string[];
  readonly patients: readonly string[];
}

export function idPool(): IdPool {
  return {
    conversations: Array.from({ length: 512 }, () => randomUUID()),
    messages: Array.from({ length: 8192 }, () => randomUUID()),
    patients: Array.from(
      { length: 256 },
      (_, i) => `pat-${(0x5a00 + i * 37).toString(36).toUpperCase()}${String(i).padStart(4, '0')}`,
    ),
  };
}

export function unplaced(i: number, ids: IdPool): UnplacedRecord {
  const [userId, role] = USERS[i % USERS.length]!;
  const actor = { userId, role };
  const conversationId = ids.conversations[(i * 7) % ids.conversations.length]!;
  const patient = i % 3 === 0 ? ids.patients[i % ids.patients.length]! : null;
  const at = BASE_AT + i * 11;
  const message = { kind: 'message' as const, id: ids.messages[i % ids.messages.length]!, conversationId };
  switch (i % 6) {
    case 0:
      return {
        actor,
        action: 'conversation.opened',
        object: { kind: 'conversation', id: conversationId },
        patient,
        at,
        outcome: 'success',
        reason: null,
      };
    case 1:
      return { actor, action: 'message.sent', object: message, patient, at, outcome: 'success', reason: null };
    case 2:
      return { actor, action: 'message.received', object: message, patient, at, outcome: 'success', reason: null };
    case 3:
      return { actor, action: 'message.read', object: message, patient, at, outcome: 'success', reason: null };
    case 4:
      return {
        actor,
        action: 'search.performed',
        object: { kind: 'search', resultCount: i % 41 },
        patient: null,
        at,
        outcome: 'success',
        reason: null,
      };
    default:
      return i % 60 === 5
        ? {
            actor: { userId: null, role: null },
            action: 'sign-in.failed',
            object: { kind: 'none' },
            patient: null,
            at,
            outcome: 'failure',
            reason: 'AUTH_FAILED',
          }
        : {
            actor,
            action: 'session.locked',
            object: { kind: 'none' },
            patient: null,
            at,
            outcome: 'success',
            reason: null,
          };
  }
}

export const placed = (i: number, ids: IdPool, seq: number, workstationId: string): AuditRecord => ({
  ...unplaced(i, ids),
  seq,
  workstationId,
});

/**
 * `count` appends of records `from`..`from+count-1`, issued by `producers` concurrent callers
 * each awaiting its append before its next; latencies (ms) are written from `latencies[at]` on.
 */
export async function drive(
  log: DeviceAuditLog,
  ids: IdPool,
  from: number,
  count: number,
  producers: number,
  latencies: Float64Array | null,
  at = 0,
): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: producers }, async () => {
      for (;;) {
        const k = next++;
        if (k >= count) return;
        const issued = performance.now();
        await log.append(unplaced(from + k, ids));
        if (latencies !== null) latencies[at + k] = performance.now() - issued;
      }
    }),
  );
  return performance.now() - started;
}
