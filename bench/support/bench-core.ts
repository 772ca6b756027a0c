/**
 * A real main-process core for the benches (`createAppCore`, as Electron's main builds it, on a
 * machine-file device key), driven through its IPC router as the renderer drives it.
 */
import { mkdtempSync } from 'node:fs';
import path from 'node:path';
import { createAppCore, type AppCore } from '../../main/core/app-core';
import { createMachineFileProtector } from '../../main/keys/device-protector';
import { createLogger } from '../../main/logging/logger';
import type { ServerEndpoint } from '../../main/server-link/server-endpoint';
import type { ChannelName, RequestOf } from '../../shared/ipc/contract';
import { totpCode, type BenchAccount } from './clients';

const ORIGIN = 'app://wardline';
const SENDER_FRAME = { url: `${ORIGIN}/index.html`, isTopFrame: true };

/** A core with its data in a new `core-*` folder under `parentDir`, talking to `server`. */
export function createBenchCore(parentDir: string, server: ServerEndpoint): AppCore {
  const dataDir = mkdtempSync(path.join(parentDir, 'core-'));
  return createAppCore({
    dataDir,
    host: 'browser-host',
    environment: 'development',
    version: '0.0.0-bench',
    trustedOrigin: ORIGIN,
    logger: createLogger({ level: 'silent' }),
    device: createMachineFileProtector(path.join(dataDir, 'machine', 'device-secret')),
    allowUnprotectedDevice: false,
    server,
  });
}

/** `channel` through the core's router from the app's own page; answers the value or throws the error code. */
export async function dispatch<C extends ChannelName>(
  core: AppCore,
  channel: C,
  payload: RequestOf<C>,
): Promise<unknown> {
  const result = (await core.router.dispatch(channel, payload, SENDER_FRAME)) as
    { ok: true; value: unknown } | { ok: false; error: { code: string } };
  if (!result.ok) throw new Error(`${channel}: ${result.error.code}`);
  return result.value;
}

/** Password, then TOTP, through the router: the core ends unlocked (and its device registered). */
export async function signIn(core: AppCore, account: BenchAccount): Promise<void> {
  const step = (await dispatch(core, 'session.signIn', { userId: account.userId, password: account.password })) as {
    step: string;
  };
  if (step.step !== 'mfa') throw new Error(`sign-in: ${step.step}`);
  const state = (await dispatch(core, 'session.verifyMfa', { code: totpCode(account) })) as { state: string };
  if (state.state !== 'unlocked') throw new Error(`sign-in: ${state.state}`);
}
