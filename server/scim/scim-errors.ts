/**
 * SCIM's error answers (RFC 7644 §3.12): an HTTP status, the `scimType` where the RFC names one,
 * and a fixed sentence for the directory's provisioning log. Errors are values: every SCIM
 * function answers `ScimResult`, and only the routes turn a failure into a response. A detail
 * never repeats what the request said (no names, no ids).
 */
import type { Err, Ok } from '../../shared/result';
import type { ProtocolErrorCode } from '../../shared/protocol/errors';
import { ERROR_SCHEMA } from './scim-schemas';

export type ScimType =
  'invalidFilter' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue';

export type ScimStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500;

export interface ScimFailure extends Err<ScimStatus> {
  readonly scimType?: ScimType;
  readonly detail: string;
}

export type ScimResult<T> = Ok<T> | ScimFailure;

export function scimOk<T>(value: T): ScimResult<T> {
  return { ok: true, value };
}

export function scimFail(status: ScimStatus, detail: string, scimType?: ScimType): ScimFailure {
  return scimType === undefined ? { ok: false, error: status, detail } : { ok: false, error: status, scimType, detail };
}

export const badRequest = (scimType: ScimType, detail: string) => scimFail(400, detail, scimType);

export function scimErrorBody(failure: ScimFailure) {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(failure.error),
    ...(failure.scimType === undefined ? {} : { scimType: failure.scimType }),
    detail: failure.detail,
  };
}

/** The request log's error field: the protocol's code nearest to the SCIM status. */
export function logCodeOf(status: ScimStatus): ProtocolErrorCode {
  switch (status) {
    case 400:
    case 415:
      return 'MALFORMED_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ACCOUNT_EXISTS';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 500:
      return 'INTERNAL';
  }
}
