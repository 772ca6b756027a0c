/**
 * A signed-in person sets their own availability (the route names no user: the session is the
 * person). Refusals, all before anything is stored: `until` not ahead of the server's clock or
 * more than two weeks ahead (MALFORMED_REQUEST); a cover who is the person themselves
 * (MALFORMED_REQUEST), unknown or deactivated (UNKNOWN_RECIPIENT), or whose role does not receive
 * messages (RECIPIENT_NOT_PERMITTED). The answer is what the directory now shows for the person.
 */
import { receivesMessages } from '../../shared/access/permission-matrix';
import { untilProblem, type Availability, type AvailabilityRequest } from '../../shared/protocol/availability';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { transactionOutcome } from '../db/outcome-transaction';
import { fail, failAbout, succeed, type Outcome } from '../outcome';
import { usersByIds } from './directory-store';
import { clearAvailability, lockCoverAccount, storeAvailability } from './availability-store';

export interface AvailabilityDeps {
  readonly db: Database;
  readonly clock: Clock;
}

export async function setOwnAvailability(
  deps: AvailabilityDeps,
  userId: string,
  request: AvailabilityRequest,
): Promise<Outcome<{ availability: Availability }>> {
  const now = deps.clock();
  if (request.state !== 'available' && untilProblem(request.until, now) !== null) return fail('MALFORMED_REQUEST');
  const coverUserId = request.state === 'off-duty' ? (request.coverUserId ?? null) : null;
  if (coverUserId === userId) return fail('MALFORMED_REQUEST');
  return transactionOutcome(deps.db, async (tx) => {
    if (coverUserId !== null) {
      const cover = await lockCoverAccount(tx, coverUserId);
      if (cover === null || !cover.active) return failAbout('UNKNOWN_RECIPIENT', [coverUserId]);
      if (!receivesMessages(cover.role)) return failAbout('RECIPIENT_NOT_PERMITTED', [coverUserId]);
    }
    if (request.state === 'available') await clearAvailability(tx, userId);
    else await storeAvailability(tx, userId, { state: request.state, until: request.until, coverUserId }, now);
    const [self] = await usersByIds(tx, [userId], now);
    return succeed({ availability: self?.availability ?? null });
  });
}
