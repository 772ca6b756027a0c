/**
 * What the UI says for each error code. Main's own messages are for logs and support; these are
 * for the clinician, and they never echo input or reveal which user IDs exist.
 */
import type { AppError, ErrorCode } from '../../shared/errors';
import { LEAD_TEMPLATES_MAX } from '../../shared/protocol/lead-template-api';
import { MAX_HOLDS_IN_FORCE } from '../../shared/protocol/message-hold-api';

const TEXT: Record<ErrorCode, string> = {
  POLICY_INVALID:
    'This workstation’s Wardline policy has a mistake in it, so nobody can sign in here. Call the IT service desk.',
  POLICY_UNREADABLE:
    'This workstation’s Wardline policy could not be read, so nobody can sign in here. Call the IT service desk.',
  MFA_NOT_ENFORCED:
    'The server did not ask for an authentication code, which this workstation requires. Call the IT service desk.',
  NOT_LOCKED: 'Wardline is not locked.',
  PIN_NOT_ALLOWED: 'This workstation does not allow unlocking with a PIN. Use your password.',
  PIN_NOT_SET: 'You have no PIN for this session. Use your password.',
  PIN_TOO_SHORT: 'That PIN is too short.',
  PASSWORD_TOO_SHORT: 'That password is too short. Choose a longer one: a few unrelated words work well.',
  PIN_WRONG: 'That PIN is not correct.',
  PIN_DISABLED: 'Unlock with your password this time.',
  AUDIT_UNAVAILABLE:
    'Wardline could not record this in the audit trail, so it did not do it. Call the IT service desk.',
  BAD_REQUEST: 'Wardline could not read that request. Check what you entered and try again.',
  PAYLOAD_TOO_LARGE: 'That is longer than Wardline accepts.',
  UNKNOWN_CHANNEL: 'Wardline did not recognise that action.',
  FORBIDDEN_SENDER: 'This window is not allowed to do that.',
  NOT_SIGNED_IN: 'Please sign in first.',
  NOT_PERMITTED: 'Your role does not allow this.',
  NOT_AVAILABLE: 'This is not available in this build of Wardline yet.',
  DISCONNECTED: 'Wardline lost contact with its secure core. Close and reopen Wardline.',
  WRONG_PASSWORD: 'That user ID and password did not match. Check them and try again.',
  WRONG_DEVICE: 'Your messages on this workstation were protected by another computer. Call the IT service desk.',
  VAULT_NOT_FOUND: 'There are no saved messages for you on this workstation yet.',
  VAULT_EXISTS: 'This workstation already holds your messages.',
  VAULT_LOCKED: 'Wardline is locked. Unlock to continue.',
  VAULT_IN_USE: 'Your messages are open in another Wardline window. Close it and try again.',
  VAULT_CORRUPT:
    'Your saved messages on this workstation are damaged. Nothing was deleted; IT can recover them, and your history can be fetched again from the server.',
  VAULT_TOO_NEW: 'Your saved messages were written by a newer Wardline. Ask IT to update this workstation.',
  KEY_FILE_MISSING:
    'A file that protects your saved messages is missing. Nothing was deleted. Call the IT service desk.',
  KEY_FILE_CORRUPT:
    'A file that protects your saved messages is damaged. Nothing was deleted. Call the IT service desk.',
  KEY_FILE_TAMPERED:
    'A file that protects your saved messages has been altered. Nothing was deleted. Call the IT service desk.',
  KDF_TOO_WEAK: 'The security settings on this workstation are below the hospital minimum. Call the IT service desk.',
  DEVICE_PROTECTION_UNAVAILABLE:
    'This workstation cannot protect your messages as policy requires. Call the IT service desk.',
  DISK_FULL: 'This workstation’s disk is full. Nothing was lost. Call the IT service desk.',
  INVALID_CREDENTIALS: 'That user ID and password did not match. Check them and try again.',
  MFA_INVALID: 'That code did not work. Enter the newest 6-digit code from your authenticator app.',
  MFA_EXPIRED: 'Sign-in took too long. Enter your user ID and password again.',
  MFA_ALREADY_ENROLLED:
    'An authenticator app was already set up for this account from another sign-in, so this one was not. Sign in again with that authenticator. If you did not set it up, call the IT service desk now.',
  ACCOUNT_LOCKED:
    'This account is locked after too many failed sign-in attempts. Call the IT service desk to unlock it.',
  ACCOUNT_DISABLED: 'This account is not active. Call the IT service desk.',
  ENROLLMENT_INVALID:
    'That enrollment code did not work: it may be mistyped, already used or more than 72 hours old. Check it, or ask the IT service desk for a new one.',
  ACCOUNT_EXISTS: 'That user ID is already taken. User IDs are never reused; choose another.',
  ALREADY_ENROLLED: 'This person has already set a password. To give them a new one, reset their password instead.',
  THROTTLED: 'Too many failed sign-in attempts. Wait a minute, then try again.',
  SERVER_UNREACHABLE:
    'Wardline cannot reach its server. Try again shortly; if it keeps happening, call the IT service desk.',
  SERVER_UNTRUSTED:
    'Wardline stopped because the server could not prove it is the hospital’s. Call the IT service desk.',
  SERVER_REJECTED: 'The Wardline server refused this request. Try again, or call the IT service desk.',
  REAUTHENTICATION_REQUIRED:
    'Confirm it is you: enter your password and authentication code again, then repeat the action.',
  DEVICE_REVOKED: 'This workstation was removed by IT.',
  CONFLICT: 'That conflicts with what is already there, so nothing was changed. Refresh and try again.',
  CONFIRMATION_MISMATCH:
    'Nothing was done: the name you confirmed is no longer the name it has on the server. Refresh and try again.',
  DEVICE_IDENTITY_UNUSABLE:
    'This workstation’s Wardline registration is damaged or belongs to another computer. Nothing was deleted. Call the IT service desk.',
  NO_SERVER_CONFIGURED: 'This workstation has no Wardline server set up. Call the IT service desk.',
  NO_SIGN_IN_IN_PROGRESS: 'Start again with your user ID and password.',
  SESSION_EXPIRED: 'Your session has ended. Sign in again.',
  IDENTITY_KEYS_DAMAGED: 'Your secure message keys could not be opened. Call the IT service desk.',
  NOT_DEPARTMENT_LEAD:
    'You no longer lead a department, so you cannot change its templates. If you should, ask the IT service desk.',
  OUTSIDE_DEPARTMENT:
    'A department lead can change only the templates for their own department, and only for that department.',
  LEAD_NOT_ELIGIBLE:
    'Only a person with a department and a role that sends messages (nurse, physician, front desk) can lead a department.',
  PACKAGE_UNVERIFIED:
    'The export could not be proven against the server’s signed audit trail, so no package was written. Try again; if it keeps happening, tell IT.',
  HOLD_LIMIT_REACHED: `As many legal holds are in force as the server allows (${String(MAX_HOLDS_IN_FORCE)}). Release holds whose matters have closed first.`,
  TEMPLATE_LIMIT_REACHED: `Your department already has as many active templates as a lead may keep (${String(LEAD_TEMPLATES_MAX)}). Retire one you no longer need first.`,
  NOT_FOUND: 'That conversation or message is no longer on this workstation.',
  RECIPIENT_UNAVAILABLE:
    'A recipient cannot receive secure messages yet: they have not signed in to Wardline, or their account is not active.',
  KEY_CHANGED: 'A recipient’s security key has changed. Check the warning and accept the new key before sending.',
  RECALL_NOT_ALLOWED: 'Only the sender can recall a message, and only once.',
  ACKNOWLEDGEMENT_NOT_ALLOWED:
    'This message can no longer be acknowledged: it was recalled or has expired, or it does not ask for acknowledgement.',
  RECIPIENT_NOT_PERMITTED: 'Compliance and IT staff do not receive secure messages. Remove them from the recipients.',
  IDENTIFIERS_FOUND: 'This message contains identifiers. Check them before sending.',
  IDENTIFIERS_BLOCKED: 'This message contains identifiers that hospital policy does not allow. Remove them to send it.',
  ATTACHMENT_TOO_LARGE: 'That file is larger than this workstation allows. Send a smaller file.',
  ATTACHMENT_TYPE_NOT_ALLOWED: 'That kind of file cannot be attached here. Photos (JPEG, PNG) and PDFs can.',
  ATTACHMENT_UNREADABLE: 'That file could not be read. It may be damaged, or not the kind of file its name says.',
  ATTACHMENT_SAVE_NOT_ALLOWED: 'This workstation lets you view attachments in Wardline only, not save them.',
  TEMPLATES_ONLY: 'Hospital policy lets your role send only approved templates. Choose a template to send.',
  ARCHIVE_KEY_MISSING:
    'This hospital archives messages, and this workstation’s policy has no archive key, so nothing can be sent from it. Contact IT.',
  ARCHIVE_KEY_MISMATCH:
    'This hospital archives messages with another key than this workstation’s policy names, so nothing can be sent from it. Contact IT.',
  TEMPLATE_UNAVAILABLE: 'IT changed or retired this template since you chose it. Choose it again.',
  CLOCK_SKEW:
    'This workstation’s clock is wrong by more than five minutes, so the server refused it. Call the IT service desk.',
  INTERNAL: 'Something went wrong. Your messages are safe. Try again, or call the IT service desk.',
};

/** "45 seconds", "1 minute", "15 minutes": a wait as a clinician reads it, rounded up. */
export function waitText(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${String(seconds)} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${String(minutes)} minutes`;
}

/** With the server's wait: when sign-in may be tried again. A lock has no wait: only IT lifts it. */
const WAITING: Partial<Record<ErrorCode, (wait: string) => string>> = {
  THROTTLED: (wait) => `Too many failed sign-in attempts. Try again in ${wait}.`,
  INVALID_CREDENTIALS: (wait) =>
    `That user ID and password did not match. After several failed attempts you must wait: try again in ${wait}.`,
  MFA_INVALID: (wait) => `That code did not work. After several failed attempts you must wait: try again in ${wait}.`,
};

export function describeError(error: AppError): string {
  const waiting = error.retryAfterSeconds === undefined ? undefined : WAITING[error.code];
  return waiting === undefined || error.retryAfterSeconds === undefined
    ? TEXT[error.code]
    : waiting(waitText(error.retryAfterSeconds));
}
