/**
 * Errors are values: every service answers `Outcome`, a result or a protocol error code (with a
 * retry hint for throttling, or the user ids a refusal is about). Only the HTTP and stream edges turn a failure into a response, so
 * no code path can leak an exception's text to a client.
 */
import type { ProtocolErrorCode } from '../shared/protocol/errors';
import type { Err, Ok } from '../shared/result';

/** The shared result's failure, with what the HTTP edge sends beside the code. */
export interface Failure extends Err<ProtocolErrorCode> {
  readonly retryAfterSeconds?: number;
  /** The user ids a refusal is about, for the client to name (RECIPIENT_NOT_PERMITTED). */
  readonly subjects?: readonly string[];
}

/** The shared result type (shared/result.ts) with the server's failure. */
export type Outcome<T> = Ok<T> | Failure;

export function succeed<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function fail(error: ProtocolErrorCode, retryAfterSeconds?: number): Failure {
  return retryAfterSeconds === undefined ? { ok: false, error } : { ok: false, error, retryAfterSeconds };
}

/** A refusal about particular users, named by id (never by name: the client holds the names). */
export function failAbout(error: ProtocolErrorCode, subjects: readonly string[]): Failure {
  return { ok: false, error, subjects: [...subjects] };
}
