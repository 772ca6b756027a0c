/**
 * A sign-out or lock stops a clinician's attachments (main/attachments/attachment-service.ts) and
 * then closes the vault. A sweep started just before meets the closed vault: that is the stop,
 * and it must not be logged as a problem (a normal start with demo seeding signs in and out
 * quickly and must log nothing). While the service runs, the same failure is reported.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attachmentFiles } from '../../../main/attachments/attachment-files';
import { attachmentMedia } from '../../../main/attachments/attachment-media';
import { createAttachmentService } from '../../../main/attachments/attachment-service';
import { createActionRecords } from '../../../main/messaging/action-records';
import { policySchema } from '../../../shared/policy/policy-schema';
import { openStore } from '../../../main/store/store-client';
import { randomKey, tempDir } from '../../support/vault-fixtures';

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

async function startService() {
  const root = tempDir('wardline-attachment-stop-');
  const store = await openStore(path.join(root, 'vault.db'), randomKey(), { create: true });
  const problems: string[] = [];
  const unreachable = () => Promise.reject(new Error('no server in this test'));
  const service = createAttachmentService({
    store,
    records: createActionRecords({ audit: () => Promise.resolve(), onRejected: (code) => problems.push(code) }),
    policy: () => policySchema.parse({}),
    media: attachmentMedia,
    blobs: { upload: unreachable, download: unreachable },
    files: attachmentFiles(path.join(root, 'attachments')),
    downloadsDir: root,
    now: () => Date.now(),
    newId: () => crypto.randomUUID(),
    setTimer: (run, ms) => {
      const timer = setTimeout(run, ms);
      return { cancel: () => clearTimeout(timer) };
    },
    onChanged: () => undefined,
    onProblem: (code) => problems.push(code),
  });
  stops.push(() => service.stop());
  return { store, service, problems };
}

/** Lets the sweep's calls to the vault settle. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));

describe('attachments stopped with the session', () => {
  it('say nothing when a sweep under way meets the vault closed after the stop', async () => {
    const { store, service, problems } = await startService();
    service.sweep();
    service.stop();
    await store.close();
    await settle();
    expect(problems).toEqual([]);
  });

  it('report a sweep that fails while they still run', async () => {
    const { store, service, problems } = await startService();
    await store.close();
    service.sweep();
    await settle();
    expect(problems).toContain('ATTACHMENT_SWEEP_FAILED');
  });
});
