/**
 * The page as an attacker would see it, in real Chromium through the browser host: no Node, a
 * frozen bridge, typed refusals for hostile payloads, a CSP that blocks injected script, and a
 * core that keeps serving afterwards.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appError } from '../../shared/errors';
import { launchChromium } from '../support/chromium';
import { startHostProcess, type HostProcess } from '../support/browser-host-process';

let host: HostProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  host = await startHostProcess();
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(host.url);
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
});

afterAll(async () => {
  await browser.close();
  await host.stop();
});

describe('renderer isolation in Chromium', () => {
  it('gives the page no Node or Electron globals', async () => {
    const globals = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return ['require', 'process', 'module', 'exports', 'ipcRenderer', 'Buffer', 'global', 'electron'].filter(
        (name) => typeof w[name] !== 'undefined',
      );
    });
    expect(globals).toEqual([]);
  });

  it('exposes window.wardline frozen, non-writable and non-configurable, members included', async () => {
    const report = await page.evaluate(() => {
      const api = window.wardline as unknown as Record<string, Record<string, unknown>>;
      const descriptor = Object.getOwnPropertyDescriptor(window, 'wardline');
      const members = Object.keys(api).every((area) => Object.isFrozen(api[area]));
      let replaced = false;
      try {
        (window as unknown as Record<string, unknown>).wardline = { session: {} };
        replaced = (window.wardline as unknown) !== api;
      } catch {
        replaced = false;
      }
      let methodSwapped = false;
      try {
        api.session!.signIn = () => 'stolen';
        methodSwapped = (api.session!.signIn as () => unknown)() === 'stolen';
      } catch {
        methodSwapped = false;
      }
      return {
        frozen: Object.isFrozen(api),
        members,
        writable: descriptor?.writable,
        configurable: descriptor?.configurable,
        replaced,
        methodSwapped,
        keys: Object.keys(api).sort(),
      };
    });
    expect(report).toEqual({
      frozen: true,
      members: true,
      writable: false,
      configurable: false,
      replaced: false,
      methodSwapped: false,
      keys: [
        'admin',
        'app',
        'attachment',
        'audit',
        'availability',
        'connection',
        'contact',
        'conversation',
        'conversations',
        'directory',
        'events',
        'holds',
        'lead',
        'message',
        'policy',
        'search',
        'server',
        'session',
        'sessions',
        'system',
        'templates',
      ],
    });
  });

  it('refuses wrong-typed, extra-property and oversized payloads with typed errors', async () => {
    const codes = await page.evaluate(async () => {
      const signIn = window.wardline!.session.signIn as unknown as (
        request: unknown,
      ) => Promise<{ ok: boolean; error?: { code: string } }>;
      const results = await Promise.all([
        signIn({ userId: 42, password: 'x' }),
        signIn({ userId: 'nurse', password: 'x', role: 'it-admin' }),
        signIn({ userId: 'u'.repeat(100_000), password: 'x' }),
        signIn('nurse'),
      ]);
      return results.map((result) => result.error?.code);
    });
    expect(codes).toEqual(['BAD_REQUEST', 'BAD_REQUEST', 'PAYLOAD_TOO_LARGE', 'BAD_REQUEST']);
  });

  it('refuses the Administration area to a page nobody signed in to, whatever it sends', async () => {
    const codes = await page.evaluate(async () => {
      type Call = (request: unknown) => Promise<{ ok: boolean; error?: { code: string } }>;
      const admin = window.wardline!.admin as unknown as Record<string, Call>;
      const results = await Promise.all([
        admin.searchPeople!({ query: '', after: null }),
        admin.deactivate!({ userId: 'nurse.adams' }),
        admin.endSession!({ userId: 'nurse.adams', sessionId: 'not-a-uuid', extra: true }),
        admin.reauthenticate!({ password: 'guess', code: '123456' }),
      ]);
      return results.map((result) => result.error?.code);
    });
    expect(codes).toEqual(['NOT_SIGNED_IN', 'NOT_SIGNED_IN', 'NOT_SIGNED_IN', 'NOT_SIGNED_IN']);
  });

  it('refuses unknown channels sent on the raw wire, and the core keeps serving', async () => {
    const answers = await page.evaluate(
      () =>
        new Promise<unknown[]>((resolve) => {
          const socket = new WebSocket(`ws://${location.host}/__wardline/ipc`);
          const seen: unknown[] = [];
          socket.onmessage = (message: MessageEvent<string>) => {
            seen.push(JSON.parse(message.data));
            if (seen.length === 3) resolve(seen);
          };
          socket.onopen = () => {
            socket.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'vault.exportKeys', payload: {} }));
            socket.send('}{');
            socket.send(JSON.stringify({ type: 'invoke', id: 2, channel: 'system.health', payload: {} }));
          };
        }),
    );
    // Answers arrive as each request completes, not in sending order.
    expect(answers).toHaveLength(3);
    expect(answers).toEqual(
      expect.arrayContaining([
        { type: 'result', id: 1, result: { ok: false, error: appError('UNKNOWN_CHANNEL') } },
        { type: 'frame-error', error: appError('BAD_REQUEST') },
        {
          type: 'result',
          id: 2,
          result: { ok: true, value: { status: 'ok', uptimeSeconds: expect.any(Number) as number } },
        },
      ]),
    );
    const health = await page.evaluate(() => window.wardline!.system.health());
    expect(health.ok).toBe(true);
  });

  it('blocks injected inline script and remote loads by CSP', async () => {
    const outcome = await page.evaluate(
      () =>
        new Promise<{ ran: boolean; violations: string[] }>((resolve) => {
          const violations: string[] = [];
          document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
          const script = document.createElement('script');
          script.textContent = 'window.__pwned = true';
          document.body.append(script);
          const image = document.createElement('img');
          image.src = 'https://tracker.example/pixel.png';
          document.body.append(image);
          setTimeout(
            () => resolve({ ran: (window as unknown as { __pwned?: boolean }).__pwned === true, violations }),
            300,
          );
        }),
    );
    expect(outcome.ran).toBe(false);
    expect(outcome.violations).toEqual(expect.arrayContaining(['script-src-elem', 'img-src']));
  });

  it('refuses the page at an address without the token', async () => {
    const other = await browser.newPage();
    const response = await other.goto(`${host.origin}/`);
    expect(response?.status()).toBe(403);
    expect(await other.locator('body').innerText()).toMatch(/Refused/);
    await other.close();
  });
});
