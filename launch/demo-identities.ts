/**
 * Development only (the browser host's embedded demo; never packaged). Demo accounts are seeded
 * without identity keys, exactly like real ones, so until each has signed in once nobody can
 * message them and a lone tester could message nobody. This signs every demo account in once,
 * through the real core in a throwaway folder, so each publishes its keys the way a clinician's
 * first sign-in does. The code used is the previous TOTP step's, leaving the current one free
 * for the person who signs in next.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { createAppCore } from '../main/core/app-core';
import { createMachineFileProtector } from '../main/keys/device-protector';
import type { Logger } from '../main/logging/logger';
import type { ServerEndpoint } from '../main/server-link/server-endpoint';

const ORIGIN = 'app://wardline-demo-seed';
const SENDER = { url: `${ORIGIN}/`, isTopFrame: true };

interface DemoAccount {
  readonly userId: string;
  readonly password: string;
  readonly totpSecret: string;
}

/** Sign-ins at once: each is mostly key derivation, one core's worth on each side. */
const PARALLEL = 2;

/** Answers how many demo accounts now have keys. */
export async function publishDemoIdentities(
  endpoint: ServerEndpoint,
  accountsFile: string,
  logger: Logger,
  now = Date.now,
): Promise<number> {
  const accounts = JSON.parse(readFileSync(accountsFile, 'utf8')) as DemoAccount[];
  let published = 0;
  let next = 0;
  const worker = async () => {
    for (let account = accounts[next++]; account !== undefined; account = accounts[next++])
      if (await publishOne(endpoint, account, logger, now)) published += 1;
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return published;
}

async function publishOne(
  endpoint: ServerEndpoint,
  account: DemoAccount,
  logger: Logger,
  now: () => number,
): Promise<boolean> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'wardline-demo-seed-'));
  const core = createAppCore({
    dataDir,
    host: 'browser-host',
    environment: 'development',
    version: 'demo-seed',
    trustedOrigin: ORIGIN,
    logger,
    device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
    allowUnprotectedDevice: false,
    server: endpoint,
  });
  try {
    const first = await core.router.dispatch(
      'session.signIn',
      { userId: account.userId, password: account.password },
      SENDER,
    );
    const code = new OTPAuth.TOTP({
      secret: OTPAuth.Secret.fromBase32(account.totpSecret),
      period: 30,
      digits: 6,
    }).generate({
      timestamp: now() - 30_000,
    });
    const done = first.ok ? await core.router.dispatch('session.verifyMfa', { code }, SENDER) : first;
    if (!done.ok) logger.warn({ userId: account.userId, code: done.error.code }, 'demo identity not published');
    await core.router.dispatch('session.signOut', {}, SENDER);
    return done.ok;
  } finally {
    await core.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
