import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appError } from '../../shared/errors';
import { createAppCore } from '../../main/core/app-core';
import { createLogger } from '../../main/logging/logger';
import { createMachineFileProtector } from '../../main/keys/device-protector';
import { startBrowserHost, type BrowserHost } from '../../main/browser-host/browser-host';
import { repoRoot } from '../support/browser-host-process';
import { connectRaw, TOKEN_COOKIE } from '../support/loopback-client';

let host: BrowserHost;
let cookie: string;
let firstLoad: Response;

function startHost(): Promise<BrowserHost> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-it-'));
  const logger = createLogger({ level: 'silent' });
  return startBrowserHost({
    port: 0,
    logger,
    rendererDir: path.join(repoRoot, 'dist/renderer'),
    browserPreloadFile: path.join(repoRoot, 'dist/browser-preload/browser-preload.js'),
    createCore: (origin) =>
      createAppCore({
        dataDir,
        host: 'browser-host',
        environment: 'development',
        version: '0.0.0-test',
        trustedOrigin: origin,
        logger,
        device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
        allowUnprotectedDevice: false,
        server: null,
      }),
  });
}

beforeAll(async () => {
  host = await startHost();
  firstLoad = await fetch(host.url, { redirect: 'manual' });
  cookie = (firstLoad.headers.get('set-cookie') ?? '').split(';')[0]!;
});

afterAll(async () => {
  await host.close();
});

const invoke = (id: number, channel: unknown, payload: unknown) =>
  JSON.stringify({ type: 'invoke', id, channel, payload });

describe('browser host HTTP', () => {
  it('refuses the page without the token', async () => {
    const response = await fetch(`${host.origin}/`);
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/one-time token/);
  });

  it('refuses a wrong token', async () => {
    const response = await fetch(`${host.origin}/?token=wrong`, { redirect: 'manual' });
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('trades the right token for an HttpOnly, SameSite=Strict cookie and drops it from the URL', () => {
    expect(firstLoad.status).toBe(303);
    expect(firstLoad.headers.get('location')).toBe('/');
    expect(firstLoad.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('opens the one-time address once: a second load of it (a second tab, a copied URL) is refused, with no cookie', async () => {
    const again = await fetch(host.url, { redirect: 'manual' });
    expect(again.status).toBe(403);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toMatch(/already been used/);
    // The first browser keeps working with its cookie.
    expect((await fetch(`${host.origin}/`, { headers: { cookie } })).status).toBe(200);
  });

  it('never accepts the token itself as the cookie', async () => {
    const token = new URL(host.url).searchParams.get('token') ?? '';
    expect(cookie).not.toContain(token);
    expect((await fetch(`${host.origin}/`, { headers: { cookie: `${TOKEN_COOKIE}=${token}` } })).status).toBe(403);
  });

  it('gives one cookie when 20 loads of the address race', async () => {
    const fresh = await startHost();
    try {
      const loads = await Promise.all(Array.from({ length: 20 }, () => fetch(fresh.url, { redirect: 'manual' })));
      expect(loads.map((load) => load.status).sort()).toEqual([303, ...Array<number>(19).fill(403)]);
      expect(loads.filter((load) => load.headers.get('set-cookie') !== null)).toHaveLength(1);
    } finally {
      await fresh.close();
    }
  });

  it('serves the page with the CSP and the preload before the app script', async () => {
    const response = await fetch(`${host.origin}/`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const html = await response.text();
    expect(html.indexOf('/__wardline/browser-preload.js')).toBeLessThan(html.indexOf('type="module"'));
  });

  it('refuses assets, and path traversal, without the cookie or outside the renderer', async () => {
    expect((await fetch(`${host.origin}/favicon.svg`)).status).toBe(403);
    expect((await fetch(`${host.origin}/favicon.svg`, { headers: { cookie } })).status).toBe(200);
    for (const probe of ['/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/../../package.json']) {
      const status = (await fetch(`${host.origin}${probe}`, { headers: { cookie } })).status;
      expect(status, probe).toBe(404);
    }
  });

  it('refuses methods other than GET', async () => {
    expect((await fetch(`${host.origin}/`, { method: 'POST', headers: { cookie } })).status).toBe(405);
  });
});

describe('browser host loopback IPC', () => {
  it('refuses a WebSocket without the token cookie, with a wrong one, with the token itself, or from another origin', async () => {
    await expect(connectRaw(host.origin, { origin: host.origin })).rejects.toThrow(/refused 403/);
    await expect(connectRaw(host.origin, { origin: host.origin, cookie: `${TOKEN_COOKIE}=nope` })).rejects.toThrow(
      /refused 403/,
    );
    const token = new URL(host.url).searchParams.get('token') ?? '';
    await expect(connectRaw(host.origin, { origin: host.origin, cookie: `${TOKEN_COOKIE}=${token}` })).rejects.toThrow(
      /refused 403/,
    );
    await expect(connectRaw(host.origin, { origin: 'http://evil.example', cookie })).rejects.toThrow(/refused 403/);
  });

  it('answers a valid request', async () => {
    const client = await connectRaw(host.origin, { origin: host.origin, cookie });
    expect(await client.request(invoke(1, 'session.getState', {}))).toEqual({
      type: 'result',
      id: 1,
      result: { ok: true, value: { state: 'signed-out' } },
    });
    client.close();
  });

  it('answers hostile frames with typed errors and keeps serving the same connection', async () => {
    const client = await connectRaw(host.origin, { origin: host.origin, cookie });
    const badFrame = { type: 'frame-error', error: appError('BAD_REQUEST') };
    expect(await client.request('{not json')).toEqual(badFrame);
    expect(await client.request(JSON.stringify({ type: 'invoke', id: 'x', channel: 'a.b', payload: {} }))).toEqual(
      badFrame,
    );
    expect(
      await client.request(JSON.stringify({ type: 'invoke', id: 1, channel: 'a.b', payload: {}, extra: 1 })),
    ).toEqual(badFrame);
    expect(await client.request(invoke(2, 'vault.dumpKeys', {}))).toEqual({
      type: 'result',
      id: 2,
      result: { ok: false, error: appError('UNKNOWN_CHANNEL') },
    });
    expect(await client.request(invoke(3, 'session.signIn', { userId: 7, password: 'x' }))).toMatchObject({
      result: { ok: false, error: { code: 'BAD_REQUEST' } },
    });
    expect(
      await client.request(invoke(4, 'session.signIn', { userId: 'a', password: 'b', role: 'it-admin' })),
    ).toMatchObject({
      result: { ok: false, error: { code: 'BAD_REQUEST' } },
    });
    expect(
      await client.request(invoke(5, 'session.signIn', { userId: 'a', password: 'p'.repeat(20_000) })),
    ).toMatchObject({
      result: { ok: false, error: { code: 'PAYLOAD_TOO_LARGE' } },
    });
    expect(await client.request(invoke(6, 'session.signOut', {}))).toMatchObject({
      result: { ok: false, error: { code: 'NOT_SIGNED_IN' } },
    });
    expect(await client.request(invoke(7, 'system.health', {}))).toMatchObject({
      result: { ok: true, value: { status: 'ok' } },
    });
    client.close();
  });

  it('drops a connection that sends an over-sized frame, and keeps serving others', async () => {
    const client = await connectRaw(host.origin, { origin: host.origin, cookie });
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    client.socket.send('x'.repeat(2 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const other = await connectRaw(host.origin, { origin: host.origin, cookie });
    expect(await other.request(invoke(1, 'system.health', {}))).toMatchObject({ result: { ok: true } });
    other.close();
  });
});
