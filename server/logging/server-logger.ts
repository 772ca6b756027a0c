/**
 * Server diagnostics: structured (pino) and fed only fixed fields (route patterns, statuses,
 * durations, error codes, user ids, counts). Never a request body, a name, a search query, a
 * token or a password; tests scan the output for the names and message text they used.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export interface ServerLogOptions {
  /** Defaults to stderr, so a CLI's stdout carries only its ready line. */
  readonly destination?: NodeJS.WritableStream;
  readonly level?: string;
}

export function createServerLogger(options: ServerLogOptions = {}): Logger {
  const level = options.level ?? process.env.WARDLINE_SERVER_LOG_LEVEL ?? 'info';
  return pino({ name: 'wardline-server', level, base: null }, options.destination ?? process.stderr);
}
