/**
 * Main-process diagnostics. Structured (pino), and fed only fixed fields: channel names, error
 * codes, counts, durations. Never a payload, a name, a message body or an input string, so the
 * log cannot carry PHI however it is configured.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = options.level ?? process.env.WARDLINE_LOG_LEVEL ?? 'info';
  return pino({ name: 'wardline-main', level, base: null }, options.destination ?? process.stderr);
}
