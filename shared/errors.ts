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
  INTERNAL: 'Something went wrong inside Wardline.',
};

/** The only way to build an AppError: the message always comes from the fixed table. */
export function appError(code: ErrorCode): AppError {
  return { code, message: MESSAGES[code] };
}
