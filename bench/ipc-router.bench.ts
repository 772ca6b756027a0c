/**
 * Cost of the IPC router's checks (sender, channel, permission, size, strict schema, response
 * validation) against calling the same handler directly, measured in the same run.
 */
import { createAppCore } from '../main/core/app-core';
import { createLogger } from '../main/logging/logger';
import type { Benchmark } from './bench-kit';
import { opsPerSecond } from './bench-kit';

const ORIGIN = 'app://wardline';

export const benchmark: Benchmark = {
  name: 'ipc-router',
  description: 'IPC dispatch through the validating router vs the bare handler',
  async run() {
    const core = createAppCore({
      dataDir: '/nonexistent',
      host: 'browser-host',
      environment: 'development',
      version: 'bench',
      trustedOrigin: ORIGIN,
      logger: createLogger({ level: 'silent' }),
      server: null,
      device: null,
      allowUnprotectedDevice: false,
    });
    const sender = { url: `${ORIGIN}/index.html`, isTopFrame: true };
    const request = { userId: 'nurse.adams', password: 'x'.repeat(32) };
    const direct = await opsPerSecond(() => ({ ok: true, value: { state: 'signed-out' } }));
    const routed = await opsPerSecond(() => core.router.dispatch('session.getState', {}, sender));
    const rejected = await opsPerSecond(() => core.router.dispatch('session.signIn', { ...request, extra: 1 }, sender));
    await core.close();
    return {
      routed_dispatch: { value: Math.round(routed), unit: 'ops/s', goal: '>= 10000' },
      baseline_direct: { value: Math.round(direct), unit: 'ops/s', goal: null },
      routed_vs_direct: { value: routed / direct, unit: 'ratio', goal: null },
      hostile_rejections: { value: Math.round(rejected), unit: 'ops/s', goal: '>= 10000' },
    };
  },
};
