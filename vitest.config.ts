import os from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Test files at once in the parallel tiers: one more than the cores. Vitest's default (cores − 1)
 * runs one file at a time on a 2-core CI machine, where most files wait on a server, a child
 * process or a timer rather than the CPU. The e2e tier runs after the rest (a later group), two
 * files at a time: each drives Chromium against its own server and hosts on ports of their own
 * choosing, in folders of their own, and spends much of its time waiting on the page.
 */
const PARALLEL_FILES = os.availableParallelism() + 1;
const E2E_FILES = 2;

/**
 * Test files of the node tiers share their worker's module graph (`isolate: false`): on this
 * 2-core machine the suite is CPU-bound, and importing the core and the server anew for every
 * file cost about a third of the integration tier's CPU (measured on test/integration/messaging
 * and session: 377 s → 258 s). What a module holds therefore carries over from the file before
 * in the same worker: the worker counters (spawn-worker.ts) and the process's KDF standby
 * (password-kdf.ts) among them. A file that asserts on such state counts only its own kind and
 * clears what an earlier file left (see password-kdf.test.ts). The e2e tier stays isolated.
 */
const SHARED_MODULES = { isolate: false } as const;

/**
 * Test tiers: `unit` (pure logic, no I/O), `integration` (main core, browser host, disk, server),
 * `security` (hostile payloads and hardening checks), `e2e` (real Chromium through the browser host).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          maxWorkers: PARALLEL_FILES,
          ...SHARED_MODULES,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          maxWorkers: PARALLEL_FILES,
          ...SHARED_MODULES,
          testTimeout: 30_000,
          globalSetup: ['test/support/build-web.ts'],
        },
      },
      {
        test: {
          name: 'security',
          include: ['test/security/**/*.test.ts'],
          environment: 'node',
          maxWorkers: PARALLEL_FILES,
          ...SHARED_MODULES,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          globalSetup: ['test/support/build-web.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: E2E_FILES,
          sequence: { groupOrder: 1 },
          globalSetup: ['test/support/build-web.ts'],
        },
      },
    ],
  },
});
