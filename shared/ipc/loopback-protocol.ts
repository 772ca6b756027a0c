/**
 * Wire format of the browser host's loopback WebSocket, which carries the same API as Electron
 * IPC. Both ends validate every frame; a frame that fails is answered with a typed error and the
 * connection stays up.
 */
import { z } from 'zod';
import { appErrorSchema } from './result';

/** Largest frame either side accepts. Channel-level limits in the contract are much smaller. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Path of the WebSocket endpoint on the browser host. */
export const LOOPBACK_PATH = '/__wardline/ipc';
/** Path of the browser-side preload script the host injects into the page. */
export const BROWSER_PRELOAD_PATH = '/__wardline/browser-preload.js';

export const clientFrameSchema = z.strictObject({
  type: z.literal('invoke'),
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  channel: z.string().max(100),
  payload: z.unknown(),
});

export const serverFrameSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('result'), id: z.number().int().nonnegative(), result: z.unknown() }),
  z.strictObject({ type: z.literal('event'), name: z.string().max(100), payload: z.unknown() }),
  /** Answer to a frame that could not be read at all, so it has no id to answer to. */
  z.strictObject({ type: z.literal('frame-error'), error: appErrorSchema }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;
