/**
 * WebSocket frames on `/v1/stream` (authorised like any route, with the bearer token on the
 * upgrade request). The client sends `resume` with the last sequence it stored; the server
 * answers with every later event, then `ready`, then pushes new events as they happen.
 */
import { z } from 'zod';
import { protocolErrorCodes } from './errors';
import { feedEvent } from './feed';

export const STREAM_PATH = '/v1/stream';
export const MAX_CLIENT_FRAME_BYTES = 4 * 1024;

export const clientFrame = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('resume'),
    after: z.number().int().nonnegative(),
    /**
     * With `after: 0` (a workstation that has stored nothing yet): skip events created before
     * this time (ms). Older messages are fetched per conversation, on demand, from history.
     */
    since: z.number().int().nonnegative().optional(),
  }),
]);
export type ClientFrame = z.infer<typeof clientFrame>;

export const SESSION_END_REASONS = ['signed-out', 'revoked', 'expired', 'deactivated'] as const;

export const serverFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('event'), event: feedEvent }),
  /**
   * A resume found more than a page of events waiting: they run up to `through` (a feed
   * sequence). Counts only, for the workstation's catch-up progress; sent before the events.
   */
  z.strictObject({ type: z.literal('backlog'), through: z.number().int().nonnegative() }),
  /** Everything up to `cursor` has been sent; later events follow as they happen. */
  z.strictObject({ type: z.literal('ready'), cursor: z.number().int().nonnegative() }),
  z.strictObject({ type: z.literal('error'), code: z.enum(protocolErrorCodes) }),
  /** The session ended on the server; the connection closes after this frame. */
  z.strictObject({ type: z.literal('session-ended'), reason: z.enum(SESSION_END_REASONS) }),
  /** IT queued a command for this workstation (shared/protocol/device-command-api.ts): fetch it now. */
  z.strictObject({ type: z.literal('commands-pending') }),
]);
export type ServerFrame = z.infer<typeof serverFrame>;
