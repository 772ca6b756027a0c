/**
 * Whether an incoming message raises an OS notice, in one place: while the recipient's own
 * availability is Do not disturb and unexpired (by this workstation's clock, injected), routine
 * and urgent messages arrive, count and show unread, but raise no notice; STAT always notifies.
 * Every other state notifies: Busy and Off duty say where the person is, not that they must not
 * be interrupted, and an expired Do not disturb is Available again. What a notice may say is
 * notification-content.ts's concern; this decides only whether there is one.
 */
import { inForce, type Availability } from '../../shared/protocol/availability';
import type { Priority } from '../../shared/protocol/envelope';

export function noticeHeldBack(priority: Priority, own: Availability, now: number): boolean {
  if (priority === 'stat') return false;
  return inForce(own, now)?.state === 'dnd';
}
