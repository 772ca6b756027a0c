/**
 * Error codes that cross a process boundary. Every failure the renderer can see is one of these,
 * with a fixed, PHI-free message: the UI translates the code, and nothing else (no stack, no
 * input echo, no internal detail) ever leaves main.
 */
import type { IdentifierCount } from './text/identifier-guard/identifier-kinds';

export const ERROR_CODES = [
  'BAD_REQUEST',
  'PAYLOAD_TOO_LARGE',
  'UNKNOWN_CHANNEL',
  'FORBIDDEN_SENDER',
  'NOT_SIGNED_IN',
  'NOT_PERMITTED',
  'NOT_AVAILABLE',
  'DISCONNECTED',
  // The local vault (main/vault/): each failure keeps the files as they were.
  'WRONG_PASSWORD',
  'WRONG_DEVICE',
  'VAULT_NOT_FOUND',
  'VAULT_EXISTS',
  'VAULT_LOCKED',
  'VAULT_IN_USE',
  'VAULT_CORRUPT',
  'VAULT_TOO_NEW',
  'KEY_FILE_MISSING',
  'KEY_FILE_CORRUPT',
  'KEY_FILE_TAMPERED',
  'KDF_TOO_WEAK',
  'DEVICE_PROTECTION_UNAVAILABLE',
  'DISK_FULL',
  // Sign-in against the server. None of them says whether a user id exists.
  'INVALID_CREDENTIALS',
  'MFA_INVALID',
  'MFA_EXPIRED',
  'MFA_ALREADY_ENROLLED',
  'ENROLLMENT_INVALID',
  'ACCOUNT_LOCKED',
  'ACCOUNT_DISABLED',
  'THROTTLED',
  'SERVER_UNREACHABLE',
  'SERVER_UNTRUSTED',
  'SERVER_REJECTED',
  'REAUTHENTICATION_REQUIRED',
  'ACCOUNT_EXISTS',
  'ALREADY_ENROLLED',
  'DEVICE_REVOKED',
  // Administration: the id is taken, or the role address is full.
  'CONFLICT',
  // Administration: the workstation's name typed to confirm a wipe is no longer its name.
  'CONFIRMATION_MISMATCH',
  'NO_SIGN_IN_IN_PROGRESS',
  'SESSION_EXPIRED',
  'IDENTITY_KEYS_DAMAGED',
  'DEVICE_IDENTITY_UNUSABLE',
  'NO_SERVER_CONFIGURED',
  // Department leads (shared/protocol/lead-template-api.ts): the person leads no department now;
  // a change would reach past their department; IT chose someone who cannot lead one; the
  // department has as many active templates as a lead may keep.
  'NOT_DEPARTMENT_LEAD',
  'OUTSIDE_DEPARTMENT',
  'LEAD_NOT_ELIGIBLE',
  'TEMPLATE_LIMIT_REACHED',
  'HOLD_LIMIT_REACHED',
  // An eDiscovery export whose package would not prove itself (the chain record did not come, or a check failed).
  'PACKAGE_UNVERIFIED',
  // Messaging.
  'NOT_FOUND',
  'RECIPIENT_UNAVAILABLE',
  'KEY_CHANGED',
  'RECALL_NOT_ALLOWED',
  'ACKNOWLEDGEMENT_NOT_ALLOWED',
  'RECIPIENT_NOT_PERMITTED',
  'CLOCK_SKEW',
  // The minimum-necessary guard (main/messaging/identifier-check.ts): the sender confirms, or policy refuses.
  'IDENTIFIERS_FOUND',
  'IDENTIFIERS_BLOCKED',
  // Attachments (main/attachments/): refused by machine policy, or not a file Wardline can read.
  'ATTACHMENT_TOO_LARGE',
  'ATTACHMENT_TYPE_NOT_ALLOWED',
  'ATTACHMENT_UNREADABLE',
  'ATTACHMENT_SAVE_NOT_ALLOWED',
  // Approved templates (main/messaging/template-send.ts): policy allows this role templates only;
  // the template named was changed or retired by IT since the sender chose it.
  'TEMPLATES_ONLY',
  'TEMPLATE_UNAVAILABLE',
  // The organisational archive key (main/messaging/archive-sealing.ts): the server requires every
  // message to be sealed to an archive key that this workstation's policy lacks, or names another.
  'ARCHIVE_KEY_MISSING',
  'ARCHIVE_KEY_MISMATCH',
  // Machine-wide policy and the workstation session (main/policy/, main/session/).
  'POLICY_INVALID',
  'POLICY_UNREADABLE',
  'MFA_NOT_ENFORCED',
  'NOT_LOCKED',
  'PIN_NOT_ALLOWED',
  'PIN_NOT_SET',
  'PIN_TOO_SHORT',
  'PASSWORD_TOO_SHORT',
  'PIN_WRONG',
  'PIN_DISABLED',
  // The audit trail (main/audit/): an action that cannot be recorded is not done.
  'AUDIT_UNAVAILABLE',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
  /**
   * Directory user ids the error is about, when the UI must act on them: the recipients whose
   * key changed, who cannot receive yet, or whose role receives no messages. Identifiers the renderer already holds, never content.
   */
  readonly subjects?: readonly string[] | undefined;
  /** Sign-in: how many seconds the server makes the next attempt wait (THROTTLED, or a wrong password or code). */
  readonly retryAfterSeconds?: number | undefined;
  /**
   * IDENTIFIERS_FOUND and IDENTIFIERS_BLOCKED: which kinds of identifier the message holds and
   * how many of each. Never where they are or what they say: the renderer has the text.
   */
  readonly identifiers?: readonly IdentifierCount[] | undefined;
}

const MESSAGES: Record<ErrorCode, string> = {
  ATTACHMENT_TOO_LARGE: 'The file is larger than this workstation allows.',
  ATTACHMENT_TYPE_NOT_ALLOWED: 'This kind of file cannot be attached here.',
  ATTACHMENT_UNREADABLE: 'The file could not be read as the kind of file it claims to be.',
  ATTACHMENT_SAVE_NOT_ALLOWED: 'Policy allows attachments to be viewed in Wardline only.',
  POLICY_INVALID: 'The workstation policy is not valid. Nobody can sign in until IT corrects it.',
  POLICY_UNREADABLE: 'The workstation policy could not be read. Nobody can sign in until IT corrects it.',
  MFA_NOT_ENFORCED: 'The server did not ask for a second factor, which this workstation requires.',
  NOT_LOCKED: 'The session is not locked.',
  PIN_NOT_ALLOWED: 'Policy does not allow unlocking with a PIN.',
  PIN_NOT_SET: 'No PIN is set for this session.',
  PIN_TOO_SHORT: 'The PIN is shorter than policy requires.',
  PASSWORD_TOO_SHORT: 'The new password is shorter than policy requires.',
  PIN_WRONG: 'The PIN is not correct.',
  PIN_DISABLED: 'Too many wrong PINs, or the daily password check is due: unlock with the password.',
  AUDIT_UNAVAILABLE: 'This could not be recorded in the audit trail, so it was not done. Call the service desk.',
  BAD_REQUEST: 'The request was not in the expected form.',
  PAYLOAD_TOO_LARGE: 'The request was larger than allowed.',
  UNKNOWN_CHANNEL: 'The request named an operation that does not exist.',
  FORBIDDEN_SENDER: 'The request did not come from the Wardline window.',
  NOT_SIGNED_IN: 'Sign in to do this.',
  NOT_PERMITTED: 'Your role does not allow this.',
  NOT_AVAILABLE: 'This is not available yet.',
  DISCONNECTED: 'Wardline lost the connection to its core process.',
  WRONG_PASSWORD: 'The password did not unlock this workstation vault.',
  WRONG_DEVICE: 'This vault was created on another workstation and cannot be opened here.',
  VAULT_NOT_FOUND: 'There is no vault for this user on this workstation.',
  VAULT_EXISTS: 'A vault for this user already exists on this workstation.',
  VAULT_LOCKED: 'The vault is locked.',
  VAULT_IN_USE: 'The vault is open in another Wardline window or process.',
  VAULT_CORRUPT: 'The vault database is damaged. Its files were kept for IT.',
  VAULT_TOO_NEW: 'The vault was written by a newer version of Wardline.',
  KEY_FILE_MISSING: 'The vault key file is missing. The database was kept for IT.',
  KEY_FILE_CORRUPT: 'The vault key file is damaged. Its files were kept for IT.',
  KEY_FILE_TAMPERED: 'The vault key file has been altered. Its files were kept for IT.',
  KDF_TOO_WEAK: 'The password hashing settings are below the required minimum.',
  DEVICE_PROTECTION_UNAVAILABLE: 'This workstation offers no protected key storage, and policy requires it.',
  DISK_FULL: 'The disk is full. Nothing was lost; free space and try again.',
  INVALID_CREDENTIALS: 'The user ID or password is not correct.',
  MFA_INVALID: 'The authentication code is not correct. Check the time on your authenticator and try again.',
  MFA_EXPIRED: 'The sign-in took too long. Enter your user ID and password again.',
  MFA_ALREADY_ENROLLED:
    'An authenticator was already set up for this account from another sign-in. Sign in again; if it was not you, call the service desk.',
  ENROLLMENT_INVALID: 'The enrollment code is wrong, already used or expired.',
  ACCOUNT_LOCKED: 'This account is locked after too many failed attempts. Only the service desk can unlock it.',
  ACCOUNT_DISABLED: 'This account is not active. Call the service desk.',
  THROTTLED: 'Too many failed attempts. Wait before trying again.',
  SERVER_UNREACHABLE: 'The Wardline server cannot be reached. Check the network or try again shortly.',
  SERVER_UNTRUSTED: 'The server did not present the certificate this workstation trusts. Call the service desk.',
  SERVER_REJECTED: 'The server refused the request.',
  REAUTHENTICATION_REQUIRED: 'The server asks for the password and code again before this action.',
  ACCOUNT_EXISTS: 'That user ID is already taken.',
  ALREADY_ENROLLED: 'This person has already set a password; reset it instead.',
  DEVICE_REVOKED: 'This workstation was removed by IT.',
  CONFLICT: 'The server refused a change that conflicts with what it holds (an id taken, a list full).',
  CONFIRMATION_MISMATCH: 'The name given to confirm the action is not the current name of what it acts on.',
  NO_SIGN_IN_IN_PROGRESS: 'Start again with your user ID and password.',
  SESSION_EXPIRED: 'Your session has ended. Sign in again.',
  IDENTITY_KEYS_DAMAGED: 'Your message keys could not be opened. Call the service desk.',
  DEVICE_IDENTITY_UNUSABLE:
    "This workstation's Wardline registration is damaged or from another machine. Its files were kept; call the service desk.",
  NO_SERVER_CONFIGURED: 'No Wardline server is configured for this workstation. Call the service desk.',
  NOT_DEPARTMENT_LEAD: 'This person does not lead a department now.',
  OUTSIDE_DEPARTMENT: 'A department lead can keep only the templates for exactly their own department.',
  LEAD_NOT_ELIGIBLE: 'Only a person with a department and a role that sends messages can lead a department.',
  TEMPLATE_LIMIT_REACHED: 'The department has as many active templates as a department lead may keep.',
  HOLD_LIMIT_REACHED: 'As many legal holds are in force as the server allows.',
  PACKAGE_UNVERIFIED: "The export could not be proven against the server's signed audit trail, so none was written.",
  NOT_FOUND: 'That item no longer exists on this workstation.',
  RECIPIENT_UNAVAILABLE: 'A recipient cannot receive secure messages yet (never signed in, or not active).',
  KEY_CHANGED: "A recipient's security key has changed. Review the warning before sending.",
  RECALL_NOT_ALLOWED: 'Only the sender can recall a message, and only once.',
  ACKNOWLEDGEMENT_NOT_ALLOWED: 'Only a recipient can acknowledge a message that asks for it, while it is still there.',
  RECIPIENT_NOT_PERMITTED: 'A recipient works in a role that does not receive secure messages (compliance or IT).',
  IDENTIFIERS_FOUND: 'The message holds identifiers: the sender must confirm them before it is sent.',
  IDENTIFIERS_BLOCKED: 'Policy does not allow these identifiers in a message.',
  TEMPLATES_ONLY: 'Policy allows this role to send only approved templates.',
  TEMPLATE_UNAVAILABLE: 'The template was changed or retired since it was chosen.',
  ARCHIVE_KEY_MISSING: "This hospital archives messages; this workstation's policy has no archive key. Contact IT.",
  ARCHIVE_KEY_MISMATCH:
    "This hospital archives messages with another archive key than this workstation's policy names. Contact IT.",
  CLOCK_SKEW: "This workstation's clock differs from the server's by more than five minutes. Call the service desk.",
  INTERNAL: 'Something went wrong inside Wardline.',
};

/** The only way to build an AppError: the message always comes from the fixed table. */
export function appError(code: ErrorCode, subjects?: readonly string[]): AppError {
  return subjects !== undefined && subjects.length > 0
    ? { code, message: MESSAGES[code], subjects: [...subjects] }
    : { code, message: MESSAGES[code] };
}

/** A refusal by the identifier check, with the kinds and counts it found. */
export function appErrorWithIdentifiers(
  code: 'IDENTIFIERS_FOUND' | 'IDENTIFIERS_BLOCKED',
  identifiers: readonly IdentifierCount[],
): AppError {
  return { ...appError(code), identifiers: identifiers.map(({ kind, count }) => ({ kind, count })) };
}

/** Longest wait an AppError carries: the server's longest delay is 15 minutes; a day is far beyond any. */
export const MAX_RETRY_AFTER_SECONDS = 24 * 60 * 60;

/** A sign-in error with the server's wait, when it gave a usable one. */
export function appErrorWithWait(code: ErrorCode, retryAfterSeconds: number | undefined): AppError {
  const usable =
    retryAfterSeconds !== undefined &&
    Number.isInteger(retryAfterSeconds) &&
    retryAfterSeconds > 0 &&
    retryAfterSeconds <= MAX_RETRY_AFTER_SECONDS;
  return usable ? { ...appError(code), retryAfterSeconds } : appError(code);
}
