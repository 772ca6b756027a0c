/**
 * The review export's MIME pieces (shared/node/ediscovery/mime-encoding.ts, eml-message.ts):
 * non-ASCII names and subjects as RFC 2047 encoded-words that decode back whole and never pass
 * 75 characters or cut a character; long and non-ASCII file names as RFC 2231 continuations;
 * header folding within 78 characters; no line break inside a value can start a header; and
 * base64 in 76-character lines however the bytes arrive.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addrSpec,
  base64Lines,
  displayPhrase,
  encodedWords,
  fileNameParameter,
  headerField,
  mailbox,
  rfc5322Date,
  unstructured,
} from '../../../shared/node/ediscovery/mime-encoding';
import { emlHead, type EmlMessage } from '../../../shared/node/ediscovery/eml-message';

const decodeWord = (word: string) => {
  const match = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=$/.exec(word);
  if (match === null) throw new Error(`not an encoded-word: ${word}`);
  return Buffer.from(match[1]!, 'base64');
};
const decodeWords = (words: readonly string[]) => Buffer.concat(words.map(decodeWord)).toString('utf8');

describe('RFC 2047 encoded-words', () => {
  it('decode back to the text, each at most 75 characters and whole UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }), (text) => {
        const words = encodedWords(text);
        for (const word of words) {
          expect(word.length).toBeLessThanOrEqual(75);
          // Each word is valid UTF-8 on its own: no character is cut between two.
          expect(() => new TextDecoder('utf-8', { fatal: true }).decode(decodeWord(word))).not.toThrow();
        }
        expect(decodeWords(words)).toBe(text);
      }),
    );
  });

  it('leave plain ASCII names as they are, quote what needs quoting, encode the rest', () => {
    expect(displayPhrase('Grace Adams')).toEqual(['Grace', 'Adams']);
    expect(displayPhrase('Adams, Grace (RN)')).toEqual(['"Adams, Grace (RN)"']);
    expect(displayPhrase('Say "hi" \\ there')).toEqual(['"Say \\"hi\\" \\\\ there"']);
    expect(decodeWords(displayPhrase('Zoë Ólafsdóttir'))).toBe('Zoë Ólafsdóttir');
    // Text that looks like an encoded-word is encoded, so it reads back as it was written.
    expect(decodeWords(unstructured('=?UTF-8?B?SGk=?='))).toBe('=?UTF-8?B?SGk=?=');
  });

  it('never lets a line break in a value start a header of its own', () => {
    const field = headerField('Subject', [unstructured('Hello\r\nBcc: someone@example.com')]);
    expect(field.split('\r\n').every((line, index) => index === 0 || line.startsWith(' '))).toBe(true);
    expect(field).not.toMatch(/\r\nBcc:/);
    const name = headerField('From', [
      mailbox('Eve\nX-Wardline-Signature: verified', addrSpec('eve', 'wardline.invalid')),
    ]);
    expect(name).not.toMatch(/\r?\nX-Wardline/);
  });
});

describe('addresses, folding and dates', () => {
  it('quotes a user id that is not a dot-atom', () => {
    expect(addrSpec('nurse.adams', 'wardline.invalid')).toBe('nurse.adams@wardline.invalid');
    expect(addrSpec('a..b', 'wardline.invalid')).toBe('"a..b"@wardline.invalid');
    expect(addrSpec('trailing.', 'wardline.invalid')).toBe('"trailing."@wardline.invalid');
  });

  it('folds a long recipient list within 78 characters per line, commas between mailboxes', () => {
    const people = Array.from({ length: 30 }, (_, i) =>
      mailbox(`Person Number ${String(i)}`, `p${String(i)}@wardline.invalid`),
    );
    const field = headerField('To', people, ', ');
    for (const line of field.split('\r\n')) expect(line.length).toBeLessThanOrEqual(78);
    expect(field.replace(/\r\n /g, ' ').split(', ')).toHaveLength(30);
  });

  it('writes RFC 5322 dates in UTC', () => {
    expect(rfc5322Date(Date.UTC(2026, 0, 3, 4, 5, 6))).toBe('Sat, 03 Jan 2026 04:05:06 +0000');
  });
});

describe('file names and base64', () => {
  it('writes a short ASCII name quoted, and a long or non-ASCII one as RFC 2231 continuations', () => {
    expect(fileNameParameter('filename', 'ecg.pdf')).toEqual(['filename="ecg.pdf"']);
    const name = `${'Röntgenbefund '.repeat(8)}.pdf`;
    const segments = fileNameParameter('filename', name);
    expect(segments.length).toBeGreaterThan(1);
    for (const segment of segments) expect(` ${segment};`.length).toBeLessThanOrEqual(78);
    const joined = segments.map((segment) => segment.replace(/^filename\*\d+\*=/, '')).join('');
    expect(decodeURIComponent(joined.replace(/^UTF-8''/, ''))).toBe(name);
  });

  it('gives the same 76-character lines however the bytes arrive', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat({ max: 300 }), { maxLength: 10 }),
        (bytes, cuts) => {
          const lines = base64Lines();
          let out = '';
          let at = 0;
          for (const cut of cuts) {
            out += lines.push(bytes.subarray(at, Math.min(bytes.length, at + cut)));
            at = Math.min(bytes.length, at + cut);
          }
          out += lines.push(bytes.subarray(at)) + lines.end();
          for (const line of out.split('\r\n').slice(0, -1)) expect(line.length).toBeLessThanOrEqual(76);
          expect(Buffer.from(out.replace(/\r\n/g, ''), 'base64').equals(Buffer.from(bytes))).toBe(true);
        },
      ),
    );
  });
});

describe('an .eml head', () => {
  const message: EmlMessage = {
    messageId: '0a1b2c3d-4e5f-4a6b-9c8d-7e6f5a4b3c2d',
    conversationId: '6f1c2b9e-3a4d-4f5e-8a7b-1c2d3e4f5a6b',
    sentAt: Date.UTC(2026, 11, 5, 9, 0, 0),
    acceptedAt: Date.UTC(2026, 11, 5, 9, 0, 1),
    priority: 'stat',
    sender: { userId: 'nurse.adams', displayName: 'Grace Adams' },
    recipients: [{ userId: 'dr.unknown', displayName: null }],
    title: null,
    patientReference: null,
    patientLabel: null,
    state: 'standing',
    stateAt: null,
    content: 'does-not-open',
    text: 'never shown',
    attachments: [],
  };

  it('uses a neutral subject without a title, and says when the content does not open', () => {
    const head = emlHead(message);
    expect(head).toContain('\r\nSubject: Wardline message\r\n');
    expect(head).toContain('\r\nTo: <dr.unknown@wardline.invalid>\r\n');
    expect(head).toContain('\r\nX-Wardline-Content: does-not-open\r\n');
    expect(head).not.toContain('X-Wardline-Patient-Reference');
    const body = Buffer.from(head.slice(head.indexOf('\r\n\r\n') + 4).replace(/\r\n/g, ''), 'base64').toString('utf8');
    expect(body).toContain('does not open');
    expect(body).not.toContain('never shown');
  });
});
