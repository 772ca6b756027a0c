/**
 * The name a saved attachment gets on disk: the sender's file name made safe on Windows and
 * Linux (no reserved characters or device names, no trailing dot or space), with the extension
 * of what it really is, and " (n)" before it for the n-th copy.
 */
import type { SealedMediaType } from '../../shared/protocol/attachment';

const EXTENSIONS: Readonly<Record<SealedMediaType, string>> = {
  'image/jpeg': '.jpg',
  'image/png': '.png',
  'application/pdf': '.pdf',
};

const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

export function saveFileName(fileName: string, mediaType: SealedMediaType, copy: number): string {
  const extension = EXTENSIONS[mediaType];
  let stem = fileName
    .replace(/\.[A-Za-z0-9]{1,5}$/, '')
    .replace(/[<>:"/\\|?*\p{Cc}\p{Cf}]/gu, '_')
    .replace(/[. ]+$/, '')
    .slice(0, 100);
  if (stem === '' || RESERVED.test(stem)) stem = `attachment${stem === '' ? '' : `-${stem}`}`;
  return `${stem}${copy > 1 ? ` (${String(copy)})` : ''}${extension}`;
}
