/**
 * The kind of file the renderer says it is handing over, from its media type or, when the
 * browser gave none, its name's extension. Only for refusing early by policy: the kind that
 * counts is read from the bytes when the file is finished (file-kind.ts).
 */
import { ATTACHMENT_MEDIA_TYPES, type AttachmentKind } from '../../shared/protocol/attachment';

const BY_EXTENSION: Readonly<Record<string, AttachmentKind>> = {
  jpg: 'jpeg',
  jpeg: 'jpeg',
  png: 'png',
  heic: 'heic',
  heif: 'heic',
  pdf: 'pdf',
};

export function declaredKind(fileName: string, mediaType: string): AttachmentKind | null {
  const type = mediaType.trim().toLowerCase();
  for (const [kind, known] of Object.entries(ATTACHMENT_MEDIA_TYPES) as [AttachmentKind, string][])
    if (type === known || (kind === 'heic' && type === 'image/heif')) return kind;
  if (type !== '' && type !== 'application/octet-stream') return null;
  const extension = /\.([a-z0-9]{1,5})$/i.exec(fileName)?.[1]?.toLowerCase();
  return extension === undefined ? null : (BY_EXTENSION[extension] ?? null);
}
