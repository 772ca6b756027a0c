/**
 * What the UI says for each error code. Main's own messages are for logs and support; these are
 * for the clinician, and they never echo input or reveal which user IDs exist.
 */
import type { AppError, ErrorCode } from '../../shared/errors';

const TEXT: Record<ErrorCode, string> = {
  BAD_REQUEST: 'Wardline could not read that request. Check what you entered and try again.',
  PAYLOAD_TOO_LARGE: 'That is longer than Wardline accepts.',
  UNKNOWN_CHANNEL: 'Wardline did not recognise that action.',
  FORBIDDEN_SENDER: 'This window is not allowed to do that.',
  NOT_SIGNED_IN: 'Please sign in first.',
  NOT_PERMITTED: 'Your role does not allow this.',
  NOT_AVAILABLE: 'Sign-in is not available in this build yet.',
  DISCONNECTED: 'Wardline lost contact with its secure core. Close and reopen Wardline.',
  INTERNAL: 'Something went wrong. Your messages are safe. Try again, or call the IT service desk.',
};

export function describeError(error: AppError): string {
  return TEXT[error.code];
}
