/** A saved attachment's name on disk (main/attachments/save-file-name.ts): safe on Windows and Linux, its real extension. */
import { describe, expect, it } from 'vitest';
import { saveFileName } from '../../../main/attachments/save-file-name';

describe('save file name', () => {
  it.each([
    ['wound photo.jpg', 'image/jpeg', 1, 'wound photo.jpg'],
    ['wound photo.jpg', 'image/jpeg', 2, 'wound photo (2).jpg'],
    ['ecg.png.exe', 'image/png', 1, 'ecg.png.png'],
    ['discharge', 'application/pdf', 1, 'discharge.pdf'],
    ['a<b>:c"d|e?f*g.pdf', 'application/pdf', 1, 'a_b__c_d_e_f_g.pdf'],
    ['CON.jpg', 'image/jpeg', 1, 'attachment-CON.jpg'],
    ['scan. . .pdf', 'application/pdf', 1, 'scan.pdf'],
    ['...', 'application/pdf', 1, 'attachment.pdf'],
    ['x\u202egpj.exe', 'image/jpeg', 1, 'x_gpj.jpg'],
  ] as const)('%s as %s, copy %i: %s', (name, type, copy, expected) => {
    expect(saveFileName(name, type, copy)).toBe(expected);
  });
});
