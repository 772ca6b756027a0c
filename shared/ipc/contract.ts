/**
 * The IPC contract: every channel between renderer and main, with its request and response
 * schemas and the permission it needs. Main's router, the preload API factory and the renderer's
 * types are all derived from this object, so adding a channel is one entry here plus one handler.
 *
 * Schemas are strict (extra properties are an error) and every string and array is bounded:
 * the renderer is treated as hostile.
 */
import { z } from 'zod';
import { ROLES, type Permission } from '../access/permission-matrix';

export interface ChannelSpec {
  readonly request: z.ZodType;
  readonly response: z.ZodType;
  /** Permission the signed-in user's role must hold; `null` for channels usable signed out. */
  readonly permission: Permission | null;
  /** Largest accepted request, as serialized JSON bytes (default `DEFAULT_MAX_REQUEST_BYTES`). */
  readonly maxRequestBytes?: number;
}

export const DEFAULT_MAX_REQUEST_BYTES = 16 * 1024;

const empty = z.strictObject({});

export const userIdSchema = z.string().trim().min(1).max(64);
export const passwordSchema = z.string().min(1).max(1024);

export const userSummarySchema = z.strictObject({
  userId: userIdSchema,
  displayName: z.string().max(200),
  role: z.enum(ROLES),
});

export const sessionStateSchema = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('signed-out') }),
  z.strictObject({ state: z.literal('unlocked'), user: userSummarySchema }),
  z.strictObject({ state: z.literal('locked'), displayName: z.string().max(200).nullable() }),
]);
export type SessionState = z.infer<typeof sessionStateSchema>;

export const appInfoSchema = z.strictObject({
  name: z.literal('Wardline'),
  version: z.string().max(50),
  /** Which transport carries this API: the packaged app, or the test/development browser host. */
  host: z.enum(['electron', 'browser-host']),
  environment: z.enum(['production', 'development']),
});
export type AppInfo = z.infer<typeof appInfoSchema>;

export const channels = {
  'app.getInfo': { request: empty, response: appInfoSchema, permission: null },
  'system.health': {
    request: empty,
    response: z.strictObject({ status: z.literal('ok'), uptimeSeconds: z.number().nonnegative() }),
    permission: null,
  },
  'session.getState': { request: empty, response: sessionStateSchema, permission: null },
  'session.signIn': {
    request: z.strictObject({ userId: userIdSchema, password: passwordSchema }),
    response: sessionStateSchema,
    permission: null,
  },
  'session.signOut': { request: empty, response: sessionStateSchema, permission: 'session.own' },
} as const satisfies Record<`${string}.${string}`, ChannelSpec>;

export type Contract = Record<string, ChannelSpec>;
export type ChannelName = keyof typeof channels;
export type RequestOf<C extends ChannelName> = z.input<(typeof channels)[C]['request']>;
export type ResponseOf<C extends ChannelName> = z.output<(typeof channels)[C]['response']>;

/** Main-to-renderer events. Payloads are validated in preload before any listener sees them. */
export const events = {
  'session.changed': sessionStateSchema,
} as const satisfies Record<`${string}.${string}`, z.ZodType>;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

export function isChannelName(name: unknown): name is ChannelName {
  return typeof name === 'string' && Object.hasOwn(channels, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
