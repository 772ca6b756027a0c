/**
 * Errors are values, everywhere: the one result type of the app, the server and the code they
 * share. A function that can fail for a reason the caller must handle answers `Result`, never
 * throws; exceptions are left for what no caller can handle (a bug, a closed database). The
 * error is a code or a small typed value, never an exception's text, so nothing PHI-bearing
 * travels in it.
 */
export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { readonly ok: true; readonly value: T } => ({ ok: true, value });
export const err = <E>(error: E): { readonly ok: false; readonly error: E } => ({ ok: false, error });
