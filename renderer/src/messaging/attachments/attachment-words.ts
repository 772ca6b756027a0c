/**
 * What the attachment UI says: sizes as Explorer shows them, the limits machine policy sets, the
 * state of a file in a thread. Pure, so each wording is tested on its own.
 */
import type { AppError } from '../../../../shared/errors';
import type { AttachmentView } from '../../../../shared/ipc/attachment-channels';
import { ATTACHMENT_KINDS, ATTACHMENT_NAME_MAX, type AttachmentKind } from '../../../../shared/protocol/attachment';
import { parseAttachmentKinds } from '../../../../shared/policy/policy-schema';
import { describeError } from '../../error-messages';

const KIB = 1024;
const MIB = 1024 * KIB;

/** "812 bytes", "340 KB", "2.4 MB", "200 MB": binary units named as Windows names them, rounded up. */
export function formatSize(bytes: number): string {
  if (bytes < KIB) return bytes === 1 ? '1 byte' : `${String(bytes)} bytes`;
  if (bytes < MIB) return `${String(Math.ceil(bytes / KIB))} KB`;
  const mib = bytes / MIB;
  // Rounded up, so a file just over a limit never reads as equal to it.
  const shown = mib < 100 ? Math.ceil(mib * 10) / 10 : Math.ceil(mib);
  return `${String(shown)} MB`;
}

/** "This file is 200 MB; this workstation allows up to 25 MB." */
export function tooLargeText(size: number, maxMiB: number): string {
  return `This file is ${formatSize(size)}; this workstation allows up to ${String(maxMiB)} MB.`;
}

/** The kinds policy allows (`attachmentKinds`: null means all). */
export function allowedKinds(policyKinds: string | null): readonly AttachmentKind[] {
  return policyKinds === null ? ATTACHMENT_KINDS : (parseAttachmentKinds(policyKinds) ?? []);
}

const ACCEPT: Record<AttachmentKind, readonly string[]> = {
  jpeg: ['image/jpeg', '.jpg', '.jpeg'],
  png: ['image/png', '.png'],
  heic: ['image/heic', 'image/heif', '.heic', '.heif'],
  pdf: ['application/pdf', '.pdf'],
};

/** The file input's `accept`: a hint to the OS picker only; main reads the real kind from the bytes. */
export function acceptFor(kinds: readonly AttachmentKind[]): string {
  return kinds.flatMap((kind) => ACCEPT[kind]).join(',');
}

const KIND_NAMES: Record<AttachmentKind, string> = { jpeg: 'JPEG', png: 'PNG', heic: 'HEIC', pdf: 'PDF' };

/** "JPEG, PNG or PDF, up to 25 MB": the picker's hint. */
export function attachHint(kinds: readonly AttachmentKind[], maxMiB: number): string {
  const names = kinds.map((kind) => KIND_NAMES[kind]);
  const list = names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
  return `${list}, up to ${String(maxMiB)} MB`;
}

// The contract's rule for a name (shared/protocol/attachment.ts): no path separators, control
// characters or bidi overrides (which could disguise `gpj.exe` as `exe.jpg`).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_NAME = /[/\\\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

/**
 * The name the readers will see: the picked file's name without what the contract refuses, cut
 * to its length with the extension kept ("Very long scan name….pdf"). "attachment" if nothing is left.
 */
export function attachableName(name: string): string {
  const cleaned = name.replace(UNSAFE_IN_NAME, '').trim();
  if (cleaned === '') return 'attachment';
  // The contract counts UTF-16 code units, as `length` does.
  if (cleaned.length <= ATTACHMENT_NAME_MAX) return cleaned;
  const extension = /\.[A-Za-z0-9]{1,5}$/.exec(cleaned)?.[0] ?? '';
  // Never half of a surrogate pair at the cut.
  const kept = cleaned.slice(0, ATTACHMENT_NAME_MAX - extension.length - 1).replace(/[\ud800-\udbff]$/, '');
  return `${kept.trimEnd()}…${extension}`;
}

/** Send pressed while a file is still on its way. */
export const STILL_ATTACHING = 'Wait until the files are attached, or remove them.';

/** What to say when a file could not be attached. */
export function attachErrorText(error: AppError, size: number, maxMiB: number | null): string {
  if (error.code === 'ATTACHMENT_TOO_LARGE' && maxMiB !== null) return tooLargeText(size, maxMiB);
  return describeError(error);
}

const PROBLEMS: Record<NonNullable<AttachmentView['problem']>, string> = {
  unreachable: 'Could not be fetched: the server was not reachable.',
  damaged: 'Could not be shown: it did not arrive as it was sent.',
  gone: 'No longer on the server.',
};

/** An attachment's state under its message, when it cannot simply be opened. */
export function attachmentStateText(view: Pick<AttachmentView, 'state' | 'problem'>): string | null {
  switch (view.state) {
    case 'ready':
      return null;
    case 'fetching':
      return 'Fetching…';
    case 'failed':
      return PROBLEMS[view.problem ?? 'unreachable'];
    case 'removed':
      return 'Removed with the message';
  }
}

/** "PDF document" or "Image": what a card is, for a screen reader and a file-type label. */
export function mediaLabel(mediaType: AttachmentView['mediaType']): string {
  return mediaType === 'application/pdf' ? 'PDF document' : 'Image';
}
