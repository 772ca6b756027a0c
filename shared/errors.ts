/**
 * Error codes that cross a process boundary. Every failure the renderer can see is one of these,
 * with a fixed, PHI-free message: the UI translates the code, and nothing else (no stack, no
 * input echo, no internal detail) ever leaves main.
 */
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
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface AppError {
  readonly code: ErrorCode;
  readonly message: string;
}

const MESSAGES: Record<ErrorCode, string> = {
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
  INTERNAL: 'Something went wrong inside Wardline.',
};

/** The only way to build an AppError: the message always comes from the fixed table. */
export function appError(code: ErrorCode): AppError {
  return { code, message: MESSAGES[code] };
}
