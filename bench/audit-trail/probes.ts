/**
 * Bench-only instrumentation for the audit-trail bench, attached from outside the code it
 * measures: the group sizes the device log commits, the client's audit batch POSTs, and the
 * sync's calls to the log.
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';
import { Worker } from 'node:worker_threads';
import type { DeviceAuditLog } from '../../main/audit/device-audit-log';
import { ms } from '../support/timing';

/**
 * The sizes of the groups the log commits, read off the `log.append` calls main posts to its
 * store worker (nothing else posts one). Bench-only instrumentation of Worker#postMessage.
 */
export function watchAppendGroups(): { take(): number[]; stop(): void } {
  type PostMessage = (this: Worker, value: unknown, transferList?: unknown) => void;
  const proto = Worker.prototype as unknown as { postMessage: PostMessage };
  const original = proto.postMessage;
  let sizes: number[] = [];
  proto.postMessage = function (this: Worker, value: unknown, transferList?: unknown) {
    const message = value as { type?: unknown; op?: unknown; args?: { records?: unknown } } | null;
    if (
      message !== null &&
      typeof message === 'object' &&
      message.type === 'call' &&
      message.op === 'log.append' &&
      Array.isArray(message.args?.records)
    ) {
      sizes.push(message.args.records.length);
    }
    original.call(this, value, transferList);
  };
  return {
    take() {
      const taken = sizes;
      sizes = [];
      return taken;
    },
    stop() {
      proto.postMessage = original;
    },
  };
}

/** Client-side durations (ms) of this process's POSTs to the audit batch route, while subscribed. */
export function traceBatchPosts(): { take(): number[]; stop(): void } {
  const open = new WeakMap<ClientRequest, number>();
  let done: number[] = [];
  const onStart = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    if (request.path === '/v1/audit/batches') open.set(request, performance.now());
  };
  const onFinish = (message: unknown) => {
    const { request } = message as { request: ClientRequest };
    const at = open.get(request);
    if (at !== undefined) done.push(performance.now() - at);
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  diagnostics.subscribe('http.client.response.finish', onFinish);
  return {
    take() {
      const taken = done;
      done = [];
      return taken;
    },
    stop() {
      diagnostics.unsubscribe('http.client.request.start', onStart);
      diagnostics.unsubscribe('http.client.response.finish', onFinish);
    },
  };
}

/** Times the log's `pending` and `acknowledge` as the sync calls them (the sync holds this same object). */
export function timeLogCalls(log: DeviceAuditLog): {
  pendingMs: () => number;
  acknowledgeMs: () => number;
  restore(): void;
} {
  const target = log as { -readonly [K in keyof DeviceAuditLog]: DeviceAuditLog[K] };
  const { pending, acknowledge } = target;
  let pendingMs = 0;
  let acknowledgeMs = 0;
  target.pending = async (limit) => {
    const started = performance.now();
    try {
      return await pending(limit);
    } finally {
      pendingMs += ms(started);
    }
  };
  target.acknowledge = async (seq, hash) => {
    const started = performance.now();
    try {
      return await acknowledge(seq, hash);
    } finally {
      acknowledgeMs += ms(started);
    }
  };
  return {
    pendingMs: () => pendingMs,
    acknowledgeMs: () => acknowledgeMs,
    restore() {
      target.pending = pending;
      target.acknowledge = acknowledge;
    },
  };
}
