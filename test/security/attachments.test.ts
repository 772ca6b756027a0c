/**
 * Attachments against a hostile page, through the real cores and server: payloads that break
 * the contract (paths in names, oversized chunks, a chunk past its declared size, out of order)
 * are refused and leave nothing; one person's draft or attachment cannot be sent or opened by
 * another, nor by a role that does not message; a send naming a draft twice at once seals it
 * once; a malformed image or a hostile PDF passed off under another kind is refused or stays
 * inert, and the core keeps serving. A HEIC bomb is refused from its header, or its decoder's
 * worker is terminated at the time limit while main carries on. No file name or byte reaches a
 * log line or the trail.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeHeic } from '../../main/attachments/heic-decoder';
import { ATTACHMENT_IPC_CHUNK_BYTES } from '../../shared/ipc/attachment-channels';
import { workerCounts } from '../../shared/node/workers/spawn-worker';
import { attachFile } from '../support/attach-file';
import { hostilePdf, malformedImages } from '../support/attachment-fixtures';
import { tap, type Tap } from '../support/audit-tap';
import { brokenHeics, heicGrid, heicPhoto } from '../support/heic-fixtures';
import { account, signIn, startTestServer, type TestServer } from '../support/messaging-server';
import { createWorkstation, type Workstation } from '../support/workstation';

const nurse = account('nurse.achterberg', 'nurse', 'Femke Achterberg', 'Ward 3', 'Staff Nurse');
const doctor = account('dr.nwosu', 'physician', 'Emeka Nwosu', 'Medicine', 'Registrar');
const admin = account('it.sato', 'it-admin', 'Ken Sato', 'IT', 'Engineer');
const SECRET_NAME = 'Wojciechowska-wound';

let server: TestServer;
let ward: Workstation;
let office: Workstation;
let desk: Workstation;
let wardTap: Tap;
const logs: string[] = [];

beforeAll(async () => {
  server = await startTestServer([nurse, doctor, admin]);
  ward = createWorkstation(server.endpoint, { logLines: logs });
  office = createWorkstation(server.endpoint, { logLines: logs });
  desk = createWorkstation(server.endpoint, { logLines: logs });
  await Promise.all([signIn(ward, nurse), signIn(office, doctor), signIn(desk, admin)]);
  wardTap = await tap(ward);
}, 90_000);

afterAll(async () => {
  await Promise.all([ward.close(), office.close(), desk.close()]);
  await server.server.close();
});

const code = (result: { ok: boolean; error?: { code: string } }) => (result.ok ? 'ok' : result.error?.code);

describe('attachments against a hostile page', () => {
  it('refuses names with paths or disguised extensions, and malformed requests, at the edge', async () => {
    for (const fileName of ['../../etc/passwd', 'C:\\Windows\\x.pdf', 'scan\u202efdp.exe', 'a\u0000.pdf', '']) {
      const begun = await ward.call('attachment.begin', { fileName, mediaType: 'application/pdf', size: 10 });
      expect(code(begun), fileName).toBe('BAD_REQUEST');
    }
    const extra = await ward.call('attachment.begin', {
      fileName: 'a.pdf',
      mediaType: 'application/pdf',
      size: 10,
      path: '/tmp/x',
    } as never);
    expect(code(extra)).toBe('BAD_REQUEST');
    const begun = await ward.call('attachment.begin', { fileName: 'a.pdf', mediaType: 'application/pdf', size: 10 });
    if (!begun.ok) throw new Error(begun.error.code);
    const huge = await ward.call('attachment.chunk', {
      draftId: begun.value.draftId,
      offset: 0,
      data: Buffer.alloc(ATTACHMENT_IPC_CHUNK_BYTES + 3).toString('base64'),
    });
    expect(['BAD_REQUEST', 'PAYLOAD_TOO_LARGE']).toContain(code(huge));
    const past = await ward.call('attachment.chunk', {
      draftId: begun.value.draftId,
      offset: 0,
      data: Buffer.alloc(11).toString('base64'),
    });
    expect(code(past)).toBe('BAD_REQUEST');
    // That ended the draft: nothing of it is left to finish.
    expect(code(await ward.call('attachment.finish', { draftId: begun.value.draftId }))).toBe('NOT_FOUND');
  });

  it("one person's draft cannot be sent by another, and only messaging roles attach", async () => {
    const draft = await attachFile(ward, { name: 'ok.pdf', type: 'application/pdf', bytes: hostilePdf() });
    if (!draft.ok) throw new Error(draft.error.code);
    const stolen = await office.call('message.send', {
      to: [{ kind: 'user', userId: nurse.userId }],
      title: null,
      text: 'mine now',
      priority: 'routine',
      expiresInSeconds: null,
      attachments: [draft.value.draftId],
    });
    expect(code(stolen)).toBe('NOT_FOUND');
    const admins = await desk.call('attachment.begin', { fileName: 'a.pdf', mediaType: 'application/pdf', size: 10 });
    expect(code(admins)).toBe('NOT_PERMITTED');
  });

  it('twenty sends naming one draft at once seal it once', async () => {
    const draft = await attachFile(ward, { name: 'ecg.pdf', type: 'application/pdf', bytes: hostilePdf() });
    if (!draft.ok) throw new Error(draft.error.code);
    const sends = await Promise.all(
      Array.from({ length: 20 }, () =>
        ward.call('message.send', {
          to: [{ kind: 'user', userId: doctor.userId }],
          title: null,
          text: '',
          priority: 'routine',
          expiresInSeconds: null,
          attachments: [draft.value.draftId],
        }),
      ),
    );
    expect(sends.filter((sent) => sent.ok)).toHaveLength(1);
    expect(new Set(sends.filter((sent) => !sent.ok).map(code))).toEqual(new Set(['NOT_FOUND']));
  });

  it('malformed images are refused as unreadable and the core keeps serving', async () => {
    const bad = await malformedImages();
    for (const [name, bytes] of Object.entries(bad) as [string, Uint8Array][]) {
      const type = name.toLowerCase().includes('png') ? 'image/png' : 'image/jpeg';
      const result = await attachFile(ward, { name: `${name}.${type === 'image/png' ? 'png' : 'jpg'}`, type, bytes });
      expect(code(result), name).toBe('ATTACHMENT_UNREADABLE');
    }
    // A PDF named as a photo is what its bytes say, and still only a PDF.
    const disguised = await attachFile(ward, { name: 'photo.jpg', type: 'image/jpeg', bytes: hostilePdf() });
    expect(disguised.ok && disguised.value.mediaType).toBe('application/pdf');
    const list = await ward.call('conversations.list', { offset: 0, limit: 10 });
    expect(list.ok).toBe(true);
  });

  it('hostile HEIC files are refused as unreadable and the core keeps serving', async () => {
    const hostile: [string, Uint8Array][] = [
      ...(Object.entries(brokenHeics()) as [string, Uint8Array][]),
      // 43 KB claiming 14400×9600 pixels: refused from its header, never decoded.
      ['bomb', heicGrid(30, 30)],
    ];
    for (const [name, bytes] of hostile) {
      const started = performance.now();
      const result = await attachFile(ward, { name: `${SECRET_NAME}-${name}.heic`, type: 'image/heic', bytes });
      expect(code(result), name).toBe('ATTACHMENT_UNREADABLE');
      expect(performance.now() - started, name).toBeLessThan(10_000);
    }
    const list = await ward.call('conversations.list', { offset: 0, limit: 10 });
    expect(list.ok).toBe(true);
  });

  it('another person cannot open an attachment of a conversation they are not in', async () => {
    const draft = await attachFile(ward, { name: `${SECRET_NAME}.pdf`, type: 'application/pdf', bytes: hostilePdf() });
    if (!draft.ok) throw new Error(draft.error.code);
    const sent = await ward.call('message.send', {
      to: [{ kind: 'user', userId: doctor.userId }],
      title: null,
      text: 'see attached',
      priority: 'routine',
      expiresInSeconds: null,
      attachments: [draft.value.draftId],
    });
    if (!sent.ok) throw new Error(sent.error.code);
    const own = await ward.call('conversation.open', { conversationId: sent.value.conversationId });
    const attachmentId = own.ok ? own.value.messages.at(-1)?.attachments[0]?.id : undefined;
    if (attachmentId === undefined) throw new Error('no attachment');
    const admins = await desk.call('attachment.open', { messageId: sent.value.messageId, attachmentId });
    expect(code(admins)).toBe('NOT_PERMITTED');
  });

  it('no file name or content reaches the trail or a log line', () => {
    const written = JSON.stringify(wardTap.written);
    expect(written).not.toContain(SECRET_NAME);
    expect(written).not.toContain('ecg.pdf');
    for (const line of logs) {
      expect(line).not.toContain(SECRET_NAME);
      expect(line).not.toContain('%PDF');
    }
  });
});

describe('a HEIC decode that runs too long', () => {
  it('has its worker terminated at the time limit, without blocking main or the next decode', async () => {
    // 18 KB whose grid shows 6720×7040 (47 megapixels, under the bound) from 308 tiles: seconds
    // of WebAssembly at full speed. With the limit cut to 1.5 s it cannot finish.
    const bomb = heicGrid(14, 22);
    const limits = { maxPixels: 50_000_000, maxSide: 65_535, timeoutMs: 1_500 };
    const before = workerCounts().live;
    let last = performance.now();
    let longestStall = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestStall = Math.max(longestStall, now - last);
      last = now;
    }, 20);
    const started = performance.now();
    try {
      expect(await decodeHeic(bomb, limits)).toEqual({ ok: false, error: 'HEIC_TIMEOUT' });
    } finally {
      clearInterval(ticker);
    }
    // Generous: the bound is the limit, not a decode of many seconds.
    expect(performance.now() - started).toBeLessThan(limits.timeoutMs + 10_000);
    // Settled only once the worker has exited: terminated, not left running.
    expect(workerCounts().live).toBe(before);
    // The decode ran off main's event loop, which kept turning.
    // (A decode on main's thread would stall it for the whole decode, far past the time limit.)
    expect(longestStall).toBeLessThan(limits.timeoutMs);
    // And the queue goes on: the next photo decodes.
    expect((await decodeHeic(heicPhoto(), { ...limits, timeoutMs: 30_000 })).ok).toBe(true);
  });
});
