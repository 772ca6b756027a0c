/**
 * Whose clock orders messages: the server's. An envelope's `sentAt` and a recall's `recalledAt`
 * are the sender's clock, signed, so they stay as the sender wrote them; the server records its
 * own time beside them (`acceptedAt` in feed events and history) and every list is ordered by
 * that. The sender's times are still bounded, so a thread never shows a message from 2028 or a
 * recall from 1970:
 *
 * - a time more than MAX_CLOCK_SKEW_MS ahead of the server's clock is refused (`CLOCK_SKEW`): no
 *   honest clock signs the future;
 * - a recall or an acknowledgement is made online, so its time may not lag the server's by more than that either;
 * - an envelope may lag by up to MAX_SEND_DELAY_MS: it is sealed when the clinician presses Send
 *   and may wait in the workstation's outbox (offline, or held for a key review) before it
 *   reaches the server. Older than that, it is refused too.
 *
 * The workstation's clock is also checked at every sign-in and token refresh (the device proof,
 * PROOF_WINDOW_MS in auth.ts), so a workstation whose clock is wrong cannot even sign in.
 */

/** Kerberos' default skew: how far a workstation's clock may be from the server's. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/** How long a sealed envelope may wait in an outbox before the server refuses it as too old. */
export const MAX_SEND_DELAY_MS = 7 * 24 * 60 * 60 * 1000;

/** An envelope's signed `sentAt` the server accepts at `now`. */
export function sentAtAcceptable(sentAt: number, now: number): boolean {
  return sentAt <= now + MAX_CLOCK_SKEW_MS && sentAt >= now - MAX_SEND_DELAY_MS;
}

/** A signed time of something done online (a recall's `recalledAt`, an acknowledgement's) the server accepts at `now`. */
export function onlineTimeAcceptable(at: number, now: number): boolean {
  return Math.abs(at - now) <= MAX_CLOCK_SKEW_MS;
}
