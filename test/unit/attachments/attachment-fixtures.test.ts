/**
 * The PDF fixtures are what they say, as pdf.js itself reads them: otherwise a test that a hostile
 * PDF "did nothing" could pass because the PDF tried nothing.
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { HOSTILE_PDF, PDF_PAGES, hostilePdf, malformedPdf, pdfWithText } from '../../support/attachment-fixtures';

const open = (data: Uint8Array) =>
  // `stopAtErrors`: a fixture pdf.js had to repair would not prove the cross-reference table.
  getDocument({ data, stopAtErrors: true, isEvalSupported: false, verbosity: 0 }).promise;

const pageText = async (document: Awaited<ReturnType<typeof open>>, number: number) =>
  (await (await document.getPage(number)).getTextContent()).items
    .map((item) => ('str' in item ? item.str : ''))
    .join(' ');

describe('the PDF fixtures, as pdf.js reads them', () => {
  it('a PDF with known text: two pages, one line each', async () => {
    const document = await open(pdfWithText());
    expect(document.numPages).toBe(PDF_PAGES.length);
    for (const [index, line] of PDF_PAGES.entries()) expect(await pageText(document, index + 1)).toBe(line);
    await document.destroy();
  });

  it('a hostile PDF: scripts on open, a launch, a web link, a remote PDF link and an embedded file', async () => {
    const document = await open(hostilePdf());
    expect(await pageText(document, 1)).toContain(HOSTILE_PDF.text);
    const scripts = JSON.stringify(await document.getJSActions());
    expect(scripts).toContain('app.alert');
    expect(scripts).toContain(HOSTILE_PDF.javascriptUrl);
    const page = await document.getPage(1);
    expect(JSON.stringify(await page.getJSActions())).toContain('app.alert');
    const annotations = (await page.getAnnotations()) as { unsafeUrl?: string }[];
    const links = annotations.map((annotation) => annotation.unsafeUrl);
    expect(links).toEqual([HOSTILE_PDF.uri, HOSTILE_PDF.launch, expect.stringContaining(HOSTILE_PDF.remotePdf)]);
    const attachments = (await document.getAttachments()) as Record<string, unknown> | null;
    expect(Object.keys(attachments ?? {})).toEqual([HOSTILE_PDF.embeddedFile]);
    await document.destroy();
  });

  it('a malformed PDF is refused by pdf.js', async () => {
    await expect(open(malformedPdf())).rejects.toThrow(/Invalid PDF/);
  });
});
