/**
 * An IT admin's session in the admin API tests: time passing for it as for a real client (its
 * token refreshed each minute, so only its re-authentication ages) and re-authenticating it.
 */
import { authKeyOf, freshTotpCode, refreshProof, token, type TestServer, type TestUser } from './server-fixtures';

/** Moves the clock on by `ms`, refreshing `user`'s token each minute of it. */
export async function passTime(target: TestServer, user: TestUser, ms: number): Promise<void> {
  for (let left = ms; left > 0; left -= 60_000) {
    target.clock.advance(Math.min(left, 60_000));
    const session = user.session;
    if (session === null) throw new Error(`${user.userId} is not signed in`);
    const proof = await refreshProof(user.device, session.sessionId, target.clock.now());
    const renewed = await target.api.ok('refresh', { proof }, session.token);
    user.session = { ...session, token: renewed.token, expiresAt: renewed.expiresAt };
  }
}

/** A re-authentication of `user`'s current session, as the client sends it. */
export async function reauthenticate(target: TestServer, user: TestUser): Promise<void> {
  await target.api.ok(
    'reauthenticate',
    { authKey: await authKeyOf(target.api, user), code: freshTotpCode(target, user) },
    token(user),
  );
}
