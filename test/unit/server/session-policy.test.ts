import { describe, expect, it } from 'vitest';
import { ACCESS_TOKEN_TTL_MS, PROOF_WINDOW_MS, SESSION_MAX_AGE_MS } from '../../../shared/protocol/auth';
import { proofTimestampFresh } from '../../../server/accounts/device-proof';
import { lastSeenStale, newSessionTimes, sessionState, tokenExpiryAt } from '../../../server/accounts/session-policy';

const T0 = 1_700_000_000_000;

describe('session policy', () => {
  it('gives a new session a short token and a hard maximum age', () => {
    expect(newSessionTimes(T0)).toEqual({
      createdAt: T0,
      tokenExpiresAt: T0 + ACCESS_TOKEN_TTL_MS,
      maxExpiresAt: T0 + SESSION_MAX_AGE_MS,
    });
  });

  it('never lets a token outlive its session', () => {
    const max = T0 + SESSION_MAX_AGE_MS;
    expect(tokenExpiryAt(T0, max)).toBe(T0 + ACCESS_TOKEN_TTL_MS);
    expect(tokenExpiryAt(max - 1000, max)).toBe(max);
  });

  it('is live until the token or the session runs out, and ended once ended', () => {
    const times = { tokenExpiresAt: T0 + 10, maxExpiresAt: T0 + 20, endedAt: null };
    expect(sessionState(times, T0 + 9)).toBe('live');
    expect(sessionState(times, T0 + 10)).toBe('expired');
    expect(sessionState({ ...times, tokenExpiresAt: T0 + 30 }, T0 + 20)).toBe('expired');
    expect(sessionState({ ...times, endedAt: T0 }, T0 + 1)).toBe('ended');
  });

  it('writes last-seen at most once a minute', () => {
    expect(lastSeenStale(T0, T0 + 59_999)).toBe(false);
    expect(lastSeenStale(T0, T0 + 60_000)).toBe(true);
  });

  it('accepts device proofs only within the proof window either side of now', () => {
    expect(proofTimestampFresh(T0 - PROOF_WINDOW_MS, T0)).toBe(true);
    expect(proofTimestampFresh(T0 + PROOF_WINDOW_MS, T0)).toBe(true);
    expect(proofTimestampFresh(T0 - PROOF_WINDOW_MS - 1, T0)).toBe(false);
    expect(proofTimestampFresh(T0 + PROOF_WINDOW_MS + 1, T0)).toBe(false);
  });
});
