/**
 * The workstation's disk fills up mid-shift (a real tiny tmpfs): sending says DISK_FULL, plainly,
 * and so does opening a conversation, because the view cannot be recorded in the audit trail
 * (fail closed). Nothing already stored is lost, and both work again once there is room.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { tempDir } from '../../support/vault-fixtures';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.hughes', 'nurse', 'Owen Hughes', 'Ward 2', 'Staff Nurse');
const doctor = account('dr.ibrahim', 'physician', 'Yasmin Ibrahim', 'Oncology', 'Registrar');
const mountPoint = path.join(tempDir('wardline-full-ws-'), 'disk');
const filler = path.join(mountPoint, 'filler');

let server: TestServer;
let a: Workstation;
let b: Workstation;

/** Writes until the disk refuses another byte. */
function fillDisk(): void {
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
}

beforeAll(async () => {
  mkdirSync(mountPoint);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'tmpfs', mountPoint], { stdio: 'ignore' });
  server = await startTestServer([nurse, doctor]);
  a = createWorkstation(server.endpoint, { dataDir: path.join(mountPoint, 'workstation') });
  b = createWorkstation(server.endpoint);
  await signIn(a, nurse);
  await signIn(b, doctor);
}, 60_000);

afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
  await server.server.close();
  execFileSync('umount', ['-l', mountPoint]);
});

describe('a full disk at the workstation', () => {
  it('refuses a send with DISK_FULL, keeps what was stored, and sends again once there is room', async () => {
    const first = await a.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'Before the disk filled',
      priority: 'routine',
      expiresInSeconds: null,
    });
    if (!first.ok) throw new Error(first.error.code);
    const conversationId = first.value.conversationId;
    await eventually(
      () => openThread(b, conversationId),
      (t) => t.messages.length === 1,
    );

    fillDisk();
    const long = 'Chemotherapy regimen review for bed 9. '.repeat(250);
    const refused = await a.call('message.send', {
      conversationId,
      text: long,
      priority: 'urgent',
      expiresInSeconds: null,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
    expect(JSON.stringify(refused)).not.toContain('Chemotherapy');
    expect(await a.call('conversation.open', { conversationId })).toMatchObject({
      ok: false,
      error: { code: 'DISK_FULL' },
    });

    rmSync(filler);
    expect((await openThread(a, conversationId)).messages.map((m) => m.text)).toEqual(['Before the disk filled']);
    expect(
      (
        await a.call('message.send', {
          conversationId,
          text: 'After clearing space',
          priority: 'routine',
          expiresInSeconds: null,
        })
      ).ok,
    ).toBe(true);
    const delivered = await eventually(
      () => openThread(b, conversationId),
      (t) => t.messages.length === 2,
    );
    expect(delivered.messages.map((m) => m.text)).toEqual(['Before the disk filled', 'After clearing space']);
  });
});
