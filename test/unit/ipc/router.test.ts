import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Role } from '../../../shared/access/permission-matrix';
import { appError } from '../../../shared/errors';
import { channels, type ChannelSpec } from '../../../shared/ipc/contract';
import { fail, ok } from '../../../shared/ipc/result';
import { createRouter, type HandlersFor, type RouterLog } from '../../../main/ipc/router';

const ORIGIN = 'app://wardline';
const top = { url: `${ORIGIN}/index.html`, isTopFrame: true };

/** A small contract of its own, so every permission outcome can be exercised. */
const testContract = {
  'echo.say': {
    request: z.strictObject({ text: z.string().max(20) }),
    response: z.strictObject({ text: z.string() }),
    permission: null,
  },
  'audit.search': {
    request: z.strictObject({}),
    response: z.strictObject({ count: z.number() }),
    permission: 'audit.read',
  },
  'boom.throw': { request: z.strictObject({}), response: z.strictObject({}), permission: null },
  'boom.badAnswer': { request: z.strictObject({}), response: z.strictObject({ n: z.number() }), permission: null },
  'boom.refuse': { request: z.strictObject({}), response: z.strictObject({}), permission: null },
  'big.upload': {
    request: z.strictObject({ blob: z.string().max(100_000) }),
    response: z.strictObject({}),
    permission: null,
    maxRequestBytes: 1000,
  },
} as const satisfies Record<string, ChannelSpec>;

const handlers: HandlersFor<typeof testContract> = {
  'echo.say': ({ text }) => Promise.resolve(ok({ text })),
  'audit.search': () => Promise.resolve(ok({ count: 3 })),
  'boom.throw': () => Promise.reject(new Error('patient Jane Roe, MRN 12345678')),
  'boom.badAnswer': () => Promise.resolve(ok({ n: 'not a number' } as unknown as { n: number })),
  'boom.refuse': () => Promise.resolve(fail(appError('NOT_AVAILABLE'))),
  'big.upload': () => Promise.resolve(ok({})),
};

function makeRouter(role: Role | null = null) {
  const log: RouterLog = { rejected: vi.fn(), handlerFailed: vi.fn() };
  const router = createRouter({
    contract: testContract,
    handlers,
    trustedOrigin: ORIGIN,
    currentRole: () => role,
    log,
  });
  return { router, log };
}

describe('IPC router', () => {
  it('answers a valid request from the app frame', async () => {
    const { router } = makeRouter();
    expect(await router.dispatch('echo.say', { text: 'hi' }, top)).toEqual({ ok: true, value: { text: 'hi' } });
  });

  it.each([
    ['a subframe', { url: `${ORIGIN}/index.html`, isTopFrame: false }],
    ['another origin', { url: 'https://evil.example/', isTopFrame: true }],
    ['a file URL', { url: 'file:///etc/passwd', isTopFrame: true }],
    ['a look-alike host', { url: 'app://wardline.evil/index.html', isTopFrame: true }],
    ['an empty URL', { url: '', isTopFrame: true }],
  ])('refuses %s with FORBIDDEN_SENDER', async (_label, sender) => {
    const { router } = makeRouter();
    const result = await router.dispatch('echo.say', { text: 'hi' }, sender);
    expect(result).toEqual({ ok: false, error: appError('FORBIDDEN_SENDER') });
  });

  it.each(['nope.none', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 42, null, { channel: 'echo.say' }])(
    'refuses unknown channel %s',
    async (channel) => {
      const { router } = makeRouter();
      const result = await router.dispatch(channel, {}, top);
      expect(result).toEqual({ ok: false, error: appError('UNKNOWN_CHANNEL') });
    },
  );

  it.each([
    ['a wrong type', { text: 42 }],
    ['extra properties', { text: 'hi', admin: true }],
    ['a missing property', {}],
    ['an over-long string', { text: 'x'.repeat(21) }],
    ['null', null],
    ['an array', ['hi']],
    ['a string', 'hi'],
    ['undefined', undefined],
  ])('refuses %s with BAD_REQUEST', async (_label, payload) => {
    const { router } = makeRouter();
    expect(await router.dispatch('echo.say', payload, top)).toEqual({ ok: false, error: appError('BAD_REQUEST') });
  });

  it('refuses payloads that cannot be serialized (cycles, BigInt)', async () => {
    const { router } = makeRouter();
    const cyclic: Record<string, unknown> = { text: 'a' };
    cyclic.self = cyclic;
    expect(await router.dispatch('echo.say', cyclic, top)).toEqual({ ok: false, error: appError('BAD_REQUEST') });
    expect(await router.dispatch('echo.say', { text: 10n }, top)).toEqual({
      ok: false,
      error: appError('BAD_REQUEST'),
    });
  });

  it('refuses a request over the channel size limit before parsing it', async () => {
    const { router } = makeRouter();
    const result = await router.dispatch('big.upload', { blob: 'x'.repeat(5000) }, top);
    expect(result).toEqual({ ok: false, error: appError('PAYLOAD_TOO_LARGE') });
  });

  it('enforces the permission matrix against the signed-in role', async () => {
    expect(await makeRouter(null).router.dispatch('audit.search', {}, top)).toEqual({
      ok: false,
      error: appError('NOT_SIGNED_IN'),
    });
    expect(await makeRouter('nurse').router.dispatch('audit.search', {}, top)).toEqual({
      ok: false,
      error: appError('NOT_PERMITTED'),
    });
    expect(await makeRouter('compliance-officer').router.dispatch('audit.search', {}, top)).toEqual({
      ok: true,
      value: { count: 3 },
    });
  });

  it('turns a thrown handler error into INTERNAL without its text', async () => {
    const { router, log } = makeRouter();
    const result = await router.dispatch('boom.throw', {}, top);
    expect(result).toEqual({ ok: false, error: appError('INTERNAL') });
    expect(JSON.stringify(result)).not.toMatch(/Jane|12345678|stack/);
    expect(log.handlerFailed).toHaveBeenCalledWith('boom.throw', 'Error');
    expect(JSON.stringify(vi.mocked(log.handlerFailed).mock.calls)).not.toMatch(/Jane/);
  });

  it('refuses to pass on an answer that breaks the contract', async () => {
    const { router, log } = makeRouter();
    expect(await router.dispatch('boom.badAnswer', {}, top)).toEqual({ ok: false, error: appError('INTERNAL') });
    expect(log.handlerFailed).toHaveBeenCalledWith('boom.badAnswer', 'ResponseContractViolation');
  });

  it('passes a handler’s typed error through unchanged', async () => {
    const { router } = makeRouter();
    expect(await router.dispatch('boom.refuse', {}, top)).toEqual({ ok: false, error: appError('NOT_AVAILABLE') });
  });

  it('logs rejections by channel and code only, never the payload', async () => {
    const { router, log } = makeRouter();
    await router.dispatch('echo.say', { text: 'Jane Roe DOB 1970-01-01' }, top);
    expect(log.rejected).toHaveBeenCalledWith('echo.say', 'BAD_REQUEST');
    expect(JSON.stringify(vi.mocked(log.rejected).mock.calls)).not.toContain('Jane');
  });
});

describe('the real contract', () => {
  it('declares a permission (or null) for every channel, and null only for sign-in and lock-screen channels', () => {
    const open = Object.entries(channels)
      .filter(([, spec]) => spec.permission === null)
      .map(([name]) => name);
    expect(open.sort()).toEqual([
      'app.getInfo',
      'policy.get',
      'server.getInfo',
      'session.cancelSignIn',
      'session.enroll',
      'session.getState',
      'session.signIn',
      'session.switchUser',
      'session.unlock',
      'session.verifyMfa',
      'system.health',
    ]);
  });

  it('uses strict request schemas everywhere', () => {
    for (const [name, spec] of Object.entries(channels)) {
      const probe = spec.request.safeParse({ __unexpected: true });
      expect(probe.success, `${name} accepted an unknown property`).toBe(false);
    }
  });
});
