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
 * Test tiers: `unit` (pure logic, no I/O), `integration` (main core, browser host, disk, server),
 * `security` (hostile payloads and hardening checks), `e2e` (real Chromium through the browser host).
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', maxWorkers: PARALLEL_FILES },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          maxWorkers: PARALLEL_FILES,
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
