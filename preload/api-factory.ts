/**
 * Builds `window.wardline` from the IPC contract. The object is deeply frozen; its methods return
 * `IpcResult` values (never throw), and listeners receive validated payloads only, never a
 * transport event object.
 */
import {
  channels,
  events,
  isEventName,
  type ChannelName,
  type EventName,
  type EventPayload,
  type RequestOf,
  type ResponseOf,
} from '../shared/ipc/contract';
import { appError } from '../shared/errors';
import { fail, ipcResultSchema, type IpcResult } from '../shared/ipc/result';
import type { BridgeTransport } from './bridge-transport';
import { deepFreeze } from './deep-freeze';

type AreaOf<C> = C extends `${infer A}.${string}` ? A : never;
type MethodOf<C, A extends string> = C extends `${A}.${infer M}` ? M : never;

type Invoker<C extends ChannelName> =
  Record<string, never> extends RequestOf<C>
    ? (request?: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>
    : (request: RequestOf<C>) => Promise<IpcResult<ResponseOf<C>>>;

export type EventListener<E extends EventName> = (payload: EventPayload<E>) => void;

export interface EventsApi {
  /** Listens to one main-to-renderer event; returns the function that stops listening. */
  subscribe<E extends EventName>(name: E, listener: EventListener<E>): () => void;
}

export type WardlineApi = {
  readonly [A in AreaOf<ChannelName>]: {
    readonly [M in MethodOf<ChannelName, A>]: Invoker<`${A}.${M}` & ChannelName>;
  };
} & { readonly events: EventsApi };

export function createWardlineApi(transport: BridgeTransport): WardlineApi {
  const api: Record<string, Record<string, unknown>> = {};
  for (const name of Object.keys(channels) as ChannelName[]) {
    const [area, method] = name.split('.') as [string, string];
    const resultSchema = ipcResultSchema(channels[name].response);
    const invoke = async (request?: unknown): Promise<IpcResult<unknown>> => {
      let raw: unknown;
      try {
        raw = await transport.invoke(name, request ?? {});
      } catch {
        return fail(appError('DISCONNECTED'));
      }
      const parsed = resultSchema.safeParse(raw);
      return parsed.success ? parsed.data : fail(appError('INTERNAL'));
    };
    (api[area] ??= {})[method] = invoke;
  }

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  transport.onEvent((name, payload) => {
    if (!isEventName(name)) return;
    const parsed = events[name].safeParse(payload);
    if (!parsed.success) return;
    for (const listener of listeners.get(name) ?? []) listener(parsed.data);
  });

  const eventsApi: EventsApi = {
    subscribe(name, listener) {
      if (!isEventName(name) || typeof listener !== 'function') return () => undefined;
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      const wrapped = (payload: unknown) => {
        listener(payload as EventPayload<typeof name>);
      };
      set.add(wrapped);
      return () => void set.delete(wrapped);
    },
  };
  return deepFreeze({ ...api, events: eventsApi }) as unknown as WardlineApi;
}
