import { describe, expect, it } from 'vitest';
import { appError } from '../../../shared/errors';
import { channels } from '../../../shared/ipc/contract';
import { createWardlineApi } from '../../../preload/api-factory';
import type { BridgeTransport } from '../../../preload/bridge-transport';

/** A transport that records requests and answers from a table; events are pushed by the test. */
function tableTransport(answer: (channel: string, request: unknown) => unknown) {
  const sent: { channel: string; request: unknown }[] = [];
  let push: (name: unknown, payload: unknown) => void = () => undefined;
  const transport: BridgeTransport = {
    invoke: (channel, request) => {
      sent.push({ channel, request });
      return Promise.resolve(answer(channel, request));
    },
    onEvent: (handler) => (push = handler),
  };
  return { transport, sent, push: (name: unknown, payload: unknown) => push(name, payload) };
}

describe('preload API factory', () => {
  it('exposes one method per contract channel, grouped by area', () => {
    const api = createWardlineApi(tableTransport(() => null).transport) as unknown as Record<
      string,
      Record<string, unknown>
    >;
    for (const name of Object.keys(channels)) {
      const [area, method] = name.split('.') as [string, string];
      expect(typeof api[area]?.[method], name).toBe('function');
    }
  });

  it('is deeply frozen', () => {
    const api = createWardlineApi(tableTransport(() => null).transport);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.session)).toBe(true);
    expect(Object.isFrozen(api.session.signIn)).toBe(true);
    expect(Object.isFrozen(api.events)).toBe(true);
    expect(() => {
      (api.session as unknown as Record<string, unknown>).signIn = () => 'hijacked';
    }).toThrow(TypeError);
  });

  it('sends the channel name and an empty object for argument-less calls', async () => {
    const { transport, sent } = tableTransport(() => ({ ok: true, value: { state: 'signed-out' } }));
    const api = createWardlineApi(transport);
    expect(await api.session.getState()).toEqual({ ok: true, value: { state: 'signed-out' } });
    expect(sent).toEqual([{ channel: 'session.getState', request: {} }]);
  });

  it('answers DISCONNECTED when the transport fails, instead of throwing', async () => {
    const transport: BridgeTransport = { invoke: () => Promise.reject(new Error('gone')), onEvent: () => undefined };
    expect(await createWardlineApi(transport).system.health()).toEqual({ ok: false, error: appError('DISCONNECTED') });
  });

  it('answers INTERNAL when main’s answer does not match the contract', async () => {
    const { transport } = tableTransport(() => ({ ok: true, value: { state: 'hacked' } }));
    expect(await createWardlineApi(transport).session.getState()).toEqual({ ok: false, error: appError('INTERNAL') });
  });

  it('delivers valid event payloads only, and never a transport event object', () => {
    const { transport, push } = tableTransport(() => null);
    const api = createWardlineApi(transport);
    const seen: unknown[] = [];
    const stop = api.events.subscribe('session.changed', (payload) => seen.push(payload));
    push('session.changed', { state: 'signed-out' });
    push('session.changed', { state: 'signed-out', sender: { send: () => 1 } });
    push('unknown.event', { state: 'signed-out' });
    push('session.changed', 'not an object');
    expect(seen).toEqual([{ state: 'signed-out' }]);
    stop();
    push('session.changed', { state: 'signed-out' });
    expect(seen).toHaveLength(1);
  });

  it('ignores subscriptions to unknown events', () => {
    const api = createWardlineApi(tableTransport(() => null).transport);
    const stop = (api.events.subscribe as (name: string, listener: () => void) => () => void)('nope', () => undefined);
    expect(typeof stop).toBe('function');
  });
});
