/**
 * Issue 19, item 1, HEIC: through the real cores and server (PGlite), a nurse attaches a phone's
 * HEIC photo carrying GPS, camera serial and a rotation; the physician's workstation receives a
 * JPEG, upright, named .jpg, with none of the photo's metadata, and the server never held it.
 */
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachFile } from '../../support/attach-file';
import { imageMetadataMarkers } from '../../support/attachment-fixtures';
import { HEIC_PHOTO, heicPhoto } from '../../support/heic-fixtures';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';
import { filesUnder } from '../../support/files-under';

const nurse = account('nurse.mbeki', 'nurse', 'Thandi Mbeki', 'Ward 4', 'Staff Nurse');
const doctor = account('dr.halvorsen', 'physician', 'Ingrid Halvorsen', 'Surgery', 'Consultant');

let server: TestServer;
let ward: Workstation;
let office: Workstation;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint);
  await Promise.all([signIn(ward, nurse), signIn(office, doctor)]);
}, 90_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close()]);
  await server.server.close();
});

const contains = (bytes: Uint8Array, text: string) => Buffer.from(bytes).includes(Buffer.from(text, 'latin1'));

describe('a HEIC photo sent by a nurse', () => {
  let shown: Buffer;

  it('arrives at the physician as an upright JPEG named .jpg, without metadata', async () => {
    const photo = heicPhoto();
    const draft = await attachFile(ward, { name: 'IMG_0042.HEIC', type: 'image/heic', bytes: photo });
    if (!draft.ok) throw new Error(draft.error.code);
    expect(draft.value).toMatchObject({ fileName: 'IMG_0042.jpg', mediaType: 'image/jpeg' });
    expect(draft.value.thumbnail).not.toBeNull();
    const sent = await ward.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'Pressure area, left heel',
      priority: 'routine',
      expiresInSeconds: null,
      attachments: [draft.value.draftId],
    });
    if (!sent.ok) throw new Error(sent.error.code);
    const { conversationId, messageId } = sent.value;

    await eventually(
      () => office.call('conversations.list', { offset: 0, limit: 10 }),
      (list) => list.ok && list.value.total > 0,
    );
    const received = await eventually(
      async () => (await openThread(office, conversationId)).messages.find((m) => m.id === messageId),
      (message) => message?.attachments[0]?.state === 'ready',
    );
    const attachment = received?.attachments[0];
    if (attachment === undefined) throw new Error('no attachment');
    expect([attachment.fileName, attachment.mediaType]).toEqual(['IMG_0042.jpg', 'image/jpeg']);
    expect(attachment.thumbnail).not.toBeNull();

    const opened = await office.call('attachment.open', { messageId, attachmentId: attachment.id });
    if (!opened.ok) throw new Error(opened.error.code);
    shown = Buffer.from(opened.value.data, 'base64');
    const meta = await sharp(shown).metadata();
    expect(meta.format).toBe('jpeg');
    expect([meta.width, meta.height]).toEqual([HEIC_PHOTO.width, HEIC_PHOTO.height]);
    expect([meta.exif, meta.xmp, meta.icc, meta.orientation]).toEqual([undefined, undefined, undefined, undefined]);
    expect(imageMetadataMarkers(shown)).toEqual([]);
    for (const trace of [...HEIC_PHOTO.traces, 'GPS']) expect(contains(shown, trace), trace).toBe(false);
    // Upright: the red block stored top left is top right.
    const { data } = await sharp(shown)
      .extract({ left: HEIC_PHOTO.width - 10, top: 10, width: 1, height: 1 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(180);
    expect(data[1]).toBeLessThan(80);
  });

  it("the server's data folder holds no byte of the photo, sent or shown", async () => {
    await Promise.all([ward.close(), office.close()]);
    await server.server.close();
    const photo = Buffer.from(heicPhoto());
    const windows = [photo, shown].flatMap((plain) =>
      [0, Math.floor(plain.length / 2), plain.length - 48].map((at) => plain.subarray(at, at + 48)),
    );
    for (const file of filesUnder(server.dataDir)) {
      const content = readFileSync(file);
      for (const window of windows) expect(content.includes(window), file).toBe(false);
      expect(content.includes(Buffer.from('SERIAL-7F3A-0042')), file).toBe(false);
    }
  });
});
