/**
 * Thrown by startServer for an option it cannot use, before anything is started: the code says
 * which (the CLI turns each into a usage message before it gets this far).
 */
import type { SiemIdentityProblem } from './siem/siem-client-identity';

export type ServerOptionProblem =
  | SiemIdentityProblem
  | 'SIEM_ENTERPRISE_NUMBER_INVALID'
  | 'SIEM_LEASE_INVALID'
  | 'FHIR_CODE_SYSTEM_BASE_INVALID'
  | 'BLOB_LIMITS_INVALID'
  /** `archiveKeyFingerprint` is not 64 hex digits (spaces between groups allowed). */
  | 'ARCHIVE_KEY_FINGERPRINT_INVALID'
  /** `messageRetentionDays` is not a whole number of days in the range message-retention.ts allows. */
  | 'MESSAGE_RETENTION_DAYS_INVALID';

export class ServerOptionError extends Error {
  constructor(readonly code: ServerOptionProblem) {
    super(`A server option cannot be used (${code}).`);
    this.name = 'ServerOptionError';
  }
}
