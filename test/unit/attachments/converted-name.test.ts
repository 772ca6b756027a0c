/** The name a HEIC photo is sent under as a JPEG (main/attachments/converted-name.ts). */
import { describe, expect, it } from 'vitest';
import { jpegFileName } from '../../../main/attachments/converted-name';
import { ATTACHMENT_NAME_MAX, attachmentFileName } from '../../../shared/protocol/attachment';

describe('a converted photo’s name', () => {
  it.each([
    ['IMG_0042.HEIC', 'IMG_0042.jpg'],
    ['wound day 3.heif', 'wound day 3.jpg'],
    ['scan.heic.heic', 'scan.heic.jpg'],
    ['wound', 'wound.jpg'],
    ['photo.png', 'photo.png.jpg'],
  ])('%s is sent as %s', (name, expected) => {
    expect(jpegFileName(name)).toBe(expected);
  });

  it('stays within the sealed name’s limit, never cutting a character in half', () => {
    const long = `${'a'.repeat(ATTACHMENT_NAME_MAX - 6)}😀😀😀`;
    expect(long.length).toBeGreaterThan(ATTACHMENT_NAME_MAX - 4);
    const named = jpegFileName(long);
    expect(named.length).toBeLessThanOrEqual(ATTACHMENT_NAME_MAX);
    expect(named.endsWith('😀.jpg')).toBe(true);
    expect(attachmentFileName.safeParse(named).success).toBe(true);
    expect(jpegFileName(`${'b'.repeat(ATTACHMENT_NAME_MAX - 5)}.heic`)).toBe(
      `${'b'.repeat(ATTACHMENT_NAME_MAX - 5)}.jpg`,
    );
  });
});
