/**
 * Reading what a client sends on the stream. Anything over MAX_CLIENT_FRAME_BYTES, binary, not
 * JSON or not a known frame is refused as MALFORMED_FRAME before it reaches any logic. Pure.
 */
import { clientFrame, MAX_CLIENT_FRAME_BYTES, type ClientFrame } from '../../shared/protocol/stream';

export function parseClientFrame(data: Buffer, isBinary: boolean): ClientFrame | null {
  if (isBinary || data.length > MAX_CLIENT_FRAME_BYTES) return null;
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = clientFrame.safeParse(json);
  return parsed.success ? parsed.data : null;
}

/** `ws` hands fragmented messages over as a list of buffers. */
export function frameBytes(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(new Uint8Array(data));
}
