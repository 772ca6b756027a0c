/**
 * A workstation for integration tests: the real main-process core (vaults, device key, sign-in,
 * messaging) in its own data folder, driven through its real router as the renderer would, and
 * recording the events main sends the renderer.
 */
import path from 'node:path';
import { createAppCore, type AppCore } from '../../main/core/app-core';
import { createMachineFileProtector } from '../../main/keys/device-protector';
import { createLogger } from '../../main/logging/logger';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import type { ChannelName, EventName, EventPayload, RequestOf, ResponseOf, Thread } from '../../shared/ipc/contract';
import type { IpcResult } from '../../shared/ipc/result';
import { tempDir } from './vault-fixtures';
import type { PolicyLoad } from '../../main/policy/policy-loader';
import { POLICY_KEYS, policySchema, type PolicyInput } from '../../shared/policy/policy-schema';
import { ok } from '../../shared/result';
import { lineSink } from './captured-log';

const ORIGIN = 'app://wardline';
const SENDER = { url: `${ORIGIN}/index.html`, isTopFrame: true };

export interface RecordedEvent {
  readonly name: EventName;
  readonly payload: unknown;
}

export interface Workstation {
  readonly core: AppCore;
  readonly dataDir: string;
  readonly events: RecordedEvent[];
  call<C extends ChannelName>(channel: C, payload: RequestOf<C>): Promise<IpcResult<ResponseOf<C>>>;
  /** Resolves with the first event (already recorded or still to come) that matches. */
  waitForEvent<E extends EventName>(
    name: E,
    match?: (payload: EventPayload<E>) => boolean,
    timeoutMs?: number,
  ): Promise<EventPayload<E>>;
  close(): Promise<void>;
}

export interface WorkstationOptions {
  readonly dataDir?: string;
  readonly logLines?: string[];
  readonly now?: () => number;
  readonly initialSyncWindowMs?: number;
  /** Policy values on top of the defaults (validated like a policy file), or a load result as is. */
  readonly policy?: PolicyInput | PolicyLoad;
  readonly sessionTickMs?: number;
  /** How long audit sync waits after a failure (its first, before anyone signed in, is one). */
  readonly auditSyncBackoff?: { readonly initialMs: number; readonly maxMs: number };
  readonly auditSyncDebounceMs?: number;
  /** How long a remote wipe waits for the audit log to reach the server. */
  readonly wipeAuditSyncTimeoutMs?: number;
}

function policyLoadOf(policy: PolicyInput | PolicyLoad): PolicyLoad {
  if ('ok' in policy) return policy;
  const setKeys = POLICY_KEYS.filter((key) => Object.hasOwn(policy, key));
  return ok({ policy: policySchema.parse(policy), source: 'override', location: null, setKeys });
}

export function createWorkstation(server: ServerEndpoint | null, options: WorkstationOptions = {}): Workstation {
  const dataDir = options.dataDir ?? tempDir('wardline-ws-');
  const lines = options.logLines;
  const logger = createLogger({
    level: lines ? 'info' : 'silent',
    ...(lines ? { destination: lineSink(lines) } : {}),
  });
  const core = createAppCore({
    dataDir,
    host: 'browser-host',
    environment: 'development',
    version: '0.0.0-test',
    trustedOrigin: ORIGIN,
    logger,
    device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
    allowUnprotectedDevice: false,
    server,
    ...(options.now ? { now: options.now } : {}),
    ...(options.initialSyncWindowMs === undefined ? {} : { initialSyncWindowMs: options.initialSyncWindowMs }),
    ...(options.policy === undefined ? {} : { policy: policyLoadOf(options.policy) }),
    ...(options.sessionTickMs === undefined ? {} : { sessionTickMs: options.sessionTickMs }),
    ...(options.auditSyncBackoff === undefined ? {} : { auditSyncBackoff: options.auditSyncBackoff }),
    ...(options.auditSyncDebounceMs === undefined ? {} : { auditSyncDebounceMs: options.auditSyncDebounceMs }),
    ...(options.wipeAuditSyncTimeoutMs === undefined ? {} : { wipeAuditSyncTimeoutMs: options.wipeAuditSyncTimeoutMs }),
  });
  const events: RecordedEvent[] = [];
  const waiters = new Set<() => void>();
  core.onEvent((name, payload) => {
    events.push({ name, payload });
    for (const wake of waiters) wake();
  });
  return {
    core,
    dataDir,
    events,
    call: (channel, payload) => core.router.dispatch(channel, payload, SENDER) as never,
    waitForEvent(name, match = () => true, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = events.find((event) => event.name === name && match(event.payload as never));
          if (!found) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found.payload as never);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${name} event within ${String(timeoutMs)} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => core.close(),
  };
}

/** Opens a thread through the router; throws the error code if it cannot be opened. */
export async function openThread(station: Workstation, conversationId: string): Promise<Thread> {
  const opened = await station.call('conversation.open', { conversationId });
  if (!opened.ok) throw new Error(opened.error.code);
  return opened.value;
}

/**
 * Reads until `check` holds: pushes and receipts arrive asynchronously. A read that fails
 * (e.g. NOT_FOUND before the first push) counts as "not yet".
 */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
