/**
 * How the development launchers log to a person's terminal: warnings and errors only, one short
 * line each, unless `WARDLINE_LOG=json` asks for pino's JSON stream (at `WARDLINE_LOG_LEVEL`,
 * default info) for a log shipper or a bug report. Log records carry fixed fields only (codes,
 * counts, ids; see main/logging/logger.ts), so a line shows them as they are.
 */
import { Writable } from 'node:stream';

export interface TerminalLog {
  readonly level: string;
  readonly destination: NodeJS.WritableStream;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warning',
  50: 'error',
  60: 'fatal',
};
const OMITTED = new Set(['level', 'time', 'name', 'msg', 'pid', 'hostname']);

/** One pino record as a line: `wardline warning: audit sync failed (code=UNREACHABLE)`. */
export function terminalLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const level = LEVEL_NAMES[Number(record.level)] ?? 'log';
  const fields = Object.entries(record)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const name = typeof record.name === 'string' ? record.name : 'wardline';
  const message = typeof record.msg === 'string' ? record.msg : '';
  return `${name} ${level}: ${message}${fields.length > 0 ? ` (${fields.join(', ')})` : ''}`;
}

export function terminalLog(
  env: NodeJS.ProcessEnv = process.env,
  stream: NodeJS.WritableStream = process.stderr,
): TerminalLog {
  if (env.WARDLINE_LOG === 'json') return { level: env.WARDLINE_LOG_LEVEL ?? 'info', destination: stream };
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim() !== '') stream.write(`${terminalLine(line)}\n`);
      done();
    },
  });
  return { level: env.WARDLINE_LOG_LEVEL ?? 'warn', destination };
}
