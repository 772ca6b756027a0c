/**
 * What the attachment UI says: sizes as Explorer shows them, the policy's limit in the clinician's
 * words, the picker's hint and filter, a name the contract accepts, each state of a received file.
 */
import { describe, expect, it } from 'vitest';
import { appError } from '../../../shared/errors';
import { attachmentFileName } from '../../../shared/protocol/attachment';
import {
  acceptFor,
  allowedKinds,
  attachErrorText,
  attachHint,
  attachableName,
  attachmentStateText,
  formatSize,
  mediaLabel,
  tooLargeText,
} from '../../../renderer/src/messaging/attachments/attachment-words';
import { base64ToBytes, bytesToBase64 } from '../../../renderer/src/messaging/attachments/attachment-bytes';

const MIB = 1024 * 1024;

describe('sizes', () => {
  it('reads as Explorer shows them, rounded up', () => {
    expect(formatSize(1)).toBe('1 byte');
    expect(formatSize(812)).toBe('812 bytes');
    expect(formatSize(1024)).toBe('1 KB');
    expect(formatSize(340 * 1024 + 1)).toBe('341 KB');
    expect(formatSize(2.4 * MIB)).toBe('2.4 MB');
    expect(formatSize(25 * MIB)).toBe('25 MB');
    expect(formatSize(200 * MIB)).toBe('200 MB');
  });

  it('never shows a file just over a limit as the limit itself', () => {
    expect(formatSize(25 * MIB + 1)).toBe('25.1 MB');
    expect(formatSize(100 * MIB + 1)).toBe('101 MB');
  });

  it('says the file size and the limit from policy', () => {
    expect(tooLargeText(200 * MIB, 25)).toBe('This file is 200 MB; this workstation allows up to 25 MB.');
    expect(attachErrorText(appError('ATTACHMENT_TOO_LARGE'), 200 * MIB, 25)).toBe(
      'This file is 200 MB; this workstation allows up to 25 MB.',
    );
    // Before the policy is read: the general wording.
    expect(attachErrorText(appError('ATTACHMENT_TOO_LARGE'), 200 * MIB, null)).toMatch(
      /larger than this workstation allows/,
    );
    expect(attachErrorText(appError('ATTACHMENT_UNREADABLE'), 10, 25)).toMatch(/could not be read/);
  });
});

describe('what may be attached', () => {
  it('is every kind when policy names none, else the kinds it names', () => {
    expect(allowedKinds(null)).toEqual(['jpeg', 'png', 'heic', 'pdf']);
    expect(allowedKinds('pdf, JPEG')).toEqual(['pdf', 'jpeg']);
  });

  it('narrows the picker by type and extension', () => {
    expect(acceptFor(['jpeg', 'pdf']).split(',')).toEqual(['image/jpeg', '.jpg', '.jpeg', 'application/pdf', '.pdf']);
  });

  it('hints the kinds and the size', () => {
    expect(attachHint(['jpeg', 'png', 'pdf'], 25)).toBe('JPEG, PNG or PDF, up to 25 MB');
    expect(attachHint(['pdf'], 10)).toBe('PDF, up to 10 MB');
  });
});

describe('the name the readers see', () => {
  it('keeps an ordinary name', () => {
    expect(attachableName('wound day 3.jpg')).toBe('wound day 3.jpg');
  });

  it('drops what the contract refuses: bidi overrides, control characters, path separators', () => {
    // "photo\u202Egpj.exe" shows as "photoexe.jpg" in a left-to-right line.
    expect(attachableName('photo\u202egpj.exe')).toBe('photogpj.exe');
    expect(attachableName('a\u0000b\u0007c\n.pdf')).toBe('abc.pdf');
    expect(attachableName('C:\\scans\\x.pdf')).toBe('C:scansx.pdf');
    expect(attachableName('\u2066\u2069 ')).toBe('attachment');
  });

  it('cuts a long name to the contract’s length, keeping the extension and whole characters', () => {
    const long = attachableName(`${'Ü'.repeat(200)}.pdf`);
    expect(long.length).toBeLessThanOrEqual(120);
    expect(long.endsWith('….pdf')).toBe(true);
    const emoji = attachableName(`${'😀'.repeat(100)}.jpeg`);
    expect(emoji.endsWith('….jpeg')).toBe(true);
    expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);
  });

  it('always passes the contract', () => {
    for (const name of [
      'x.pdf',
      'photo\u202egpj.exe',
      `${'a'.repeat(500)}.png`,
      '   ',
      '/',
      `${'😀'.repeat(100)}.jpeg`,
    ])
      expect(attachmentFileName.safeParse(attachableName(name)).success, name).toBe(true);
  });
});

describe('a received file', () => {
  it('says its state when it cannot simply be opened', () => {
    expect(attachmentStateText({ state: 'ready', problem: null })).toBeNull();
    expect(attachmentStateText({ state: 'fetching', problem: null })).toBe('Fetching…');
    expect(attachmentStateText({ state: 'failed', problem: 'unreachable' })).toMatch(/not reachable/);
    expect(attachmentStateText({ state: 'failed', problem: 'damaged' })).toMatch(/did not arrive as it was sent/);
    expect(attachmentStateText({ state: 'failed', problem: 'gone' })).toMatch(/No longer on the server/);
    expect(attachmentStateText({ state: 'removed', problem: null })).toBe('Removed with the message');
  });

  it('names its kind', () => {
    expect(mediaLabel('application/pdf')).toBe('PDF document');
    expect(mediaLabel('image/png')).toBe('Image');
  });
});

describe('bytes across the bridge', () => {
  it('round-trip through base64, as Node spells it, including a half-megabyte chunk', () => {
    const bytes = new Uint8Array(512 * 1024 + 7).map((_, index) => (index * 7919) % 256);
    const text = bytesToBase64(bytes);
    expect(text).toBe(Buffer.from(bytes).toString('base64'));
    expect(Buffer.from(base64ToBytes(text)).equals(Buffer.from(bytes))).toBe(true);
    expect(bytesToBase64(new Uint8Array())).toBe('');
  });
});
