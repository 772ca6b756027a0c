/**
 * The name a file is sealed under once main has converted it: a HEIC photo goes as a JPEG, so
 * its name says `.jpg`, and the reader's thread, viewer and Save agree with what it is. Within
 * the sealed name's length limit.
 */
import { ATTACHMENT_NAME_MAX } from '../../shared/protocol/attachment';

const JPG = '.jpg';

export function jpegFileName(fileName: string): string {
  const stem = Array.from(fileName.replace(/\.(heic|heif)$/i, ''));
  // By code point, so a name cut to fit never ends in half a surrogate pair.
  while (stem.join('').length > ATTACHMENT_NAME_MAX - JPG.length) stem.pop();
  return `${stem.join('')}${JPG}`;
}
