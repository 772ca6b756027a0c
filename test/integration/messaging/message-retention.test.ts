/**
 * Workstation-side retention (issue 20) through the real core, vault and server: with
 * `messageRetentionDays` in machine policy, an unlock removes the clinician's messages the server
 * accepted more than that many days ago (by the workstation's clock, held here by the test),
 * with their attachment files, search entries and receipts; the trail has one record with the
 * bound and counts. The feed does not bring them back; scrolling back fetches them from the
 * server's history, and the next run removes them again. Without the policy nothing goes.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestOf } from '../../../shared/ipc/contract';
import { DAY_MS } from '../../../main/messaging/retention-bound';
import { attachFile } from '../../support/attach-file';
import { pngWithText } from '../../support/attachment-fixtures';
import { tap, type Tap } from '../../support/audit-tap';
import { filesUnder } from '../../support/files-under';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';

const nurse = account('nurse.mbeki', 'nurse', 'Thandi Mbeki', 'Ward 5', 'Staff Nurse');
const doctor = account('dr.sorensen', 'physician', 'Lars Sorensen', 'Nephrology', 'Registrar');
const DAYS = 30;
/** No session tick during the test: the clocks jump by days, and idle lock is not what is tested. */
const NO_TICK = 3_600_000;

let server: TestServer;
/** The nurse, with no retention in policy. */
let ward: Workstation;
/** The doctor, where policy keeps messages 30 days. */
let office: Workstation;
let officeTap: Tap;
let wardTap: Tap;
/** Each workstation's clock: real until the test holds it. */
let officeAt: number | null = null;
let wardAt: number | null = null;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  ward = createWorkstation(server.endpoint, { now: () => wardAt ?? Date.now(), sessionTickMs: NO_TICK });
  office = createWorkstation(server.endpoint, {
    now: () => officeAt ?? Date.now(),
    sessionTickMs: NO_TICK,
    policy: { messageRetentionDays: DAYS },
  });
  await signIn(ward, nurse);
  await signIn(office, doctor);
  [wardTap, officeTap] = await Promise.all([tap(ward), tap(office)]);
}, 90_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close()]);
  await server.server.close();
});

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function send(request: RequestOf<'message.send'>): Promise<{ conversationId: string; messageId: string }> {
  const sent = await ward.call('message.send', request);
  if (!sent.ok) throw new Error(sent.error.code);
  return sent.value;
}

/** Locks and unlocks with the password: the unlock starts messaging, and with it a retention run. */
async function relock(station: Workstation, password: string): Promise<void> {
  expect((await station.call('session.lock', {})).ok).toBe(true);
  const unlocked = await station.call('session.unlock', { password });
  expect(unlocked.ok && unlocked.value.state).toBe('unlocked');
}

const retentionRecords = (t: Tap) => t.written.filter((r) => r.action === 'vault.retention-applied');
/** The office's runs with this bound (the run at sign-in, with the real clock, has another). */
const runsAtBound = (removedBefore: number) =>
  retentionRecords(officeTap).filter(
    (r) => r.object.kind === 'message-retention' && r.object.removedBefore === removedBefore,
  );
const notices = () => office.events.filter((e) => e.name === 'notification.show').length;
const attachmentFiles = (station: Workstation) =>
  filesUnder(station.dataDir).filter((file) => file.includes(`${path.sep}attachments${path.sep}`));
const searchIds = async (station: Workstation, query: string) => {
  const found = await station.call('search.messages', { query });
  if (!found.ok) throw new Error(found.error.code);
  return found.value.results.map((r) => r.messageId);
};

describe('local message retention', () => {
  let conversationId = '';
  const sent: { messageId: string; sentAt: number }[] = [];

  it('removes at unlock what is older than the bound, with its attachment file and search entry, and records counts only', async () => {
    const photo = await attachFile(ward, { name: 'fistula.png', type: 'image/png', bytes: await pngWithText() });
    if (!photo.ok) throw new Error(photo.error.code);
    const first = await send({
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'Fistula thrill weak overnight',
      priority: 'routine',
      expiresInSeconds: null,
      attachments: [photo.value.draftId],
    });
    conversationId = first.conversationId;
    await pause(20);
    await send({ conversationId, text: 'Creatinine trending down', priority: 'routine', expiresInSeconds: null });
    await pause(20);
    await send({ conversationId, text: 'Dialysis slot confirmed', priority: 'routine', expiresInSeconds: null });

    const before = await eventually(
      () => openThread(office, conversationId),
      (t) => t.messages.length === 3 && t.messages[0]!.attachments.every((a) => a.state === 'ready'),
    );
    sent.push(...before.messages.map((m) => ({ messageId: m.id, sentAt: m.sentAt })));
    expect(attachmentFiles(office)).toHaveLength(1);
    expect(await searchIds(office, 'fistula')).toEqual([sent[0]!.messageId]);

    // The office's clock stands exactly 30 days after the second message was accepted: the
    // first is older than the bound, the second is at it and stays.
    officeAt = sent[1]!.sentAt + DAYS * DAY_MS;
    await relock(office, doctor.password);
    await eventually(
      () => Promise.resolve(runsAtBound(sent[1]!.sentAt)),
      (records) => records.length === 1,
    );

    const after = await openThread(office, conversationId);
    expect(after.messages.map((m) => m.id)).toEqual([sent[1]!.messageId, sent[2]!.messageId]);
    // Older messages are still offered: from the server's history.
    expect(after.more).toBe(true);
    expect(await searchIds(office, 'fistula')).toEqual([]);
    await eventually(
      () => Promise.resolve(attachmentFiles(office)),
      (files) => files.length === 0,
    );

    const [record] = runsAtBound(sent[1]!.sentAt);
    expect(record).toMatchObject({
      actor: { userId: doctor.userId },
      object: {
        kind: 'message-retention',
        days: DAYS,
        removedBefore: sent[1]!.sentAt,
        messages: 1,
        attachments: 1,
      },
      patient: null,
      outcome: 'success',
    });
    const text = JSON.stringify(record);
    for (const secret of ['Fistula', 'fistula.png', sent[0]!.messageId, conversationId])
      expect(text).not.toContain(secret);
  }, 90_000);

  it('the feed does not bring a removed message back', async () => {
    const received = () =>
      officeTap.written.filter(
        (r) => r.action === 'message.received' && r.object.kind === 'message' && r.object.id === sent[0]!.messageId,
      ).length;
    const receivedBefore = received();
    const noticesBefore = notices();
    // New traffic on the feed, and a reconnect from the stored cursor (the unlock above).
    const next = await send({ conversationId, text: 'Bloods at six', priority: 'routine', expiresInSeconds: null });
    const thread = await eventually(
      () => openThread(office, conversationId),
      (t) => t.messages.some((m) => m.id === next.messageId),
    );
    expect(thread.messages.map((m) => m.id)).not.toContain(sent[0]!.messageId);
    expect(received()).toBe(receivedBefore);
    // A new message is news.
    expect(notices()).toBeGreaterThan(noticesBefore);
  }, 60_000);

  it('scrolling back fetches a removed message from the server; shown this session, it goes again at the next run', async () => {
    const noticesBefore = notices();
    const older = await office.call('conversation.loadOlder', { conversationId, before: sent[1]!.sentAt });
    expect(older.ok && older.value.messages.map((m) => [m.id, m.text])).toEqual([
      [sent[0]!.messageId, 'Fistula thrill weak overnight'],
    ]);
    expect(older.ok && older.value.more).toBe(false);
    // Stored again, its attachment fetched again.
    const whole = await eventually(
      () => openThread(office, conversationId),
      (t) => t.messages[0]?.attachments.every((a) => a.state === 'ready') === true,
    );
    expect(whole.messages[0]?.id).toBe(sent[0]!.messageId);
    expect(attachmentFiles(office)).toHaveLength(1);
    // An old message fetched again is not news: no notice.
    expect(notices()).toBe(noticesBefore);
    expect(await searchIds(office, 'fistula')).toEqual([sent[0]!.messageId]);

    await relock(office, doctor.password);
    await eventually(
      () => Promise.resolve(runsAtBound(sent[1]!.sentAt)),
      (records) => records.length === 2,
    );
    expect(runsAtBound(sent[1]!.sentAt)[1]?.object).toMatchObject({ messages: 1, removedBefore: sent[1]!.sentAt });
    const again = await openThread(office, conversationId);
    expect(again.messages.map((m) => m.id)).not.toContain(sent[0]!.messageId);
    expect(await searchIds(office, 'fistula')).toEqual([]);
    await eventually(
      () => Promise.resolve(attachmentFiles(office)),
      (files) => files.length === 0,
    );
  }, 90_000);

  it('without the policy, a workstation removes nothing however old', async () => {
    const kept = (await openThread(ward, conversationId)).messages.map((m) => m.id);
    expect(kept).toHaveLength(4);
    wardAt = Date.now() + 3650 * DAY_MS;
    await relock(ward, nurse.password);
    await pause(300);
    expect((await openThread(ward, conversationId)).messages.map((m) => m.id)).toEqual(kept);
    expect(retentionRecords(wardTap)).toEqual([]);
    expect(attachmentFiles(ward)).toHaveLength(1);
  }, 60_000);
});
