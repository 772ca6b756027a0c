/**
 * Taps a workstation's device audit log for tests: every record the log makes durable is kept in
 * order, and records of chosen actions can be held (to see what waits for them) or refused as the
 * log refuses them (to see what is then not done).
 */
import { AuditError, type DeviceAuditLog } from '../../main/audit/device-audit-log';
import type { UnplacedRecord } from '../../main/audit/device-log-ops';
import type { AuditAction } from '../../shared/audit/audit-event';
import type { Workstation } from './workstation';

export interface Tap {
  /** Records the log made durable, in order. */
  readonly written: UnplacedRecord[];
  /** Actions whose records are refused as the log would refuse them. */
  readonly refuse: Set<AuditAction>;
  /** Holds records of `action` until the returned function is called. */
  hold(action: AuditAction): () => void;
  /** Records of `action` that reached the log (held or not). */
  reached(action: AuditAction): number;
}

export async function tap(station: Workstation): Promise<Tap> {
  const log = (await station.core.audit.log()) as { -readonly [K in keyof DeviceAuditLog]: DeviceAuditLog[K] };
  const append = log.append;
  const holds = new Map<AuditAction, Promise<void>>();
  const reached: UnplacedRecord[] = [];
  const state: Tap = {
    written: [],
    refuse: new Set(),
    hold(action) {
      let release: () => void = () => undefined;
      holds.set(action, new Promise<void>((resolve) => (release = resolve)));
      return () => {
        holds.delete(action);
        release();
      };
    },
    reached: (action) => reached.filter((record) => record.action === action).length,
  };
  log.append = async (record) => {
    reached.push(record);
    await holds.get(record.action);
    if (state.refuse.has(record.action)) throw new AuditError('AUDIT_UNAVAILABLE');
    const placed = await append(record);
    state.written.push(record);
    return placed;
  };
  return state;
}

/** Whether `promise` settles within `ms`. */
export const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms)),
  ]);
