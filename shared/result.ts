/**
 * Errors are values, everywhere: the one result type of the app, the server and the code they
 * share. A function that can fail for a reason the caller must handle answers `Result`, never
 * throws; exceptions are left for what no caller can handle (a bug, a closed database). The
 * error is a code or a small typed value, never an exception's text, so nothing PHI-bearing
 * travels in it. A side that needs detail beside its code extends `Err` (the server's `Failure`
 * carries a retry hint and the ids a refusal is about).
 */
export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

export type Result<T, E> = Ok<T> | Err<E>;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = <E>(error: E): Err<E> => ({ ok: false, error });
