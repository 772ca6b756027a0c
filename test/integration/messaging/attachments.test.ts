/**
 * Issue 19, item 1, through the real cores and server (PGlite): a nurse attaches a phone photo
 * carrying GPS and a PDF, the physician's workstation fetches, decrypts and checks both, and
 * opening one is recorded. What the server holds is ciphertext only (its whole data folder is
 * scanned); the photo that arrives has no metadata; a recall takes the blobs off the server and
 * the bytes off the physician's vault; policy refuses a 200 MB file before a byte moves, and
 * allows saving only where it says so.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../../shared/ipc/contract';
import { attachFile } from '../../support/attach-file';
import { imageMetadataMarkers, jpegWithGps, pdfWithText, PHOTO_EXIF } from '../../support/attachment-fixtures';
import { tap, type Tap } from '../../support/audit-tap';
import { account, signIn, startTestServer, type TestServer } from '../../support/messaging-server';
import { createWorkstation, eventually, openThread, type Workstation } from '../../support/workstation';
import { filesUnder } from '../../support/files-under';

const nurse = account('nurse.osei', 'nurse', 'Ama Osei', 'Ward 7', 'Staff Nurse');
const doctor = account('dr.lindqvist', 'physician', 'Erik Lindqvist', 'Surgery', 'Registrar');

let server: TestServer;
let ward: Workstation;
/** The physician, where policy lets attachments be saved. */
let office: Workstation;
let officeTap: Tap;

beforeAll(async () => {
  server = await startTestServer([nurse, doctor]);
  ward = createWorkstation(server.endpoint);
  office = createWorkstation(server.endpoint, { policy: { attachmentSaving: 'save' } });
  await Promise.all([signIn(ward, nurse), signIn(office, doctor)]);
  officeTap = await tap(office);
}, 90_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close()]);
  await server.server.close();
});

/** Attachment files in a workstation's vaults. */
const attachmentFilesUnder = (dir: string) =>
  filesUnder(dir).filter((file) => file.includes(`${path.sep}attachments${path.sep}`));

/** The message with attachments, once every one is fetched (or settled). */
async function settled(station: Workstation, conversationId: string): Promise<MessageView> {
  const message = await eventually(
    async () => (await openThread(station, conversationId)).messages.find((m) => m.attachments.length > 0),
    (found) => found !== undefined && found.attachments.every((a) => a.state !== 'fetching'),
  );
  if (message === undefined) throw new Error('no message with attachments');
  return message;
}

describe('attachments end to end in main', () => {
  let conversationId = '';
  let messageId = '';
  let photoPlain: Buffer;
  const pdf = pdfWithText();
  /** Windows of both files' plaintext, as a scan looks for them. */
  const plaintextWindows = () =>
    [photoPlain, Buffer.from(pdf)].flatMap((plain) =>
      [0, Math.floor(plain.length / 2), plain.length - 48].map((at) => plain.subarray(at, at + 48)),
    );

  it('a photo and a PDF go sealed, arrive checked, and the photo has lost its metadata', async () => {
    const photo = await jpegWithGps();
    const photoDraft = await attachFile(ward, { name: 'wound 1.jpg', type: 'image/jpeg', bytes: photo.bytes });
    const pdfDraft = await attachFile(ward, { name: 'discharge.pdf', type: 'application/pdf', bytes: pdf });
    if (!photoDraft.ok || !pdfDraft.ok) throw new Error('attach failed');
    expect(photoDraft.value).toMatchObject({ fileName: 'wound 1.jpg', mediaType: 'image/jpeg' });
    expect(photoDraft.value.thumbnail).not.toBeNull();
    const sent = await ward.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'Wound this morning, and the discharge letter',
      priority: 'routine',
      expiresInSeconds: null,
      attachments: [photoDraft.value.draftId, pdfDraft.value.draftId],
    });
    if (!sent.ok) throw new Error(sent.error.code);
    ({ conversationId, messageId } = sent.value);
    // A draft goes with one message only.
    const again = await ward.call('message.send', {
      conversationId,
      text: 'again',
      priority: 'routine',
      expiresInSeconds: null,
      attachments: [photoDraft.value.draftId],
    });
    expect(again.ok || again.error.code).toBe('NOT_FOUND');

    await eventually(
      () => office.call('conversations.list', { offset: 0, limit: 10 }),
      (list) => list.ok && list.value.total > 0,
    );
    const received = await settled(office, conversationId);
    expect(received.attachments.map((a) => [a.fileName, a.mediaType, a.state])).toEqual([
      ['wound 1.jpg', 'image/jpeg', 'ready'],
      ['discharge.pdf', 'application/pdf', 'ready'],
    ]);
    expect(received.attachments[0]?.thumbnail).not.toBeNull();

    const [shownPhoto, shownPdf] = await Promise.all(
      received.attachments.map((a) => office.call('attachment.open', { messageId, attachmentId: a.id })),
    );
    if (!shownPhoto?.ok || !shownPdf?.ok) throw new Error('open failed');
    expect(Buffer.from(shownPdf.value.data, 'base64').equals(Buffer.from(pdf))).toBe(true);
    photoPlain = Buffer.from(shownPhoto.value.data, 'base64');
    expect(imageMetadataMarkers(photoPlain)).toEqual([]);
    const meta = await sharp(photoPlain).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    // Turned upright from orientation 6: width and height swap.
    expect([meta.width, meta.height]).toEqual([photo.storedHeight, photo.storedWidth]);
    expect(photoPlain.includes(Buffer.from(PHOTO_EXIF.serial))).toBe(false);

    const opened = officeTap.written.filter((record) => record.action === 'attachment.opened');
    expect(opened).toHaveLength(2);
    expect(opened[0]?.object).toEqual({ kind: 'message', id: messageId, conversationId });
    expect(JSON.stringify(officeTap.written)).not.toContain('wound 1');
  });

  it("a workstation's data folder holds only ciphertext of either file", () => {
    const windows = plaintextWindows();
    // The photo and the PDF, each as one file on each side.
    expect(attachmentFilesUnder(office.dataDir)).toHaveLength(2);
    expect(attachmentFilesUnder(ward.dataDir)).toHaveLength(2);
    for (const station of [office, ward])
      for (const file of filesUnder(station.dataDir).filter((name) => !name.includes('saved-attachments'))) {
        const content = readFileSync(file);
        for (const window of windows) expect(content.includes(window), file).toBe(false);
      }
  });

  it('saves only where policy allows, to a new file each time, and records it', async () => {
    const sentCopy = await settled(ward, conversationId);
    const refused = await ward.call('attachment.save', { messageId, attachmentId: sentCopy.attachments[0]!.id });
    expect(refused.ok || refused.error.code).toBe('ATTACHMENT_SAVE_NOT_ALLOWED');

    const first = await office.call('attachment.save', { messageId, attachmentId: sentCopy.attachments[1]!.id });
    const second = await office.call('attachment.save', { messageId, attachmentId: sentCopy.attachments[1]!.id });
    expect([first.ok && first.value.fileName, second.ok && second.value.fileName]).toEqual([
      'discharge.pdf',
      'discharge (2).pdf',
    ]);
    const saved = readFileSync(path.join(office.dataDir, 'saved-attachments', 'discharge.pdf'));
    expect(saved.equals(Buffer.from(pdf))).toBe(true);
    expect(officeTap.written.filter((record) => record.action === 'attachment.saved')).toHaveLength(2);
  });

  it('refuses a 200 MB file and a kind policy does not allow before any byte is sent', async () => {
    const big = await ward.call('attachment.begin', {
      fileName: 'ct-series.pdf',
      mediaType: 'application/pdf',
      size: 200 * 1024 * 1024,
    });
    expect(big.ok || big.error.code).toBe('ATTACHMENT_TOO_LARGE');
    const zip = await ward.call('attachment.begin', { fileName: 'notes.zip', mediaType: 'application/zip', size: 10 });
    expect(zip.ok || zip.error.code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
    const renamed = await attachFile(ward, {
      name: 'scan.pdf',
      type: 'application/pdf',
      bytes: Buffer.from('MZ\x90\0'),
    });
    expect(renamed.ok || renamed.error.code).toBe('ATTACHMENT_UNREADABLE');
  });

  it('a file lost from the disk is let go and fetched again from the server', async () => {
    const before = await settled(office, conversationId);
    const photo = before.attachments[0]!;
    for (const file of attachmentFilesUnder(office.dataDir)) rmSync(file);
    const lost = await office.call('attachment.open', { messageId, attachmentId: photo.id });
    expect(lost.ok || lost.error.code).toBe('NOT_FOUND');
    const after = await settled(office, conversationId);
    expect(after.attachments[0]?.state).toBe('ready');
    const back = await office.call('attachment.open', { messageId, attachmentId: photo.id });
    expect(back.ok && Buffer.from(back.value.data, 'base64').equals(photoPlain)).toBe(true);
  });

  it('a recall removes the blobs from the server and the bytes from the reader', async () => {
    const before = await settled(office, conversationId);
    const recalled = await ward.call('message.recall', { messageId });
    expect(recalled.ok).toBe(true);
    const gone = await eventually(
      async () => (await openThread(office, conversationId)).messages.find((m) => m.id === messageId),
      (message) => message?.recalledAt != null,
    );
    expect(gone?.attachments.map((a) => a.state)).toEqual(['removed', 'removed']);
    const open = await office.call('attachment.open', { messageId, attachmentId: before.attachments[0]!.id });
    expect(open.ok || open.error.code).toBe('NOT_FOUND');
    // Their files are unlinked on both workstations (the keys went with the recall).
    for (const station of [office, ward])
      await eventually(
        () => Promise.resolve(attachmentFilesUnder(station.dataDir)),
        (files) => files.length === 0,
      );
  });

  it("the server's data folder holds no plaintext byte of either file", async () => {
    await Promise.all([ward.close(), office.close()]);
    await server.server.close();
    const windows = plaintextWindows();
    for (const file of filesUnder(server.dataDir)) {
      const content = readFileSync(file);
      for (const window of windows) expect(content.includes(window), file).toBe(false);
      expect(content.includes(Buffer.from(PHOTO_EXIF.serial)), file).toBe(false);
    }
  });
});
