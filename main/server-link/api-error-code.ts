/**
 * What the clinician is told when the server says no. Sign-in failures keep the server's
 * deliberate vagueness: nothing here distinguishes an unknown user id from a wrong password.
 */
import type { ErrorCode } from '../../shared/errors';
import type { ApiErrorCode } from './api-client';

export function appCodeOf(code: ApiErrorCode): ErrorCode {
  switch (code) {
    case 'INVALID_CREDENTIALS':
    case 'MFA_INVALID':
    case 'MFA_EXPIRED':
    case 'MFA_ALREADY_ENROLLED':
    case 'ACCOUNT_LOCKED':
    case 'ACCOUNT_DISABLED':
    case 'THROTTLED':
    case 'PAYLOAD_TOO_LARGE':
    case 'NOT_FOUND':
    case 'REAUTHENTICATION_REQUIRED':
    case 'ENROLLMENT_INVALID':
    case 'ACCOUNT_EXISTS':
    case 'ALREADY_ENROLLED':
    case 'DEVICE_REVOKED':
      return code;
    case 'UNREACHABLE':
    case 'UNAVAILABLE':
      return 'SERVER_UNREACHABLE';
    case 'UNTRUSTED':
      return 'SERVER_UNTRUSTED';
    case 'UNAUTHENTICATED':
      return 'SESSION_EXPIRED';
    case 'UNKNOWN_RECIPIENT':
      return 'RECIPIENT_UNAVAILABLE';
    case 'RECIPIENT_KEY_MISMATCH':
      return 'KEY_CHANGED';
    case 'RECIPIENT_NOT_PERMITTED':
    case 'CLOCK_SKEW':
    case 'ARCHIVE_KEY_MISMATCH':
    case 'NOT_DEPARTMENT_LEAD':
    case 'OUTSIDE_DEPARTMENT':
    case 'LEAD_NOT_ELIGIBLE':
    case 'TEMPLATE_LIMIT_REACHED':
    case 'HOLD_LIMIT_REACHED':
      return code;
    case 'ARCHIVE_KEY_REQUIRED':
      return 'ARCHIVE_KEY_MISSING';
    case 'MALFORMED_REQUEST':
    case 'DEVICE_PROOF_INVALID':
    case 'FORBIDDEN':
    case 'SENDER_MISMATCH':
    case 'ENVELOPE_INVALID':
    case 'SIGNATURE_INVALID':
    case 'IDEMPOTENCY_CONFLICT':
    case 'CONFLICT':
    case 'MESSAGE_EXPIRED':
    case 'MALFORMED_FRAME':
    case 'AUDIT_DEVICE_UNKNOWN':
    case 'AUDIT_SIGNATURE_INVALID':
    case 'AUDIT_CHAIN_BROKEN':
    case 'CONFIRMATION_MISMATCH':
    case 'RETENTION_RUN_BUSY':
    case 'RETENTION_RUN_FAILED':
    case 'ATTACHMENT_UNKNOWN':
    case 'BLOB_QUOTA_EXCEEDED':
    case 'UNKNOWN_ROLE_ADDRESS':
    case 'ROLE_ADDRESS_NOT_PERMITTED':
    case 'BAD_RESPONSE':
      return 'SERVER_REJECTED';
    case 'INTERNAL':
      return 'SERVER_UNREACHABLE';
  }
}

/** Transient failures are retried from the outbox; anything else is final for that envelope. */
export function isTransient(code: ApiErrorCode): boolean {
  return (
    code === 'UNREACHABLE' ||
    code === 'UNAVAILABLE' ||
    code === 'INTERNAL' ||
    code === 'THROTTLED' ||
    code === 'UNAUTHENTICATED'
  );
}
