/**
 * IT revokes a workstation (a stolen laptop, a PC leaving service): its device key stops
 * working at once, every live session on it ends now (open streams are told `revoked`), and the
 * revocation is recorded naming the IT admin and the device, all in one transaction.
 * Race-safe against a sign-in, refresh or audit batch from that device at the same moment: both
 * take the device's row lock (server/accounts/device-store.ts), so whichever commits second sees
 * the first. Not a wipe: what the workstation stores stays there until it is wiped.
 */
import { revokeDevice } from '../accounts/device-store';
import { endSessionsOnDevice } from '../accounts/session-store';
import type { Clock } from '../clock';
import type { Database } from '../db/database';
import { fail, succeed, type Outcome } from '../outcome';
import { recordAdminEvent } from './admin-event-store';
import { checkedActor } from './admin-events';

/** Revokes the device; `changed` is false (and nothing is recorded) if it was revoked before. NOT_FOUND if unknown. */
export async function revokeWorkstation(
  deps: { readonly db: Database; readonly clock: Clock },
  deviceId: string,
  actor: string,
): Promise<Outcome<{ changed: boolean; sessionsEnded: number }>> {
  const by = checkedActor(actor);
  return deps.db.transaction(async (tx) => {
    const at = deps.clock();
    const revocation = await revokeDevice(tx, deviceId, at);
    if (revocation === 'unknown') return fail('NOT_FOUND');
    if (revocation === 'already-revoked') return succeed({ changed: false, sessionsEnded: 0 });
    // After the device's row lock: a sign-in that got it first has committed its session by now.
    const sessionsEnded = await endSessionsOnDevice(tx, deviceId, 'revoked', at);
    await recordAdminEvent(tx, { at, actor: by, action: 'device.revoked', targetUserId: null, subject: deviceId });
    return succeed({ changed: true, sessionsEnded });
  });
}
