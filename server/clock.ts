/**
 * The server's notion of now, in epoch milliseconds. Injected everywhere a decision depends on
 * time (token expiry, proof windows, TOTP steps, lockouts, message expiry) so tests move time
 * instead of sleeping.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
