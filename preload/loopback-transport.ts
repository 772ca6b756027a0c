/**
 * Browser-side transport of the browser host: one WebSocket to the host, authenticated by the
 * HttpOnly cookie the host set when the page was opened with its one-time token.
 */
import { LOOPBACK_PATH, serverFrameSchema } from '../shared/ipc/loopback-protocol';
import type { BridgeTransport } from './bridge-transport';

export function createLoopbackTransport(location: Location): BridgeTransport {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(`${scheme}//${location.host}${LOOPBACK_PATH}`);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('close', () => reject(new Error('closed')), { once: true });
  });
  opened.catch(() => undefined);
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let eventHandler: (name: unknown, payload: unknown) => void = () => undefined;
  let nextId = 1;

  socket.addEventListener('message', (message: MessageEvent<unknown>) => {
    if (typeof message.data !== 'string') return;
    let frame;
    try {
      frame = serverFrameSchema.parse(JSON.parse(message.data));
    } catch {
      return;
    }
    if (frame.type === 'result') {
      pending.get(frame.id)?.resolve(frame.result);
      pending.delete(frame.id);
    } else if (frame.type === 'event') {
      eventHandler(frame.name, frame.payload);
    }
  });
  socket.addEventListener('close', () => {
    for (const request of pending.values()) request.reject(new Error('closed'));
    pending.clear();
  });

  return {
    async invoke(channel, request) {
      await opened;
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        socket.send(JSON.stringify({ type: 'invoke', id, channel, payload: request }));
      });
    },
    onEvent(handler) {
      eventHandler = handler;
    },
  };
}
