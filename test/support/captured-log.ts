/** A main-process logger whose JSON lines a test reads back (to prove what is, and is not, logged). */
import { Writable } from 'node:stream';
import { createLogger } from '../../main/logging/logger';

/** A stream that appends each line written to `lines`. */
export function lineSink(lines: string[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
}

export function capturedLogger(): { readonly logger: ReturnType<typeof createLogger>; readonly lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ level: 'info', destination: lineSink(lines) }), lines };
}
