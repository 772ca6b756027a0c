import { describe, expect, it } from 'vitest';
import { checkPdf } from '../../../main/attachments/pdf-check';
import { hostilePdf, pdfWithText } from '../../support/attachment-fixtures';

const latin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const body = '1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n'.repeat(4);

describe('the structural check of a PDF', () => {
  it('passes a well-formed PDF, hostile content and all: content is the viewer’s business', () => {
    expect(checkPdf(pdfWithText())).toBe('ok');
    expect(checkPdf(hostilePdf())).toBe('ok');
  });

  it('takes versions 1.0 to 1.7 and 2.0, with bytes before the header and padding after %%EOF', () => {
    for (const version of ['1.0', '1.4', '1.7', '2.0'])
      expect(checkPdf(latin1(`%PDF-${version}\n${body}%%EOF`))).toBe('ok');
    expect(checkPdf(latin1(`\r\n\r\n%PDF-1.4\n${body}%%EOF\r\n${'\0'.repeat(500)}`))).toBe('ok');
  });

  it('refuses an unknown version, a header past the first kilobyte, and a tiny file', () => {
    expect(checkPdf(latin1(`%PDF-3.0\n${body}%%EOF`))).toBe('unreadable');
    expect(checkPdf(latin1(`%PDF-1.9\n${body}%%EOF`))).toBe('unreadable');
    expect(checkPdf(latin1(`${' '.repeat(1030)}%PDF-1.4\n${body}%%EOF`))).toBe('unreadable');
    expect(checkPdf(latin1('%PDF-1.4\n%%EOF'))).toBe('unreadable');
  });

  it('refuses a PDF cut short (no %%EOF in its last kilobyte)', () => {
    const whole = pdfWithText();
    expect(checkPdf(whole.subarray(0, whole.length - 10))).toBe('unreadable');
    expect(checkPdf(latin1(`%PDF-1.4\n${body}%%EOF${' '.repeat(1100)}`))).toBe('unreadable');
  });
});
